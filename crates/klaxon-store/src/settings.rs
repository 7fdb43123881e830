//! Personal settings (JSON values by key), chosen in the app or with the CLI.

use crate::rows::{corrupt, json, ms};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Whom the shadow follows (a list of targets), replacing the team file's `[shadow]` when set.
pub const SHADOW_FOLLOW: &str = "shadow.follow";
/// When the database file was found empty (0 bytes) and started anew: shown until dismissed.
pub(crate) const FOUND_EMPTY_AT: &str = "store.found_empty_at";

impl Store {
    /// What the user must know about the cache itself (e.g. it was found empty, so earlier
    /// incidents are gone), until [`Store::dismiss_warnings`].
    pub async fn warnings(&self) -> Result<Vec<String>, StoreError> {
        let mut warnings = Vec::new();
        if let Some(at) = self.setting::<DateTime<Utc>>(FOUND_EMPTY_AT).await? {
            warnings.push(format!(
                "The database {} was found empty (0 bytes) on {}: incidents, pages and queued actions \
                 from before are gone. Platform incidents come back with the next sync.",
                self.path.display(),
                at.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        Ok(warnings)
    }

    /// Forgets the warnings of [`Store::warnings`] (the user has seen them).
    pub async fn dismiss_warnings(&self) -> Result<(), StoreError> {
        self.set_setting::<()>(FOUND_EMPTY_AT, None).await
    }

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
