//! What a platform sync writes: my incidents merged into the cache (never over an action still
//! in the outbox), and the account's shifts, on-call and escalation policies.

use crate::incidents::{append_log, insert, write};
use crate::rows::{self, ms, select_incidents};
use crate::team::save_policies;
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use klaxon_core::remote::merge_remote;
use klaxon_core::{EscalationPolicy, Incident, OnCallEntry, RemoteIncident, Shift};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// What one sync changed in the cache.
#[derive(Debug, Clone, Default)]
pub struct SyncChanges {
    /// Incidents created or changed (the pager looks at these).
    pub changed: Vec<Incident>,
    /// How many cached incidents were dropped (no longer mine, or resolved beyond the horizon).
    pub removed: u64,
}

impl SyncChanges {
    /// Whether the sync changed anything.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.removed == 0
    }
}

impl Store {
    /// Merges the platform's answer, asked for at `asked_at`, into the cache of `account`, in
    /// one transaction. Incidents with actions still in the outbox keep their optimistic state,
    /// and so do those whose last action finished at or after `asked_at` (the answer may predate
    /// it; the next one is taken). Otherwise the platform's view wins, optimistic values included,
    /// and an incident marked for a re-read is re-read. Resolved incidents the cache never held
    /// are not added (some platforms cannot tell whose they were). When the answer is `complete`
    /// (my open incidents plus those resolved since `resolved_since`), cached incidents it no
    /// longer lists are dropped, unless an action on them is unfinished or failed.
    pub async fn apply_sync(
        &self,
        account: &str,
        me: Option<&str>,
        remote: &[RemoteIncident],
        resolved_since: DateTime<Utc>,
        complete: bool,
        asked_at: DateTime<Utc>,
    ) -> Result<SyncChanges, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        // A complete answer is compared with everything cached; a partial one only with what it lists.
        let cached_rows = if complete {
            sqlx::query(select_incidents!("WHERE account = ?")).bind(account).fetch_all(&mut *tx).await?
        } else {
            let refs: Vec<&str> = remote.iter().map(|r| r.provider_ref.as_str()).collect();
            sqlx::query(select_incidents!("WHERE account = ? AND provider_ref IN (SELECT value FROM json_each(?))"))
                .bind(account)
                .bind(crate::rows::json(&refs)?)
                .fetch_all(&mut *tx)
                .await?
        };
        let mut cached: HashMap<String, Incident> = HashMap::with_capacity(cached_rows.len());
        for row in &cached_rows {
            let i = rows::incident(row)?;
            cached.insert(i.provider_ref.clone(), i);
        }
        // Unfinished actions keep the optimistic state; failed ones keep the incident (and so the
        // failure) in the cache until the user retries or discards them.
        let mut busy = HashSet::new();
        let mut failed = HashSet::new();
        let states = sqlx::query(
            "SELECT DISTINCT incident_id, state = 'failed' FROM outbox WHERE account = ? AND state != 'done'",
        )
        .bind(account)
        .fetch_all(&mut *tx)
        .await?;
        for row in &states {
            let id: i64 = row.try_get(0)?;
            if row.try_get::<bool, _>(1)? {
                failed.insert(id)
            } else {
                busy.insert(id)
            };
        }
        let finished_since_asked: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM incidents WHERE account = ? AND reread_after >= ?")
                .bind(account)
                .bind(ms(asked_at))
                .fetch_all(&mut *tx)
                .await?;
        busy.extend(finished_since_asked);

