-- New-hire onboarding: what was ticked by hand (history kept; the latest row of a task's part
-- counts), and which incidents the new hire marked reviewed (kept when the incident leaves the
-- cache, so the count does not go down).

CREATE TABLE onboarding_ticks (
    id      INTEGER PRIMARY KEY,
    plan    TEXT NOT NULL,
    task    TEXT NOT NULL,
    part    INTEGER NOT NULL DEFAULT 0,   -- which link of a `read` task
    by      TEXT,                         -- who ticked it (the mentor, for a sign-off)
    at      INTEGER NOT NULL,
    ticked  INTEGER NOT NULL              -- 0: taken back
);
CREATE INDEX onboarding_ticks_latest ON onboarding_ticks (plan, task, part, id);

CREATE TABLE reviewed_incidents (
    incident_id INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    at          INTEGER NOT NULL
);
