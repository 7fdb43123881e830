//! The shadow log: which of someone else's pages a shadow was shown, and what the primary did.

use crate::rows::{self, json, ms};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use klaxon_core::pager::PageKey;
use klaxon_core::{IncidentId, LogEntry};
use serde::Serialize;
use sqlx::Row;

/// One shadow notification, with what the primary did about the incident afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShadowEntry {
    pub incident: IncidentId,
    pub title: String,
    pub followed: String,
    /// Who was paged (person ids).
    pub primary: Vec<String>,
    pub notified_at: DateTime<Utc>,
    /// The incident's timeline after the shadow notification: acknowledgements, escalations,
    /// resolution, with who and when.
    pub responses: Vec<LogEntry>,
}

impl Store {
    /// Records a shadow notification once per trigger; false if it was already recorded.
    pub async fn record_shadow(
        &self,
        key: PageKey,
        followed: &str,
        primary: &[String],
        log: &LogEntry,
    ) -> Result<bool, StoreError> {
        let insert = sqlx::query(
            "INSERT OR IGNORE INTO shadow_pages (incident_id, trigger_seq, followed, primary_ids, notified_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(key.incident.0)
        .bind(i64::from(key.trigger_seq))
        .bind(followed.to_owned())
        .bind(json(&primary)?)
        .bind(ms(log.at));
        self.insert_once_with_log(insert, key, log).await
    }

    /// Whether this trigger was already shown to the shadow.
    pub async fn was_shadowed(&self, key: PageKey) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM shadow_pages WHERE incident_id = ? AND trigger_seq = ?")
                .bind(key.incident.0)
                .bind(i64::from(key.trigger_seq))
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    /// The shadow log since `since`, oldest first.
    pub async fn shadow_log(&self, since: DateTime<Utc>) -> Result<Vec<ShadowEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.incident_id, s.followed, s.primary_ids, s.notified_at, i.title FROM shadow_pages s \
             JOIN incidents i ON i.id = s.incident_id WHERE s.notified_at >= ? ORDER BY s.notified_at, s.incident_id",
        )
        .bind(ms(since))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let incident = IncidentId(r.try_get("incident_id")?);
            let notified_ms: i64 = r.try_get("notified_at")?;
            let primary: String = r.try_get("primary_ids")?;
            let responses = sqlx::query(
                "SELECT at, kind, message, actor FROM log_entries WHERE incident_id = ? AND at >= ? \
                 AND kind IN ('acknowledged', 'escalated', 'resolved') ORDER BY id",
            )
            .bind(incident.0)
            .bind(notified_ms)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::log_entry)
            .collect::<Result<Vec<_>, _>>()?;
            out.push(ShadowEntry {
                incident,
                title: r.try_get("title")?,
                followed: r.try_get("followed")?,
                primary: serde_json::from_str(&primary)
                    .map_err(|e| StoreError::Corrupt(format!("primary_ids: {e}")))?,
                notified_at: DateTime::from_timestamp_millis(notified_ms)
                    .ok_or_else(|| StoreError::Corrupt("notified_at".into()))?,
                responses,
            });
        }
        Ok(out)
    }
}
