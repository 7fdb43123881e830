//! Opening the database: refuse newer schemas and damaged files without touching them, keep the
//! file private (0600), then migrate. Connections that an error left inside a transaction (a
//! failed COMMIT on a full disk) are closed instead of going back to the pool.

use crate::{LOCAL_ACCOUNT, StoreError, rows::ms};
use chrono::Utc;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::time::Duration;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = 12;

/// A handle on the cache; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: SqlitePool,
    pub(crate) path: PathBuf,
    /// The file existed but was empty (0 bytes) when opened: whatever it held is gone.
    pub(crate) found_empty: bool,
}

fn options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
}

impl Store {
    /// Opens (creating if missing) the cache at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let size = match std::fs::metadata(path) {
            Ok(meta) => Some(meta.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(StoreError::File { path: path.to_owned(), source: e }),
        };
        if size.is_some_and(|len| len > 0) {
            refuse_newer_schema(path).await?;
            check_integrity(path).await?;
        }
        let found_empty = size == Some(0);
        if found_empty {
            tracing::error!(
                path = %path.display(),
                "the database file is empty (0 bytes): its incidents, pages and outbox are gone; starting \
                 with an empty cache (platform incidents come back at the next sync)"
            );
        }
        create_private(path)?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .after_release(|conn, _| {
                Box::pin(async move {
                    // Runs a queued ROLLBACK first. SQLite may already have rolled back (a full
                    // disk does that), so sqlx's ROLLBACK fails and it still counts a transaction:
                    // such a connection would refuse every later BEGIN. Replace it.
                    conn.ping().await?;
                    let clean = !conn.is_in_transaction();
                    if !clean {
                        tracing::warn!("a database connection was left inside a failed transaction; replacing it");
                    }
                    Ok(clean)
                })
            })
            .connect_with(options(path).create_if_missing(true))
            .await?;
        MIGRATOR.run(&pool).await?;
        sqlx::query(
            "INSERT OR IGNORE INTO accounts (id, kind, name, created_at) VALUES (?, 'local', 'Local intake', ?)",
        )
        .bind(LOCAL_ACCOUNT)
        .bind(ms(Utc::now()))
        .execute(&pool)
        .await?;
        let store = Self { pool, path: path.to_owned(), found_empty };
        if found_empty {
            store.set_setting(crate::settings::FOUND_EMPTY_AT, Some(&Utc::now())).await?;
        }
        Ok(store)
    }

    /// Whether the file was empty (0 bytes) when opened, so that earlier data is gone: say so.
    pub fn found_empty(&self) -> bool {
        self.found_empty
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes every connection (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates the database file readable by its owner only (whatever the umask), or makes an
/// existing one so. SQLite gives its WAL and shared-memory files the same mode.
fn create_private(path: &Path) -> Result<(), StoreError> {
    let file = |source| StoreError::File { path: path.to_owned(), source };
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let f = std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(path).map_err(file)?;
        let meta = f.metadata().map_err(file)?;
        if meta.permissions().mode() & 0o077 != 0 {
            f.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(file)?;
        }
    }
    #[cfg(not(unix))]
    std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(file)?;
    Ok(())
}

/// Runs `PRAGMA quick_check` through a read-only connection: a damaged file is refused, untouched.
async fn check_integrity(path: &Path) -> Result<(), StoreError> {
    let mut conn =
        SqliteConnectOptions::new().filename(path).read_only(true).connect().await.map_err(|e| damage(path, e))?;
    let found: Result<Vec<String>, sqlx::Error> =
        sqlx::query_scalar("PRAGMA quick_check(5)").fetch_all(&mut conn).await;
    let _ = conn.close().await;
    match found {
        Ok(rows) if rows.len() == 1 && rows[0] == "ok" => Ok(()),
        Ok(rows) => {
            Err(StoreError::Damaged { path: path.to_owned(), detail: format!("integrity check: {}", rows.join("; ")) })
        }
        Err(e) => Err(damage(path, e)),
    }
}

/// SQLite's "corrupt" and "not a database" errors become [`StoreError::Damaged`]; others stay.
fn damage(path: &Path, e: sqlx::Error) -> StoreError {
    const SQLITE_CORRUPT: i64 = 11;
    const SQLITE_NOTADB: i64 = 26;
    let primary = match &e {
        sqlx::Error::Database(db) => db.code().and_then(|c| c.parse::<i64>().ok()).map(|c| c & 0xff),
        _ => None,
    };
    match primary {
        Some(SQLITE_CORRUPT | SQLITE_NOTADB) => StoreError::Damaged { path: path.to_owned(), detail: e.to_string() },
        _ => StoreError::Database(e),
    }
}

/// Reads the applied schema version through a read-only connection, so a refused file is not modified.
async fn refuse_newer_schema(path: &Path) -> Result<(), StoreError> {
    let damaged = |e| damage(path, e);
    let mut conn = SqliteConnectOptions::new().filename(path).read_only(true).connect().await.map_err(damaged)?;
    let has_table: Option<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
            .fetch_optional(&mut conn)
            .await
            .map_err(damaged)?;
    let found: Option<i64> = match has_table {
        Some(_) => sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(&mut conn)
            .await
            .map_err(damaged)?,
        None => None,
    };
    conn.close().await?;
    let supported = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    match found {
        Some(found) if found > supported => Err(StoreError::NewerSchema { path: path.to_owned(), found, supported }),
        _ => Ok(()),
    }
}
