-- Migration 2: agents, runs, task runs, their logs and dbt results, and the per-task lease locks.

CREATE TABLE agent (
    id              %ID%,
    uuid            TEXT NOT NULL UNIQUE,
    host            TEXT NOT NULL,
    pid             BIGINT NOT NULL,
    version         TEXT NOT NULL,
    tags            TEXT NOT NULL DEFAULT '[]',
    started_at      BIGINT NOT NULL,
    heartbeat_at    BIGINT NOT NULL,
    clock_skew_ms   BIGINT NOT NULL DEFAULT 0,
    stopped_at      BIGINT
);

-- A run of a pipeline, or of one org task alone (a manual task run).
-- pipeline_name keeps the history readable after a pipeline is deleted.
CREATE TABLE run (
    id              %ID%,
    uuid            TEXT NOT NULL UNIQUE,
    org_id          BIGINT NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    pipeline_id     BIGINT REFERENCES pipeline (id) ON DELETE SET NULL,
    org_task_id     BIGINT REFERENCES org_task (id) ON DELETE SET NULL,
    pipeline_name   TEXT,
    trigger_kind    TEXT NOT NULL CHECK (trigger_kind IN ('manual', 'scheduled', 'retry', 'backfill')),
    scheduled_for   BIGINT,
    requested_by    TEXT NOT NULL,
    agent_id        BIGINT REFERENCES agent (id) ON DELETE SET NULL,
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'successful', 'partial_success', 'failed',
                                      'cancelled', 'crashed', 'skipped')),
    status_reason   TEXT,
    queued_at       BIGINT NOT NULL,
    started_at      BIGINT,
    finished_at     BIGINT,
    UNIQUE (pipeline_id, scheduled_for)
);
-- Run history pages: newest runs of one pipeline, of one org; the queue of waiting runs.
CREATE INDEX run_pipeline_newest ON run (pipeline_id, id);
CREATE INDEX run_org_newest ON run (org_id, id);
CREATE INDEX run_status ON run (status, id);

CREATE TABLE task_run (
    id              %ID%,
    run_id          BIGINT NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    org_task_id     BIGINT REFERENCES org_task (id) ON DELETE SET NULL,
    task_slug       TEXT NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq >= 0),
    attempt         INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'successful', 'warning', 'failed',
                                      'cancelled', 'skipped', 'crashed')),
    started_at      BIGINT,
    finished_at     BIGINT,
    exit_code       INTEGER,
    summary         TEXT NOT NULL DEFAULT '{}',
    error_kind      TEXT,
    error_detail    TEXT,
    UNIQUE (run_id, seq, attempt)
);

-- Log lines in chunks: lines first_line .. first_line + line_count - 1 of one task run, each line
-- "<epoch ms> <o|e> <text>", joined by '\n'. The chunk size is capped so that a page of lines is an
-- index range scan on (task_run_id, first_line).
CREATE TABLE task_run_log (
    id            %ID%,
    task_run_id   BIGINT NOT NULL REFERENCES task_run (id) ON DELETE CASCADE,
    first_line    BIGINT NOT NULL CHECK (first_line >= 0),
    line_count    INTEGER NOT NULL CHECK (line_count BETWEEN 1 AND 1000),
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (task_run_id, first_line)
);

CREATE TABLE dbt_node_result (
    id              %ID%,
    task_run_id     BIGINT NOT NULL REFERENCES task_run (id) ON DELETE CASCADE,
    unique_id       TEXT NOT NULL,
    status          TEXT NOT NULL,
    execution_time  DOUBLE PRECISION,
    message         TEXT,
    failures        BIGINT,
    UNIQUE (task_run_id, unique_id)
);
CREATE INDEX dbt_node_result_node ON dbt_node_result (unique_id, task_run_id);

CREATE TABLE dbt_model (
    id               %ID%,
    org_id           BIGINT NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    unique_id        TEXT NOT NULL,
    name             TEXT NOT NULL,
    resource_type    TEXT NOT NULL,
    path             TEXT,
    materialization  TEXT,
    tags             TEXT NOT NULL DEFAULT '[]',
    depends_on       TEXT NOT NULL DEFAULT '[]',
    updated_at       BIGINT NOT NULL,
    UNIQUE (org_id, unique_id)
);

-- At most one lock row per org task: the lease held by the run that uses it.
CREATE TABLE task_lock (
    id                %ID%,
    org_task_id       BIGINT NOT NULL UNIQUE REFERENCES org_task (id) ON DELETE CASCADE,
    run_id            BIGINT NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    pipeline_id       BIGINT REFERENCES pipeline (id) ON DELETE SET NULL,
    locked_by         TEXT NOT NULL,
    holder_agent_id   BIGINT REFERENCES agent (id) ON DELETE SET NULL,
    fence             BIGINT NOT NULL,
    lease_expires_at  BIGINT NOT NULL,
    locked_at         BIGINT NOT NULL
);
CREATE INDEX task_lock_run ON task_lock (run_id);
CREATE INDEX task_lock_lease ON task_lock (lease_expires_at);
