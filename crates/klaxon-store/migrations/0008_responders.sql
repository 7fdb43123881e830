-- The reassign picker's cache: a platform account's users go to `people` (as the team file's do
-- for `local`), its escalation policies to `escalation_policies`; these say when the platform
-- was last asked for them and why that failed, if it did (the last good copy stays).
ALTER TABLE accounts ADD COLUMN responders_fetched_at INTEGER;
ALTER TABLE accounts ADD COLUMN responders_error TEXT;
