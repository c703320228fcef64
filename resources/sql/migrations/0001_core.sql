-- Migration 1: organisations, their settings, the task catalog, org tasks, pipelines, history.
-- Dialect tokens (expanded by sluice::Dialect): %ID% = auto-increment primary key.
-- Times are UTC epoch milliseconds (BIGINT) on every backend; JSON documents are TEXT.

CREATE TABLE org (
    id                    %ID%,
    slug                  TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64),
    name                  TEXT NOT NULL CHECK (length(name) >= 1),
    airbyte_workspace_id  TEXT,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);

CREATE TABLE airbyte_server (
    id          %ID%,
    name        TEXT NOT NULL UNIQUE,
    base_url    TEXT NOT NULL,
    auth_kind   TEXT NOT NULL DEFAULT 'none' CHECK (auth_kind IN ('none', 'basic', 'client')),
    username    TEXT,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE warehouse (
    id                      %ID%,
    org_id                  BIGINT NOT NULL UNIQUE REFERENCES org (id) ON DELETE CASCADE,
    type                    TEXT NOT NULL CHECK (type IN ('postgres', 'bigquery', 'snowflake', 'redshift', 'duckdb', 'databricks')),
    settings                TEXT NOT NULL DEFAULT '{}',
    airbyte_destination_id  TEXT,
    updated_at              BIGINT NOT NULL
);

CREATE TABLE dbt_workspace (
    id              %ID%,
    org_id          BIGINT NOT NULL UNIQUE REFERENCES org (id) ON DELETE CASCADE,
    git_url         TEXT,
    branch          TEXT NOT NULL DEFAULT 'main',
    project_dir     TEXT NOT NULL DEFAULT '',
    checkout_path   TEXT,
    dbt_executable  TEXT,
    dbt_version     TEXT,
    dbt_adapter     TEXT,
    profile_name    TEXT,
    target_name     TEXT NOT NULL DEFAULT 'prod',
    default_schema  TEXT,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE task (
    id                  %ID%,
    slug                TEXT NOT NULL UNIQUE,
    type                TEXT NOT NULL CHECK (type IN ('git', 'dbt', 'airbyte', 'shell')),
    command             TEXT NOT NULL,
    transform_order     INTEGER,
    is_automatic        BOOLEAN NOT NULL DEFAULT FALSE,
    is_hidden           BOOLEAN NOT NULL DEFAULT FALSE,
    is_long_running     BOOLEAN NOT NULL DEFAULT FALSE,
    is_default          BOOLEAN NOT NULL DEFAULT FALSE,
    needs_connection    BOOLEAN NOT NULL DEFAULT FALSE,
    requires_command    BOOLEAN NOT NULL DEFAULT FALSE,
    flags               TEXT NOT NULL DEFAULT '[]',
    options             TEXT NOT NULL DEFAULT '[]',
    description         TEXT NOT NULL DEFAULT ''
);

CREATE TABLE org_task (
    id              %ID%,
    uuid            TEXT NOT NULL UNIQUE,
    org_id          BIGINT NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    task_id         BIGINT NOT NULL REFERENCES task (id),
    connection_id   TEXT,
    parameters      TEXT NOT NULL DEFAULT '{}',
    generated_by    TEXT NOT NULL DEFAULT 'client' CHECK (generated_by IN ('system', 'client')),
    label           TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX org_task_org ON org_task (org_id, task_id);

CREATE TABLE pipeline (
    id                        %ID%,
    uuid                      TEXT NOT NULL UNIQUE,
    org_id                    BIGINT NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    name                      TEXT NOT NULL CHECK (length(name) >= 1),
    kind                      TEXT NOT NULL DEFAULT 'orchestrate' CHECK (kind IN ('orchestrate', 'manual')),
    is_active                 BOOLEAN NOT NULL DEFAULT TRUE,
    cron                      TEXT,
    timezone                  TEXT,
    missed_policy             TEXT NOT NULL DEFAULT 'once' CHECK (missed_policy IN ('once', 'skip', 'all')),
    overlap_policy            TEXT NOT NULL DEFAULT 'queue' CHECK (overlap_policy IN ('queue', 'skip', 'replace')),
    continue_on_sync_failure  BOOLEAN NOT NULL DEFAULT FALSE,
    auto_deps                 BOOLEAN NOT NULL DEFAULT TRUE,
    retry_policy              TEXT NOT NULL DEFAULT '{}',
    agent_tag                 TEXT,
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL,
    UNIQUE (org_id, name),
    CHECK ((cron IS NULL AND timezone IS NULL) OR (cron IS NOT NULL AND timezone IS NOT NULL))
);

CREATE TABLE pipeline_task (
    id           %ID%,
    pipeline_id  BIGINT NOT NULL REFERENCES pipeline (id) ON DELETE CASCADE,
    org_task_id  BIGINT NOT NULL REFERENCES org_task (id) ON DELETE RESTRICT,
    seq          INTEGER NOT NULL CHECK (seq >= 0),
    UNIQUE (pipeline_id, seq),
    UNIQUE (pipeline_id, org_task_id)
);
CREATE INDEX pipeline_task_org_task ON pipeline_task (org_task_id);

-- Every change to a pipeline, org task, schedule, workspace, warehouse or connection.
-- Secrets are never recorded here.
CREATE TABLE audit_event (
    id          %ID%,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    org_id      BIGINT REFERENCES org (id) ON DELETE SET NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    property    TEXT,
    old_value   TEXT,
    new_value   TEXT
);
CREATE INDEX audit_event_entity ON audit_event (entity, entity_id, id);
CREATE INDEX audit_event_org ON audit_event (org_id, id);
