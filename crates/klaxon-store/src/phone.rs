//! Pages going to the phone, and the capabilities the phone has used.

use crate::rows::{corrupt, ms, opt_time, time};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use klaxon_core::IncidentId;
use klaxon_core::pager::PageKey;
use sqlx::Row;

/// The phone settings chosen in the app (the team file's `[phone]` wins when present).
pub const PHONE_SETTINGS: &str = "phone.settings";

/// One page's way to the phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonePush {
    pub key: PageKey,
    /// When the laptop was paged (`after` counts from here).
    pub paged_at: DateTime<Utc>,
    pub loud: bool,
    /// When ntfy took it; `None` while waiting or failing.
    pub pushed_at: Option<DateTime<Utc>>,
    pub attempts: u32,
    /// When a failed push is tried again.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// Whether a capability was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapabilityUse {
    /// First use: carry it out.
    Fresh,
    /// Used already by this very message (a resumed stream shows it again): nothing to do.
    SameMessage,
    /// Used already by another message: a replay.
    Replayed,
}

fn push(row: &sqlx::sqlite::SqliteRow) -> Result<PhonePush, StoreError> {
    let seq: i64 = row.try_get("trigger_seq")?;
    let attempts: i64 = row.try_get("attempts")?;
    Ok(PhonePush {
        key: PageKey {
            incident: IncidentId(row.try_get("incident_id")?),
            trigger_seq: u32::try_from(seq).map_err(|e| corrupt("trigger_seq", e))?,
        },
        paged_at: time(row.try_get("paged_at")?)?,
        loud: row.try_get("loud")?,
        pushed_at: opt_time(row.try_get("pushed_at")?)?,
        attempts: u32::try_from(attempts).map_err(|e| corrupt("attempts", e))?,
        next_attempt_at: opt_time(row.try_get("next_attempt_at")?)?,
        last_error: row.try_get("last_error")?,
    })
}

