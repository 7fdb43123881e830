-- Pages going to the phone through ntfy: one row per trigger, from the page until the phone has
-- been told it was answered (`done_at`). Kept across restarts, so a push waiting for `after`, one
-- being retried, or a follow-up still owed is not forgotten.
CREATE TABLE phone_pushes (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    trigger_seq INTEGER NOT NULL,
    paged_at INTEGER NOT NULL,
    loud INTEGER NOT NULL,
    pushed_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error TEXT,
    done_at INTEGER,
    PRIMARY KEY (incident_id, trigger_seq)
);
CREATE INDEX phone_pushes_open ON phone_pushes (done_at) WHERE done_at IS NULL;

-- Capabilities the phone has used (by nonce), with the ntfy message that carried each: the same
-- message seen again (a resumed stream) is no replay; another message with a used nonce is.
CREATE TABLE phone_capabilities (
    nonce TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    incident_id INTEGER NOT NULL,
    used_at INTEGER NOT NULL
);