        let mut changes = SyncChanges::default();
        let mut seen = HashSet::with_capacity(remote.len());
        for r in remote {
            if r.resolved_at.is_some_and(|at| at < resolved_since) {
                continue; // beyond the cache horizon
            }
            seen.insert(r.provider_ref.as_str());
            let before = cached.get(&r.provider_ref);
            if before.is_some_and(|c| busy.contains(&c.id.0)) || (before.is_none() && !r.status.is_open()) {
                continue;
            }
            let merged = merge_remote(account, before, r, me);
            if !merged.changed {
                continue;
            }
            let incident = match before {
                None => insert(&mut tx, &merged.incident).await?,
                Some(_) => {
                    write(&mut tx, &merged.incident).await?;
                    merged.incident
                }
            };
            append_log(&mut tx, incident.id, &merged.log).await?;
            changes.changed.push(incident);
        }
        for (provider_ref, c) in cached.iter().filter(|_| complete) {
            let gone = !seen.contains(provider_ref.as_str()) || c.resolved_at.is_some_and(|t| t < resolved_since);
            if gone && !busy.contains(&c.id.0) && !failed.contains(&c.id.0) {
                sqlx::query("DELETE FROM incidents WHERE id = ?").bind(c.id.0).execute(&mut *tx).await?;
                changes.removed += 1;
            }
        }
        // What this answer told (all of it, when complete) has been re-read.
        let told: Vec<i64> = cached
            .values()
            .filter(|c| complete || seen.contains(c.provider_ref.as_str()))
            .map(|c| c.id.0)
            .filter(|id| !busy.contains(id))
            .collect();
        sqlx::query("UPDATE incidents SET reread_after = NULL WHERE id IN (SELECT value FROM json_each(?))")
            .bind(crate::rows::json(&told)?)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(changes)
    }

    /// The platform ids of the open cached incidents of `account`.
    pub async fn open_refs(&self, account: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT provider_ref FROM incidents WHERE account = ? AND status != 'resolved'")
            .bind(account)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The platform ids of the cached incidents of `account` (resolved ones too) whose actions
    /// have all finished since the last sync: the next sync must read them from the platform.
    pub async fn reread_refs(&self, account: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT provider_ref FROM incidents i WHERE account = ? AND reread_after IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.incident_id = i.id AND o.state IN ('pending', 'sending'))",
        )
        .bind(account)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Replaces the cached shifts of `account` with `shifts` (the platform's answer for the cache horizon).
    pub async fn save_shifts(&self, account: &str, shifts: &[Shift]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("DELETE FROM shifts WHERE account = ?").bind(account).execute(&mut *tx).await?;
        for s in shifts {
            sqlx::query(
                "INSERT INTO shifts (account, schedule_id, schedule_name, person_id, person_name, start_at, end_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(account)
            .bind(&s.schedule_id)
            .bind(&s.schedule_name)
            .bind(&s.person_id)
            .bind(&s.person_name)
            .bind(ms(s.start))
            .bind(ms(s.end))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Cached shifts of every account overlapping `[since, until)`, by start.
    pub async fn shifts(&self, since: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<(String, Shift)>, StoreError> {
        let rows = sqlx::query(
            "SELECT account, schedule_id, schedule_name, person_id, person_name, start_at, end_at FROM shifts \
             WHERE start_at < ? AND end_at > ? ORDER BY start_at, account, schedule_id",
        )
        .bind(ms(until))
        .bind(ms(since))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("account")?,
                    Shift {
                        schedule_id: r.try_get("schedule_id")?,
                        schedule_name: r.try_get("schedule_name")?,
                        person_id: r.try_get("person_id")?,
                        person_name: r.try_get("person_name")?,
                        start: rows::time(r.try_get("start_at")?)?,
                        end: rows::time(r.try_get("end_at")?)?,
                    },
                ))
            })
            .collect()
    }

    /// Replaces who `account` says is on call now, and its escalation policies.
    pub async fn save_on_call(
        &self,
        account: &str,
        on_call: &[OnCallEntry],
        policies: &[EscalationPolicy],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("DELETE FROM on_call WHERE account = ?").bind(account).execute(&mut *tx).await?;
        for e in on_call {
            sqlx::query(
                "INSERT INTO on_call (account, policy, level, person_id, person_name, rotation, until_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(account)
            .bind(&e.policy)
            .bind(i64::from(e.level))
            .bind(&e.person_id)
            .bind(&e.person_name)
            .bind(&e.rotation)
            .bind(e.until.map(ms))
            .execute(&mut *tx)
            .await?;
        }
        save_policies(&mut tx, account, policies).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The names `account` told for its ids, by id: people on call, in shifts and in its user
    /// list, and its escalation policies.
    pub async fn known_people(&self, account: &str) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT person_id, person_name FROM on_call WHERE account = ?1 \
             UNION SELECT person_id, person_name FROM shifts WHERE account = ?1 \
             UNION SELECT id, name FROM people WHERE account = ?1 \
             UNION SELECT id, name FROM escalation_policies WHERE account = ?1",
        )
        .bind(account)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    }

    /// Who each account says is on call (as last synced).
    pub async fn on_call(&self) -> Result<Vec<(String, OnCallEntry)>, StoreError> {
        let rows = sqlx::query(
            "SELECT account, policy, level, person_id, person_name, rotation, until_at FROM on_call \
             ORDER BY account, policy, level, person_name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let level: i64 = r.try_get("level")?;
                Ok((
                    r.try_get("account")?,
                    OnCallEntry {
                        policy: r.try_get("policy")?,
                        level: u32::try_from(level).unwrap_or(1),
                        person_id: r.try_get("person_id")?,
                        person_name: r.try_get("person_name")?,
                        rotation: r.try_get("rotation")?,
                        until: rows::opt_time(r.try_get("until_at")?)?,
                        // Who I am there is the account's, not the cache's (the engine sets it).
                        me: false,
                    },
                ))
            })
            .collect()
    }
}
