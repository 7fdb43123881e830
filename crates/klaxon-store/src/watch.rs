//! Noticing writes by other processes (e.g. `klaxon ack` while the app runs) via `PRAGMA data_version`.

use crate::{Store, StoreError};
use sqlx::{ConnectOptions, SqliteConnection, sqlite::SqliteConnectOptions};

/// A dedicated connection whose `data_version` changes when another connection commits.
#[derive(Debug)]
pub struct ChangeWatcher {
    conn: SqliteConnection,
    last: i64,
}

impl Store {
    /// A watcher for commits made through other connections or processes.
    pub async fn change_watcher(&self) -> Result<ChangeWatcher, StoreError> {
        let mut conn = SqliteConnectOptions::new().filename(&self.path).read_only(true).connect().await?;
        let last = data_version(&mut conn).await?;
        Ok(ChangeWatcher { conn, last })
    }
}

async fn data_version(conn: &mut SqliteConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("PRAGMA data_version").fetch_one(conn).await?)
}

impl ChangeWatcher {
    /// True if anything was committed since the last call.
    pub async fn changed(&mut self) -> Result<bool, StoreError> {
        let now = data_version(&mut self.conn).await?;
        let changed = now != self.last;
        self.last = now;
        Ok(changed)
    }
}
