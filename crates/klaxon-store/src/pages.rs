//! Pages already delivered, so that no trigger is paged twice, also across restarts.

use crate::rows::{self, ms, select_incidents};
use crate::{Store, StoreError, incidents::append_log};
use chrono::{DateTime, Utc};
use klaxon_core::pager::PageKey;
use klaxon_core::{Incident, LogEntry};
use sqlx::Sqlite;
use sqlx::query::Query;
use std::collections::{HashMap, HashSet};

impl Store {
    /// Triggered incidents whose current trigger has not been paged yet.
    pub async fn unpaged_triggers(&self) -> Result<Vec<Incident>, StoreError> {
        let sql = select_incidents!(
            "WHERE status = 'triggered' AND NOT EXISTS (SELECT 1 FROM notified_pages n ",
            "WHERE n.incident_id = incidents.id AND n.trigger_seq = incidents.trigger_seq AND n.state = 'sent')"
        );
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        rows.iter().map(rows::incident).collect()
    }

    /// Every triggered incident (the pager decides which are mine).
    pub async fn triggered_incidents(&self) -> Result<Vec<Incident>, StoreError> {
        let rows = sqlx::query(select_incidents!("WHERE status = 'triggered'")).fetch_all(&self.pool).await?;
        rows.iter().map(rows::incident).collect()
    }

