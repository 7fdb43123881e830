//! Personal settings (JSON values by key), chosen in the app or with the CLI.

use crate::rows::{corrupt, json, ms};
use crate::{Store, StoreError};
use chrono::Utc;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Whom the shadow follows (a list of targets), replacing the team file's `[shadow]` when set.
pub const SHADOW_FOLLOW: &str = "shadow.follow";

impl Store {
    /// The setting `key`, if set.
    pub async fn setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let text: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(key.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| corrupt(key, e))).transpose()
    }

    /// Sets `key` to `value`, or removes it with `None`.
    pub async fn set_setting<T: Serialize>(&self, key: &str, value: Option<&T>) -> Result<(), StoreError> {
        match value {
            Some(v) => {
                sqlx::query(
                    "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                )
                .bind(key.to_owned())
                .bind(json(v)?)
                .bind(ms(Utc::now()))
                .execute(&self.pool)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM settings WHERE key = ?").bind(key.to_owned()).execute(&self.pool).await?;
            }
        }
        Ok(())
    }
}
