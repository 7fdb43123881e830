//! Pages already delivered, so that no trigger is paged twice, also across restarts.

use crate::rows::{self, ms, select_incidents};
use crate::{Store, StoreError, incidents::append_log};
use klaxon_core::pager::PageKey;
use klaxon_core::{Incident, LogEntry};
use sqlx::Sqlite;
use sqlx::query::Query;

impl Store {
    /// Triggered incidents whose current trigger has not been paged yet.
    pub async fn unpaged_triggers(&self) -> Result<Vec<Incident>, StoreError> {
        let sql = select_incidents!(
            "WHERE status = 'triggered' AND NOT EXISTS (SELECT 1 FROM notified_pages n ",
            "WHERE n.incident_id = incidents.id AND n.trigger_seq = incidents.trigger_seq)"
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

    /// Records that `key` was paged, with a timeline entry, atomically. Returns false if it already was.
    pub async fn record_page(&self, key: PageKey, log: &LogEntry) -> Result<bool, StoreError> {
        let insert = sqlx::query(
            "INSERT OR IGNORE INTO notified_pages (incident_id, trigger_seq, notified_at) VALUES (?, ?, ?)",
        )
        .bind(key.incident.0)
        .bind(i64::from(key.trigger_seq))
        .bind(ms(log.at));
        self.insert_once_with_log(insert, key, log).await
    }

    /// Records many pages (each with its timeline entry) in one transaction; pages already
    /// recorded are left alone.
    pub async fn record_pages(&self, pages: &[(PageKey, LogEntry)]) -> Result<(), StoreError> {
        if pages.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for (key, log) in pages {
            let inserted = sqlx::query(
                "INSERT OR IGNORE INTO notified_pages (incident_id, trigger_seq, notified_at) VALUES (?, ?, ?)",
            )
            .bind(key.incident.0)
            .bind(i64::from(key.trigger_seq))
            .bind(ms(log.at))
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if inserted {
                append_log(&mut tx, key.incident, std::slice::from_ref(log)).await?;
            }
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

    /// Which of `keys` were paged already (one query).
    pub async fn paged_keys(&self, keys: &[PageKey]) -> Result<std::collections::HashSet<PageKey>, StoreError> {
        let ids: Vec<i64> = keys.iter().map(|k| k.incident.0).collect();
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT incident_id, trigger_seq FROM notified_pages WHERE incident_id IN (SELECT value FROM json_each(?))",
        )
        .bind(rows::json(&ids)?)
        .fetch_all(&self.pool)
        .await?;
        let wanted: std::collections::HashSet<PageKey> = keys.iter().copied().collect();
        Ok(rows
            .into_iter()
            .filter_map(|(id, seq)| {
                let key = PageKey { incident: klaxon_core::IncidentId(id), trigger_seq: u32::try_from(seq).ok()? };
                wanted.contains(&key).then_some(key)
            })
            .collect())
    }

    /// Whether `key` was paged already.
    pub async fn was_paged(&self, key: PageKey) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM notified_pages WHERE incident_id = ? AND trigger_seq = ?")
                .bind(key.incident.0)
                .bind(i64::from(key.trigger_seq))
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }
}
