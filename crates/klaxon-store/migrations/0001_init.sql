-- Klaxon offline cache, schema 1. Timestamps are INTEGER milliseconds since the Unix epoch (UTC).

CREATE TABLE accounts (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    base_url        TEXT,
    created_at      INTEGER NOT NULL,
    last_synced_at  INTEGER,
    last_error      TEXT
);

CREATE TABLE incidents (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    account             TEXT NOT NULL REFERENCES accounts(id),
    provider_ref        TEXT NOT NULL,
    web_url             TEXT,
    title               TEXT NOT NULL,
    service             TEXT,
    severity            TEXT NOT NULL,
    urgency             TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('triggered', 'acknowledged', 'resolved')),
    assignees           TEXT NOT NULL DEFAULT '[]',
    escalation_level    INTEGER NOT NULL DEFAULT 1,
    escalation_pass     INTEGER NOT NULL DEFAULT 0,
    escalation_policy   TEXT,
    next_escalation_at  INTEGER,
    created_at          INTEGER NOT NULL,
    acknowledged_at     INTEGER,
    resolved_at         INTEGER,
    updated_at          INTEGER NOT NULL,
    dedup_key           TEXT,
    details             TEXT NOT NULL DEFAULT '{}',
    trigger_seq         INTEGER NOT NULL DEFAULT 1,
    alert_count         INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX incidents_provider_ref ON incidents (account, provider_ref);
CREATE UNIQUE INDEX incidents_open_dedup ON incidents (account, dedup_key)
    WHERE status != 'resolved' AND dedup_key IS NOT NULL;
CREATE INDEX incidents_open ON incidents (status) WHERE status != 'resolved';
CREATE INDEX incidents_created ON incidents (created_at);
CREATE INDEX incidents_next_escalation ON incidents (next_escalation_at) WHERE next_escalation_at IS NOT NULL;

CREATE TABLE log_entries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    message      TEXT NOT NULL,
    actor        TEXT
);
CREATE INDEX log_entries_incident ON log_entries (incident_id, id);

CREATE TABLE people (
    account  TEXT NOT NULL REFERENCES accounts(id),
    id       TEXT NOT NULL,
    name     TEXT NOT NULL,
    email    TEXT,
    phone    TEXT,
    chat     TEXT,
    PRIMARY KEY (account, id)
);

CREATE TABLE escalation_policies (
    account  TEXT NOT NULL REFERENCES accounts(id),
    id       TEXT NOT NULL,
    name     TEXT NOT NULL,
    repeat   INTEGER NOT NULL,
    levels   TEXT NOT NULL, -- JSON: [{"delay_secs": 300, "targets": ["rotation:primary"]}]
    PRIMARY KEY (account, id)
);

-- One row per (incident, trigger) already paged, so no trigger is paged twice, also across restarts.
CREATE TABLE notified_pages (
    incident_id  INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    trigger_seq  INTEGER NOT NULL,
    notified_at  INTEGER NOT NULL,
    PRIMARY KEY (incident_id, trigger_seq)
);

-- Actions waiting to reach a paging platform (filled by the provider sync issue).
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account      TEXT NOT NULL REFERENCES accounts(id),
    incident_id  INTEGER NOT NULL REFERENCES incidents(id),
    action       TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX outbox_pending ON outbox (account, state, id);
