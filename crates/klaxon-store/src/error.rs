use klaxon_core::{CoreError, IncidentId};
use std::path::PathBuf;

/// Everything the store can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file was written by a newer Klaxon; it is left untouched.
    #[error(
        "{path} was written by a newer Klaxon (schema version {found}; this build knows up to {supported}). \
         Upgrade Klaxon, or point --data-dir elsewhere. The file was left untouched."
    )]
    NewerSchema { path: PathBuf, found: i64, supported: i64 },
    /// The file is damaged (`PRAGMA quick_check` failed, or it is not a database); left untouched.
    #[error(
        "{file} is damaged ({detail}). Klaxon will not page from a damaged cache and left the file \
         untouched. Stop Klaxon, then either move it aside (`mv {file} {file}.damaged`: platform \
         incidents come back at the next sync, local incident history is lost) or try \
         `sqlite3 {file} .recover | sqlite3 {file}.recovered` and move the recovered file into its place.",
        file = path.display()
    )]
    Damaged { path: PathBuf, detail: String },
    /// The database file could not be created or read.
    #[error("{}: {source}", path.display())]
    File { path: PathBuf, source: std::io::Error },
    /// No incident with that id.
    #[error("incident {0} not found")]
    NotFound(IncidentId),
    /// No account with that name.
    #[error("no account named `{0}` (see `klaxon accounts`)")]
    NoAccount(String),
    /// An account with that name exists already.
    #[error("an account named `{0}` exists already")]
    AccountExists(String),
    /// No outbox entry with that id.
    #[error("no outbox entry {0}")]
    NoOutboxEntry(i64),
    /// The outbox entry's state does not allow the request (`retried (only failed ones can)`).
    #[error("outbox entry {0} cannot be {1}")]
    OutboxEntryState(i64, &'static str),
    /// No override with that id.
    #[error("no override {0} (see `klaxon override list`)")]
    NoOverride(i64),
    /// The override's state does not allow the request.
    #[error("override {0} cannot be {1}")]
    OverrideState(i64, &'static str),
    /// The domain refused the change (e.g. acknowledging a resolved incident).
    #[error(transparent)]
    Rejected(#[from] CoreError),
    /// A row that does not decode (hand-edited or corrupted file).
    #[error("corrupt row in the cache: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("schema migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}
