-- Migration 10: a retry run names the run it retries. A retry (the whole run again, or from its first
-- task that did not succeed) is a new run with trigger_kind 'retry'; retry_of keeps the way back to
-- the run it repeats (NULL when that run was deleted since).
ALTER TABLE run ADD COLUMN retry_of BIGINT REFERENCES run (id) ON DELETE SET NULL;
