-- A page is recorded as 'sending' before its delivery paths run and as 'sent' once they have
-- run: after a crash only the pages still 'sending' (in flight at that instant) are delivered
-- again, marked as re-sent. Pages recorded before this migration were sent.
ALTER TABLE notified_pages ADD COLUMN state TEXT NOT NULL DEFAULT 'sent' CHECK (state IN ('sending', 'sent'));
