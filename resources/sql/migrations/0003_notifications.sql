-- Migration 3: notification channels and where scheduled pipelines may run.

CREATE TABLE notification_channel (
    id            %ID%,
    uuid          TEXT NOT NULL UNIQUE,
    org_id        BIGINT NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('slack', 'teams', 'webhook', 'desktop')),
    on_failure    BOOLEAN NOT NULL DEFAULT TRUE,
    on_warning    BOOLEAN NOT NULL DEFAULT FALSE,
    on_success    BOOLEAN NOT NULL DEFAULT FALSE,
    secret_key    TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

-- Per-pipeline notification settings (levels that notify), added after pipelines existed.
ALTER TABLE pipeline ADD COLUMN notify_on TEXT NOT NULL DEFAULT '["failure"]';
