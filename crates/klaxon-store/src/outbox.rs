//! The offline outbox: an action is applied to the cache and queued in one transaction (durable
//! before anyone is told "done"), then sent in order per incident, at most once in effect.

use crate::incidents::{append_log, fetch, write};
use crate::rows::{json, ms, opt_time, time};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use klaxon_core::{Action, Incident, IncidentId, OutboxEntry, OutboxState};
use sqlx::Row;
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteRow;

/// `SELECT <outbox entry columns> FROM outbox o JOIN incidents i` followed by the given SQL.
macro_rules! select_outbox {
    ($rest:literal) => {
        concat!(
            "SELECT o.id, o.account, o.incident_id, i.provider_ref, i.title, o.action, o.state, o.attempts, \
             o.maybe_sent, o.last_error, o.note, o.uncertain_since, o.checks, o.next_attempt_at, o.created_at, \
             o.updated_at \
             FROM outbox o JOIN incidents i ON i.id = o.incident_id ",
            $rest
        )
    };
}

fn entry(row: &SqliteRow) -> Result<OutboxEntry, StoreError> {
    let action: String = row.try_get("action")?;
    let state: String = row.try_get("state")?;
    let attempts: i64 = row.try_get("attempts")?;
    Ok(OutboxEntry {
        id: row.try_get("id")?,
        account: row.try_get("account")?,
        incident: IncidentId(row.try_get("incident_id")?),
        provider_ref: row.try_get("provider_ref")?,
        incident_title: row.try_get("title")?,
        action: serde_json::from_str(&action).map_err(|e| StoreError::Corrupt(format!("outbox action: {e}")))?,
        state: OutboxState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("outbox state `{state}`")))?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        maybe_sent: row.try_get::<i64, _>("maybe_sent")? != 0,
        last_error: row.try_get("last_error")?,
        note: row.try_get("note")?,
        uncertain_since: opt_time(row.try_get("uncertain_since")?)?,
        checks: u32::try_from(row.try_get::<i64, _>("checks")?).unwrap_or(u32::MAX),
        next_attempt_at: opt_time(row.try_get("next_attempt_at")?)?,
        created_at: time(row.try_get("created_at")?)?,
        updated_at: time(row.try_get("updated_at")?)?,
    })
}

impl Store {
    /// Applies `action` to the cached incident as `by` and queues it for the incident's platform,
    /// in one transaction. Refused transitions change nothing and queue nothing.
    pub async fn take_action(
        &self,
        id: IncidentId,
        action: &Action,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(Incident, OutboxEntry), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut incident = fetch(&mut tx, id).await?;
        let log = action.apply(&mut incident, now, by)?;
        write(&mut tx, &incident).await?;
        append_log(&mut tx, id, std::slice::from_ref(&log)).await?;
        let outbox_id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (account, incident_id, action, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&incident.account)
        .bind(id.0)
        .bind(json(action)?)
        .bind(ms(now))
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        let queued = entry(&sqlx::query(select_outbox!("WHERE o.id = ?")).bind(outbox_id).fetch_one(&mut *tx).await?)?;
        tx.commit().await?;
        Ok((incident, queued))
    }

    /// The next action of `account` to send at `now`: the oldest unfinished one whose incident has
    /// no older unfinished action (order per incident), and that is not waiting out a back-off.
    pub async fn next_outbox(&self, account: &str, now: DateTime<Utc>) -> Result<Option<OutboxEntry>, StoreError> {
        let sql = select_outbox!(
            "WHERE o.account = ? AND o.state IN ('pending', 'sending') \
             AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?) \
             AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.incident_id = o.incident_id AND p.id < o.id \
                             AND p.state IN ('pending', 'sending')) \
             ORDER BY o.id LIMIT 1"
        );
        let row = sqlx::query(sql).bind(account).bind(ms(now)).fetch_optional(&self.pool).await?;
        row.as_ref().map(entry).transpose()
    }

