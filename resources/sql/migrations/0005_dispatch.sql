-- Migration 5: who executes a queued run, cancel requests across processes, notification attempts.

-- 'local': the requesting process runs it itself; 'agent': any agent may claim it (sluicectl --queue,
-- scheduled runs, runs queued behind a held lock).
ALTER TABLE run ADD COLUMN dispatch TEXT NOT NULL DEFAULT 'local' CHECK (dispatch IN ('local', 'agent'));
-- A cancel asked for by anyone (GUI, CLI, another machine); the process running the run acts on it.
ALTER TABLE run ADD COLUMN cancel_requested_at BIGINT;
ALTER TABLE run ADD COLUMN cancel_requested_by TEXT;
CREATE INDEX run_dispatch_queue ON run (status, dispatch, id);

-- Every attempt to notify a channel, successful or not. channel_name keeps the row readable after the
-- channel is deleted; run_id is NULL for `notify test`.
CREATE TABLE notification_attempt (
    id             %ID%,
    channel_id     BIGINT REFERENCES notification_channel (id) ON DELETE SET NULL,
    channel_name   TEXT NOT NULL,
    run_id         BIGINT REFERENCES run (id) ON DELETE CASCADE,
    level          TEXT NOT NULL CHECK (level IN ('failure', 'warning', 'success', 'test')),
    attempted_at   BIGINT NOT NULL,
    ok             BOOLEAN NOT NULL,
    http_status    INTEGER,
    error          TEXT
);
CREATE INDEX notification_attempt_run ON notification_attempt (run_id);
CREATE INDEX notification_attempt_channel ON notification_attempt (channel_id, id);
