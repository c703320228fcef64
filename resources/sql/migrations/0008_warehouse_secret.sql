-- Migration 8: whether dbt reaches the warehouse with a secret from the keychain. A local PostgreSQL
-- with trust or peer authentication, or a password in ~/.pgpass, needs none: the user says so
-- (`sluicectl warehouse set --no-secret`, the form's checkbox), and dbt runs without one. Existing
-- warehouses keep needing their secret.
ALTER TABLE warehouse ADD COLUMN uses_secret BOOLEAN NOT NULL DEFAULT TRUE;