    /// Appends timeline entries to an incident.
    pub async fn append_log(&self, id: klaxon_core::IncidentId, log: &[LogEntry]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        append_log(&mut tx, id, log).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that `key` is about to be paged by `owner` (the pager instance; state `sending`),
    /// before any delivery path runs, so that a crash mid-delivery re-sends only this page, and
    /// says so. Returns false if the page was recorded already (sending or sent) or its incident
    /// is gone.
    pub async fn begin_page(&self, key: PageKey, at: DateTime<Utc>, owner: &str) -> Result<bool, StoreError> {
        Ok(self.begin_pages(&[key], at, owner).await? == 1)
    }

    /// [`Store::begin_page`] for many pages in one transaction; returns how many were new.
    pub async fn begin_pages(&self, keys: &[PageKey], at: DateTime<Utc>, owner: &str) -> Result<u64, StoreError> {
        if keys.is_empty() {
            return Ok(0);
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut new = 0;
        for key in keys {
            new += begin(&mut tx, *key, at, owner).await?;
        }
        tx.commit().await?;
        Ok(new)
    }

    /// Records that `key` was paged, with its timeline entry, atomically. Returns false if it
    /// was recorded as sent already (then nothing changes).
    pub async fn record_page(&self, key: PageKey, log: &LogEntry) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let changed = mark_sent(&mut tx, key, log).await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// Records many pages (each with its timeline entry) in one transaction; pages already
    /// recorded as sent are left alone.
    pub async fn record_pages(&self, pages: &[(PageKey, LogEntry)]) -> Result<(), StoreError> {
        if pages.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for (key, log) in pages {
            mark_sent(&mut tx, *key, log).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// In one transaction: runs `insert` (an `INSERT OR IGNORE` keyed by the trigger) and, only if
    /// it inserted a row, appends `log` to the incident. Returns whether it inserted.
    pub(crate) async fn insert_once_with_log(
        &self,
        insert: Query<'_, Sqlite, <Sqlite as sqlx::Database>::Arguments>,
        key: PageKey,
        log: &LogEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let inserted = insert.execute(&mut *tx).await?.rows_affected() == 1;
        if inserted {
            append_log(&mut tx, key.incident, std::slice::from_ref(log)).await?;
        }
        tx.commit().await?;
        Ok(inserted)
    }

    /// What is recorded of each of `keys` (one query), as seen by pager instance `owner`; keys
    /// never paged are absent.
    pub async fn page_states(&self, keys: &[PageKey], owner: &str) -> Result<HashMap<PageKey, PageRecord>, StoreError> {
        let ids: Vec<i64> = keys.iter().map(|k| k.incident.0).collect();
        let rows: Vec<(i64, i64, String, Option<String>)> = sqlx::query_as(
            "SELECT incident_id, trigger_seq, state, owner FROM notified_pages \
             WHERE incident_id IN (SELECT value FROM json_each(?))",
        )
        .bind(rows::json(&ids)?)
        .fetch_all(&self.pool)
        .await?;
        let wanted: HashSet<PageKey> = keys.iter().copied().collect();
        Ok(rows
            .into_iter()
            .filter_map(|(id, seq, state, by)| {
                let key = PageKey { incident: klaxon_core::IncidentId(id), trigger_seq: u32::try_from(seq).ok()? };
                wanted.contains(&key).then(|| (key, PageRecord::from_columns(&state, by.as_deref(), owner)))
            })
            .collect())
    }

    /// What is recorded of `key` as seen by pager instance `owner`: nothing, a delivery begun
    /// (by `owner` or by one that is gone), or sent.
    pub async fn page_state(&self, key: PageKey, owner: &str) -> Result<Option<PageRecord>, StoreError> {
        let found: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT state, owner FROM notified_pages WHERE incident_id = ? AND trigger_seq = ?")
                .bind(key.incident.0)
                .bind(i64::from(key.trigger_seq))
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.map(|(state, by)| PageRecord::from_columns(&state, by.as_deref(), owner)))
    }

    /// Whether `key` was paged (or its delivery begun) already.
    pub async fn was_paged(&self, key: PageKey) -> Result<bool, StoreError> {
        Ok(self.page_state(key, "").await?.is_some())
    }
}

/// What the store knows of one trigger's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageRecord {
    /// Its delivery began and did not finish. `ours`: the asking pager instance began it (it is
    /// under way); otherwise the instance that began it stopped (crashed) mid-delivery.
    Sending { ours: bool },
    /// Delivered (every path ran) and in the timeline.
    Sent,
}

impl PageRecord {
    fn from_columns(state: &str, by: Option<&str>, asking: &str) -> Self {
        if state == "sending" {
            PageRecord::Sending { ours: !asking.is_empty() && by == Some(asking) }
        } else {
            PageRecord::Sent
        }
    }
}

/// Inserts `key` as being paged by `owner` (nothing if recorded already or its incident is
/// gone); returns 1 if it inserted.
pub(crate) async fn begin(
    tx: &mut sqlx::SqliteConnection,
    key: PageKey,
    at: DateTime<Utc>,
    owner: &str,
) -> Result<u64, StoreError> {
    let inserted = sqlx::query(
        "INSERT OR IGNORE INTO notified_pages (incident_id, trigger_seq, notified_at, state, owner) \
         SELECT ?1, ?2, ?3, 'sending', ?4 WHERE EXISTS (SELECT 1 FROM incidents WHERE id = ?1)",
    )
    .bind(key.incident.0)
    .bind(i64::from(key.trigger_seq))
    .bind(ms(at))
    .bind(owner)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(inserted)
}

/// Marks `key` sent (inserting it if its delivery was never begun) and, if that changed
/// anything, appends `log` to the incident's timeline.
async fn mark_sent(tx: &mut sqlx::SqliteConnection, key: PageKey, log: &LogEntry) -> Result<bool, StoreError> {
    let changed = sqlx::query(
        // An incident removed meanwhile (its account was) has nothing left to record.
        "INSERT INTO notified_pages (incident_id, trigger_seq, notified_at, state) \
         SELECT ?1, ?2, ?3, 'sent' WHERE EXISTS (SELECT 1 FROM incidents WHERE id = ?1) \
         ON CONFLICT (incident_id, trigger_seq) DO UPDATE SET state = 'sent' WHERE state = 'sending'",
    )
    .bind(key.incident.0)
    .bind(i64::from(key.trigger_seq))
    .bind(ms(log.at))
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if changed {
        append_log(tx, key.incident, std::slice::from_ref(log)).await?;
    }
    Ok(changed)
}