    /// When the earliest backed-off action of `account` is due, if any is waiting.
    pub async fn next_outbox_time(&self, account: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE account = ? AND state IN ('pending', 'sending')",
        )
        .bind(account)
        .fetch_one(&self.pool)
        .await?;
        opt_time(at)
    }

    /// Claims an action for sending: marks it on its way, committed before the request leaves, so
    /// a crash mid-request is known on restart. False if it was discarded or finished meanwhile.
    pub async fn outbox_sending(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let claimed = sqlx::query(
            "UPDATE outbox SET state = 'sending', maybe_sent = 1, attempts = attempts + 1, updated_at = ? \
             WHERE id = ? AND state IN ('pending', 'sending')",
        )
        .bind(ms(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(claimed.rows_affected() == 1)
    }

    /// Marks an action as applied by the platform (`note`: how, when it was not simply applied,
    /// e.g. "already acknowledged on the platform"). Its incident is re-read at the next sync.
    pub async fn outbox_done(&self, id: i64, note: Option<&str>, now: DateTime<Utc>) -> Result<(), StoreError> {
        let update = sqlx::query(
            "UPDATE outbox SET state = 'done', last_error = NULL, note = ?, next_attempt_at = NULL, \
             uncertain_since = NULL, checks = 0, updated_at = ? WHERE id = ?",
        )
        .bind(note);
        self.finish(id, now, update, None).await
    }

    /// Marks an action as refused for good, with the platform's reason. Its incident is re-read
    /// at the next sync.
    pub async fn outbox_failed(&self, id: i64, reason: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let update = sqlx::query(
            "UPDATE outbox SET state = 'failed', last_error = ?, next_attempt_at = NULL, uncertain_since = NULL, \
             checks = 0, updated_at = ? WHERE id = ?",
        )
        .bind(reason);
        self.finish(id, now, update, Some(reason)).await
    }

    /// In one transaction: `update` (an action's final state, its last two parameters still to
    /// bind: `updated_at` and the id), the re-read of its incident at the next sync and, for an
    /// action the platform `refused`, a timeline entry saying so (the optimistic entry written when
    /// it was queued stays, and is no longer the last word).
    async fn finish(
        &self,
        id: i64,
        now: DateTime<Utc>,
        update: sqlx::query::Query<'_, sqlx::Sqlite, <sqlx::Sqlite as sqlx::Database>::Arguments>,
        refused: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        update.bind(ms(now)).bind(id).execute(&mut *tx).await?;
        reread_after(&mut tx, id, now).await?;
        if let Some(reason) = refused {
            let row = sqlx::query("SELECT incident_id, action FROM outbox WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(row) = row {
                let incident = klaxon_core::IncidentId(row.try_get("incident_id")?);
                let action: String = row.try_get("action")?;
                let what = serde_json::from_str::<klaxon_core::Action>(&action)
                    .map_or_else(|_| "act".to_owned(), |a| format!("{}", a.kind()));
                let message = format!("The platform refused to {what}: {reason}");
                let entry = klaxon_core::LogEntry::new(now, klaxon_core::LogKind::Note, message, Some("klaxon"));
                crate::incidents::append_log(&mut tx, incident, &[entry]).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Puts an action back in the queue after a transient failure, to be tried at `at`.
    /// `maybe_sent` says whether the request may have reached the platform.
    pub async fn outbox_retry_at(
        &self,
        id: i64,
        reason: &str,
        at: DateTime<Utc>,
        maybe_sent: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET state = 'pending', last_error = ?, next_attempt_at = ?, maybe_sent = ?, \
             uncertain_since = NULL, checks = 0, updated_at = ? WHERE id = ?",
        )
        .bind(reason)
        .bind(ms(at))
        .bind(i64::from(maybe_sent))
        .bind(ms(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Puts an action whose request may or may not have arrived back in the queue: it is not
    /// sent again before the platform has been asked, at `at`, whether it took effect. `since`
    /// is when that became unknown; `checks` how many times since the platform said "no".
    pub async fn outbox_uncertain(
        &self,
        id: i64,
        reason: &str,
        since: DateTime<Utc>,
        checks: u32,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET state = 'pending', last_error = ?, next_attempt_at = ?, maybe_sent = 1, \
             uncertain_since = ?, checks = ?, updated_at = ? WHERE id = ?",
        )
        .bind(reason)
        .bind(ms(at))
        .bind(ms(since))
        .bind(i64::from(checks))
        .bind(ms(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Unfinished and failed actions (and, with `all`, also the done ones), oldest first.
    pub async fn outbox(&self, all: bool) -> Result<Vec<OutboxEntry>, StoreError> {
        let sql =
            if all { select_outbox!("ORDER BY o.id") } else { select_outbox!("WHERE o.state != 'done' ORDER BY o.id") };
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        rows.iter().map(entry).collect()
    }

    /// One outbox entry.
    pub async fn outbox_entry(&self, id: i64) -> Result<OutboxEntry, StoreError> {
        let row = sqlx::query(select_outbox!("WHERE o.id = ?")).bind(id).fetch_optional(&self.pool).await?;
        entry(&row.ok_or(StoreError::NoOutboxEntry(id))?)
    }

    /// Queues a failed action again.
    pub async fn retry_outbox(&self, id: i64, now: DateTime<Utc>) -> Result<OutboxEntry, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET state = 'pending', next_attempt_at = NULL, updated_at = ? WHERE id = ? AND state = 'failed'",
        )
        .bind(ms(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            self.outbox_entry(id).await?; // a missing entry says so
            return Err(StoreError::OutboxEntryState(id, "retried (only failed ones can)"));
        }
        self.outbox_entry(id).await
    }

    /// Drops a failed or still pending action (the platform's state wins at the next sync).
    pub async fn discard_outbox(&self, id: i64) -> Result<OutboxEntry, StoreError> {
        let entry = self.outbox_entry(id).await?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        reread_after(&mut tx, id, Utc::now()).await?;
        let gone = sqlx::query("DELETE FROM outbox WHERE id = ? AND state IN ('failed', 'pending')")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Err(StoreError::OutboxEntryState(id, "discarded (it is being sent or already done)"));
        }
        tx.commit().await?;
        Ok(entry)
    }
}

/// Marks the incident of outbox entry `id` for a re-read from its platform: an action on it
/// finished at `now`, so the optimistic values it put in the cache give way to the platform's
/// at the next sync asked after `now` (see [`Store::apply_sync`]).
async fn reread_after(tx: &mut SqliteConnection, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    sqlx::query("UPDATE incidents SET reread_after = ? WHERE id = (SELECT incident_id FROM outbox WHERE id = ?)")
        .bind(ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
