-- Schedules: overrides made in the app or CLI (team-file schedules: account 'local'; a platform
-- account's are also sent to it, through their own outbox columns), imported calendars (the last
-- good copy of each feed, parsed), reminders sent once, and my shifts as last seen.

CREATE TABLE overrides (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account         TEXT NOT NULL DEFAULT 'local',
    schedule        TEXT NOT NULL,
    layer           TEXT,
    person          TEXT NOT NULL,
    start_at        INTEGER NOT NULL,
    end_at          INTEGER NOT NULL CHECK (end_at > start_at),
    created_by      TEXT,
    created_at      INTEGER NOT NULL,
    state           TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('pending', 'sending', 'done', 'failed')),
    remote_id       TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    maybe_sent      INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at INTEGER
);
CREATE INDEX overrides_range ON overrides (end_at, start_at);

CREATE TABLE calendars (
    source        TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    INTEGER,      -- when the copy kept was fetched
    checked_at    INTEGER,      -- when the feed was last asked
    error         TEXT          -- why the last ask failed (the copy kept stays)
);
CREATE TABLE calendar_events (
    source   TEXT NOT NULL REFERENCES calendars(source) ON DELETE CASCADE,
    summary  TEXT NOT NULL,
    start_at INTEGER NOT NULL,
    end_at   INTEGER NOT NULL
);
CREATE INDEX calendar_events_source ON calendar_events (source, start_at);

CREATE TABLE reminders_sent (
    key TEXT PRIMARY KEY,
    at  INTEGER NOT NULL
);

CREATE TABLE shifts_seen (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seen_until INTEGER NOT NULL,
    shifts     TEXT NOT NULL       -- JSON [[start_ms, end_ms], ...]
);
