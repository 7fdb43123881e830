-- A page is recorded as 'sending' (by the pager instance in `owner`) before its delivery paths
-- run, and as 'sent' once they have run: after a crash only the pages still 'sending' for an
-- owner that is gone (in flight at that instant) are delivered again, marked as re-sent. Pages
-- recorded before this migration were sent.
ALTER TABLE notified_pages ADD COLUMN state TEXT NOT NULL DEFAULT 'sent' CHECK (state IN ('sending', 'sent'));
ALTER TABLE notified_pages ADD COLUMN owner TEXT;
