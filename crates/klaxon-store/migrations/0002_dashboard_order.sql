-- Serves the dashboard's ordered, limited list of open incidents straight from an index:
-- worst severity first ('sev1' < 'sev2' < ...), then newest, then highest id.
CREATE INDEX incidents_open_dashboard ON incidents (severity, created_at DESC, id DESC)
    WHERE status != 'resolved';
