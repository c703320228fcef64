-- Migration 6: one persistent lock row per org task. A lock is taken and given back by updating its
-- row (run_id set / NULL) instead of inserting and deleting one, and the row keeps the task's last
-- fence number itself (lock_fence, migration 4, is folded in). So taking all a run's locks is one
-- UPDATE and giving them back another, each writing only the rows' own page: no secondary index on
-- the table (it holds one small row per org task; lookups by run scan it).
-- Rows are created on a task's first acquisition; a task never locked has none (it is free).

CREATE TABLE task_lock_row (
    org_task_id       %KEY% REFERENCES org_task (id) ON DELETE CASCADE,
    run_id            BIGINT REFERENCES run (id) ON DELETE SET NULL,          -- NULL: free
    pipeline_id       BIGINT REFERENCES pipeline (id) ON DELETE SET NULL,
    locked_by         TEXT,
    holder_agent_id   BIGINT REFERENCES agent (id) ON DELETE SET NULL,
    fence             BIGINT NOT NULL DEFAULT 0 CHECK (fence >= 0),            -- the last fence handed out
    lease_expires_at  BIGINT,
    locked_at         BIGINT,
    CHECK (run_id IS NULL OR (locked_by IS NOT NULL AND lease_expires_at IS NOT NULL AND locked_at IS NOT NULL))
);

INSERT INTO task_lock_row (org_task_id, run_id, pipeline_id, locked_by, holder_agent_id, fence, lease_expires_at, locked_at)
SELECT ot.id, l.run_id, l.pipeline_id, l.locked_by, l.holder_agent_id,
       CASE WHEN l.fence IS NOT NULL AND (f.last_fence IS NULL OR l.fence > f.last_fence) THEN l.fence
            ELSE COALESCE(f.last_fence, 0) END,
       l.lease_expires_at, l.locked_at
FROM org_task ot
LEFT JOIN task_lock l ON l.org_task_id = ot.id
LEFT JOIN lock_fence f ON f.org_task_id = ot.id
WHERE l.org_task_id IS NOT NULL OR f.org_task_id IS NOT NULL;

DROP TABLE task_lock;
DROP TABLE lock_fence;
ALTER TABLE task_lock_row RENAME TO task_lock;
