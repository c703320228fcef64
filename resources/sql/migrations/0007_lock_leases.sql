-- Migration 7: a lease row per set of tasks locked together. A pipeline takes all its org tasks'
-- locks at once and gives them back at once, every run, so the lease (holder run, who, agent, fence,
-- expiry) lives on one lock_lease row that the tasks' lock_task rows point to. Taking the locks of a
-- set that is locked the same way as last time writes that one row (its tasks are checked, not
-- written), and giving them back clears its expiry. Tasks move to a new lease only when they are
-- locked in another combination (a changed pipeline, a single-task run); a lease's set then only
-- shrinks, and task_count says how many tasks are still its own.
-- Fences stay monotonic per task: a task's fence is its lease's, never below lock_task.fence (the
-- fence it had when it moved to its lease); a new lease starts above every fence of its tasks.
-- The view task_lock keeps the shape of one lock row per org task (DESIGN.md §1 "Locks") for readers.

CREATE TABLE lock_lease (
    id                %ID%,
    run_id            BIGINT REFERENCES run (id) ON DELETE SET NULL,          -- the holder, or the last one
    pipeline_id       BIGINT REFERENCES pipeline (id) ON DELETE SET NULL,
    locked_by         TEXT,
    holder_agent_id   BIGINT REFERENCES agent (id) ON DELETE SET NULL,
    fence             BIGINT NOT NULL DEFAULT 0 CHECK (fence >= 0),
    lease_expires_at  BIGINT,                                                 -- NULL: free
    locked_at         BIGINT,
    task_count        INTEGER NOT NULL CHECK (task_count >= 0),               -- lock_task rows that point here
    CHECK (lease_expires_at IS NULL OR (locked_by IS NOT NULL AND locked_at IS NOT NULL))
);

CREATE TABLE lock_task (
    org_task_id       %KEY% REFERENCES org_task (id) ON DELETE CASCADE,
    lease_id          BIGINT REFERENCES lock_lease (id) ON DELETE SET NULL,
    fence             BIGINT NOT NULL DEFAULT 0 CHECK (fence >= 0)
);
CREATE INDEX lock_task_lease ON lock_task (lease_id);

-- Every held lock of version 6 becomes its run's lease (one per run and fence); free rows keep their fence.
INSERT INTO lock_lease (run_id, pipeline_id, locked_by, holder_agent_id, fence, lease_expires_at, locked_at, task_count)
SELECT run_id, MAX(pipeline_id), MAX(locked_by), MAX(holder_agent_id), fence, MAX(lease_expires_at), MIN(locked_at), COUNT(*)
FROM task_lock WHERE run_id IS NOT NULL
GROUP BY run_id, fence;

INSERT INTO lock_task (org_task_id, lease_id, fence)
SELECT l.org_task_id, s.id, l.fence
FROM task_lock l
LEFT JOIN lock_lease s ON l.run_id IS NOT NULL AND s.run_id = l.run_id AND s.fence = l.fence;

DROP TABLE task_lock;

-- One row per org task that has ever been locked: its lock as DESIGN.md describes it (run_id NULL: free).
CREATE VIEW task_lock AS
SELECT l.org_task_id,
       CASE WHEN s.lease_expires_at IS NOT NULL THEN s.run_id END AS run_id,
       CASE WHEN s.lease_expires_at IS NOT NULL AND s.run_id IS NOT NULL THEN s.pipeline_id END AS pipeline_id,
       CASE WHEN s.lease_expires_at IS NOT NULL AND s.run_id IS NOT NULL THEN s.locked_by END AS locked_by,
       CASE WHEN s.lease_expires_at IS NOT NULL AND s.run_id IS NOT NULL THEN s.holder_agent_id END AS holder_agent_id,
       CASE WHEN s.fence IS NOT NULL AND s.fence > l.fence THEN s.fence ELSE l.fence END AS fence,
       CASE WHEN s.run_id IS NOT NULL THEN s.lease_expires_at END AS lease_expires_at,
       CASE WHEN s.lease_expires_at IS NOT NULL AND s.run_id IS NOT NULL THEN s.locked_at END AS locked_at
FROM lock_task l
LEFT JOIN lock_lease s ON s.id = l.lease_id;
