//! Opening the database: refuse newer schemas without touching the file, then migrate.

use crate::{LOCAL_ACCOUNT, StoreError, rows::ms};
use chrono::Utc;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::time::Duration;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = 7;

/// A handle on the cache; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: SqlitePool,
    pub(crate) path: PathBuf,
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
        if path.exists() {
            refuse_newer_schema(path).await?;
        }
        let pool =
            SqlitePoolOptions::new().max_connections(4).connect_with(options(path).create_if_missing(true)).await?;
        MIGRATOR.run(&pool).await?;
        sqlx::query(
            "INSERT OR IGNORE INTO accounts (id, kind, name, created_at) VALUES (?, 'local', 'Local intake', ?)",
        )
        .bind(LOCAL_ACCOUNT)
        .bind(ms(Utc::now()))
        .execute(&pool)
        .await?;
        Ok(Self { pool, path: path.to_owned() })
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

/// Reads the applied schema version through a read-only connection, so a refused file is not modified.
async fn refuse_newer_schema(path: &Path) -> Result<(), StoreError> {
    let mut conn = SqliteConnectOptions::new().filename(path).read_only(true).connect().await?;
    let has_table: Option<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
            .fetch_optional(&mut conn)
            .await?;
    let found: Option<i64> = match has_table {
        Some(_) => sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(&mut conn).await?,
        None => None,
    };
    conn.close().await?;
    let supported = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    match found {
        Some(found) if found > supported => Err(StoreError::NewerSchema { path: path.to_owned(), found, supported }),
        _ => Ok(()),
    }
}
