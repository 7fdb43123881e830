-- How a finished action ended, what is known of a request whose fate is unknown, and which
-- cached incidents must be re-read from their platform now that their actions are finished.

-- Set on a done action that was not simply applied ("already acknowledged on the platform").
ALTER TABLE outbox ADD COLUMN note TEXT;
-- When it became unknown whether a request arrived (a timeout, a connection lost after
-- sending); the platform is asked again with back-off before anything is sent again.
ALTER TABLE outbox ADD COLUMN uncertain_since INTEGER;
-- How many times since then the platform said the action had not taken effect.
ALTER TABLE outbox ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;

-- When the incident's last action finished (done, failed or discarded): the next sync takes the
-- platform's view of it, resolved or not, over the optimistic one. Cleared once it has.
ALTER TABLE incidents ADD COLUMN reread_after INTEGER;
