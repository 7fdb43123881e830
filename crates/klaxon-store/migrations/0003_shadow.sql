-- Shadow notifications: someone else's page that a shadowing new hire was shown, once per trigger.
CREATE TABLE shadow_pages (
    incident_id  INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    trigger_seq  INTEGER NOT NULL,
    followed     TEXT NOT NULL,   -- whom the shadow followed (person:ID, rotation:ID, level:POLICY:N)
    primary_ids  TEXT NOT NULL,   -- JSON array: who was paged
    notified_at  INTEGER NOT NULL,
    PRIMARY KEY (incident_id, trigger_seq)
);
CREATE INDEX shadow_pages_time ON shadow_pages (notified_at);