impl Store {
    /// Records that a page is to go to the phone; false if this trigger's push is known already.
    pub async fn plan_phone_push(&self, key: PageKey, paged_at: DateTime<Utc>, loud: bool) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO phone_pushes (incident_id, trigger_seq, paged_at, loud) \
             SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM incidents WHERE id = ?) \
             ON CONFLICT (incident_id, trigger_seq) DO NOTHING",
        )
        .bind(key.incident.0)
        .bind(i64::from(key.trigger_seq))
        .bind(ms(paged_at))
        .bind(loud)
        .bind(key.incident.0)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Pushes not done yet (waiting, failing, or pushed and owing a follow-up), oldest first.
    pub async fn open_phone_pushes(&self) -> Result<Vec<PhonePush>, StoreError> {
        let rows = sqlx::query(
            "SELECT incident_id, trigger_seq, paged_at, loud, pushed_at, attempts, next_attempt_at, last_error \
             FROM phone_pushes WHERE done_at IS NULL ORDER BY paged_at, incident_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(push).collect()
    }

    /// This trigger's push, unless done.
    pub async fn open_phone_push(&self, key: PageKey) -> Result<Option<PhonePush>, StoreError> {
        let row = sqlx::query(
            "SELECT incident_id, trigger_seq, paged_at, loud, pushed_at, attempts, next_attempt_at, last_error \
             FROM phone_pushes WHERE incident_id = ? AND trigger_seq = ? AND done_at IS NULL",
        )
        .bind(key.incident.0)
        .bind(i64::from(key.trigger_seq))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(push).transpose()
    }

    /// The incidents of these pushes (one query; gone ones are missing).
    pub async fn incidents_of_pushes(&self, pushes: &[PhonePush]) -> Result<Vec<klaxon_core::Incident>, StoreError> {
        let ids: Vec<i64> = pushes.iter().map(|p| p.key.incident.0).collect();
        let ids = serde_json::to_string(&ids).map_err(|e| corrupt("incident ids", e))?;
        let rows = sqlx::query(crate::rows::select_incidents!("WHERE id IN (SELECT value FROM json_each(?))"))
            .bind(ids)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(crate::rows::incident).collect()
    }

    /// Records that ntfy took the push.
    pub async fn phone_pushed(&self, key: PageKey, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.update_push(
            "UPDATE phone_pushes SET pushed_at = ?, attempts = attempts + 1, next_attempt_at = NULL, \
             last_error = NULL WHERE incident_id = ? AND trigger_seq = ?",
            key,
            ms(at),
        )
        .await
    }

    /// Records a failed attempt and when to try again.
    pub async fn phone_push_failed(
        &self,
        key: PageKey,
        error: &str,
        next_attempt_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE phone_pushes SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? \
             WHERE incident_id = ? AND trigger_seq = ?",
        )
        .bind(ms(next_attempt_at))
        .bind(error.to_owned())
        .bind(key.incident.0)
        .bind(i64::from(key.trigger_seq))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Closes a push: answered before it went out, or its follow-up published.
    pub async fn phone_push_done(&self, key: PageKey, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.update_push("UPDATE phone_pushes SET done_at = ? WHERE incident_id = ? AND trigger_seq = ?", key, ms(at))
            .await
    }

    async fn update_push(&self, sql: &'static str, key: PageKey, at: i64) -> Result<(), StoreError> {
        sqlx::query(sql).bind(at).bind(key.incident.0).bind(i64::from(key.trigger_seq)).execute(&self.pool).await?;
        Ok(())
    }

    /// Remembers that the capability `nonce` was used by ntfy message `message_id`, unless it
    /// was used before; says which.
    pub async fn use_capability(
        &self,
        nonce: &str,
        message_id: &str,
        incident: IncidentId,
        at: DateTime<Utc>,
    ) -> Result<CapabilityUse, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let used: Option<String> = sqlx::query_scalar("SELECT message_id FROM phone_capabilities WHERE nonce = ?")
            .bind(nonce.to_owned())
            .fetch_optional(&mut *tx)
            .await?;
        let outcome = match used {
            Some(m) if m == message_id => CapabilityUse::SameMessage,
            Some(_) => CapabilityUse::Replayed,
            None => {
                sqlx::query(
                    "INSERT INTO phone_capabilities (nonce, message_id, incident_id, used_at) VALUES (?, ?, ?, ?)",
                )
                .bind(nonce.to_owned())
                .bind(message_id.to_owned())
                .bind(incident.0)
                .bind(ms(at))
                .execute(&mut *tx)
                .await?;
                CapabilityUse::Fresh
            }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// Forgets used capabilities that expired long ago (before `before`): they can no longer be
    /// carried out anyway, expired.
    pub async fn forget_capabilities(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM phone_capabilities WHERE used_at < ?")
            .bind(ms(before))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pushes_are_planned_once_and_tracked_until_done() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("k.db")).await.unwrap();
        let now = Utc::now();
        let incident = klaxon_core::Incident::new_triggered(
            "local",
            "x",
            klaxon_core::Severity::Sev1,
            klaxon_core::Urgency::High,
            now,
        );
        let id = store.insert_incident(&incident, &[]).await.unwrap().id;
        let key = PageKey { incident: id, trigger_seq: 1 };
        assert!(store.plan_phone_push(key, now, true).await.unwrap());
        assert!(!store.plan_phone_push(key, now, true).await.unwrap());
        assert!(
            !store.plan_phone_push(PageKey { incident: IncidentId(999), trigger_seq: 1 }, now, true).await.unwrap()
        );
        store.phone_push_failed(key, "connection refused", now).await.unwrap();
        let open = store.open_phone_pushes().await.unwrap();
        assert_eq!((open.len(), open[0].attempts, open[0].last_error.as_deref()), (1, 1, Some("connection refused")));
        store.phone_pushed(key, now).await.unwrap();
        let open = store.open_phone_pushes().await.unwrap();
        assert_eq!((open[0].attempts, open[0].last_error.clone(), open[0].pushed_at.is_some()), (2, None, true));
        store.phone_push_done(key, now).await.unwrap();
        assert!(store.open_phone_pushes().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_capability_is_used_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("k.db")).await.unwrap();
        let now = Utc::now();
        let use_ = |m: &'static str| store.use_capability("n1", m, IncidentId(1), now);
        assert_eq!(use_("m1").await.unwrap(), CapabilityUse::Fresh);
        assert_eq!(use_("m1").await.unwrap(), CapabilityUse::SameMessage);
        assert_eq!(use_("m2").await.unwrap(), CapabilityUse::Replayed);
        assert_eq!(store.forget_capabilities(now + chrono::Duration::seconds(1)).await.unwrap(), 1);
        assert_eq!(use_("m2").await.unwrap(), CapabilityUse::Fresh);
    }
}
