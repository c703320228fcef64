-- Migration 4: the last fence number handed out per org task, so that fences stay monotonic per org
-- task across release and re-acquire (task_lock rows come and go; this row stays). Acquirers also
-- lock these rows (in org task id order) to serialise competing acquisitions of the same tasks.

CREATE TABLE lock_fence (
    org_task_id   BIGINT NOT NULL PRIMARY KEY REFERENCES org_task (id) ON DELETE CASCADE,
    last_fence    BIGINT NOT NULL CHECK (last_fence >= 0)
);
