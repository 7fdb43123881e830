-- Paging platform accounts, their cached schedules and on-call, and the offline outbox.

ALTER TABLE accounts ADD COLUMN user_id TEXT;
ALTER TABLE accounts ADD COLUMN user_name TEXT;
ALTER TABLE accounts ADD COLUMN user_email TEXT;
ALTER TABLE accounts ADD COLUMN poll_secs INTEGER NOT NULL DEFAULT 15;

-- The outbox of schema 1 was never written; it is rebuilt with what replay needs.
DROP TABLE outbox;
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account          TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    incident_id      INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    action           TEXT NOT NULL,               -- JSON of klaxon_core::Action
    state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'done', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- 1 once a request may have reached the platform: check the platform before sending again.
    maybe_sent       INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    next_attempt_at  INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX outbox_unfinished ON outbox (account, id) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_incident ON outbox (incident_id, id);

CREATE TABLE shifts (
    account        TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    schedule_id    TEXT NOT NULL,
    schedule_name  TEXT NOT NULL,
    person_id      TEXT NOT NULL,
    person_name    TEXT NOT NULL,
    start_at       INTEGER NOT NULL,
    end_at         INTEGER NOT NULL
);
CREATE INDEX shifts_time ON shifts (account, start_at);

CREATE TABLE on_call (
    account      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    policy       TEXT NOT NULL,
    level        INTEGER NOT NULL,
    person_id    TEXT NOT NULL,
    person_name  TEXT NOT NULL,
    rotation     TEXT,
    until_at     INTEGER
);
CREATE INDEX on_call_account ON on_call (account);
