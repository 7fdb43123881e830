-- Personal settings chosen in the app or with the CLI (JSON values), e.g. whom a shadow follows.
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
