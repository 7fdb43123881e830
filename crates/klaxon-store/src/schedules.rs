//! Schedules' dated state: overrides (and, for platform accounts, their way to the platform),
//! imported calendars as last fetched, reminders sent, and my shifts as last seen.

use crate::rows::{self, ms};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use klaxon_core::{LOCAL_ACCOUNT, OutboxState, Override, OverrideEntry, Roster};
use sqlx::{Row, SqliteConnection, sqlite::SqliteRow};
use std::collections::HashSet;

/// One imported calendar as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarCopy {
    pub source: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub fetched_at: Option<DateTime<Utc>>,
    pub checked_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub events: usize,
}

/// The columns [`entry`] reads, spliced into a statement (sqlx takes only static SQL).
macro_rules! columns {
    ($before:literal, $after:literal) => {
        concat!(
            $before,
            " id, account, schedule, layer, person, start_at, end_at, created_by, state, remote_id, last_error, attempts ",
            $after
        )
    };
}

fn entry(r: &SqliteRow) -> Result<OverrideEntry, StoreError> {
    let state: String = r.try_get("state")?;
    Ok(OverrideEntry {
        account: r.try_get("account")?,
        cover: Override {
            id: r.try_get("id")?,
            schedule: r.try_get("schedule")?,
            layer: r.try_get("layer")?,
            person: r.try_get("person")?,
            start: rows::time(r.try_get("start_at")?)?,
            end: rows::time(r.try_get("end_at")?)?,
            created_by: r.try_get("created_by")?,
        },
        state: OutboxState::parse(&state).ok_or_else(|| rows::corrupt("override state", &state))?,
        remote_id: r.try_get("remote_id")?,
        last_error: r.try_get("last_error")?,
        attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(0),
    })
}

/// The team-file schedules' overrides and the calendars' events, read on `conn`.
pub(crate) async fn roster_on(conn: &mut SqliteConnection) -> Result<Roster, StoreError> {
    let sql = columns!("SELECT", "FROM overrides WHERE account = ? ORDER BY id");
    let rows = sqlx::query(sql).bind(LOCAL_ACCOUNT).fetch_all(&mut *conn).await?;
    let overrides = rows.iter().map(|r| entry(r).map(|e| e.cover)).collect::<Result<Vec<_>, _>>()?;
    let mut roster = Roster { overrides, ..Roster::default() };
    let events = sqlx::query("SELECT source, start_at, end_at FROM calendar_events ORDER BY source, start_at")
        .fetch_all(&mut *conn)
        .await?;
    for r in &events {
        let span = (rows::time(r.try_get("start_at")?)?, rows::time(r.try_get("end_at")?)?);
        roster.calendars.entry(r.try_get("source")?).or_default().push(span);
    }
    Ok(roster)
}

impl Store {
    /// What renders the team file's schedules besides the file: overrides and calendars.
    pub async fn roster(&self) -> Result<Roster, StoreError> {
        let mut conn = self.pool.acquire().await?;
        roster_on(&mut conn).await
    }

    /// Keeps an override on `account`'s schedule (`local`: a team-file schedule), with a new id
    /// (`o.id` is not read). A platform account's starts pending (sent by the outbox); a team-file
    /// schedule's is done at once.
    pub async fn add_override(
        &self,
        account: &str,
        o: &Override,
        now: DateTime<Utc>,
    ) -> Result<OverrideEntry, StoreError> {
        let state = if account == LOCAL_ACCOUNT { OutboxState::Done } else { OutboxState::Pending };
        let sql = columns!(
            "INSERT INTO overrides (account, schedule, layer, person, start_at, end_at, created_by, created_at, state) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING",
            ""
        );
        let row = sqlx::query(sql)
            .bind(account)
            .bind(&o.schedule)
            .bind(&o.layer)
            .bind(&o.person)
            .bind(ms(o.start))
            .bind(ms(o.end))
            .bind(&o.created_by)
            .bind(ms(now))
            .bind(state.as_str())
            .fetch_one(&self.pool)
            .await?;
        entry(&row)
    }

    /// Overrides that have not ended by `since`, by start.
    pub async fn overrides(&self, since: DateTime<Utc>) -> Result<Vec<OverrideEntry>, StoreError> {
        let sql = columns!("SELECT", "FROM overrides WHERE end_at > ? ORDER BY start_at, id");
        let rows = sqlx::query(sql).bind(ms(since)).fetch_all(&self.pool).await?;
        rows.iter().map(entry).collect()
    }

    /// One override by id.
    pub async fn override_entry(&self, id: i64) -> Result<OverrideEntry, StoreError> {
        let sql = columns!("SELECT", "FROM overrides WHERE id = ?");
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(entry).transpose()?.ok_or(StoreError::NoOverride(id))
    }

    /// Removes an override of a team-file schedule, or a platform's that has not been sent (or
    /// failed). One already on the platform stays (removed there).
    pub async fn remove_override(&self, id: i64) -> Result<OverrideEntry, StoreError> {
        let sql = columns!(
            "DELETE FROM overrides WHERE id = ? AND (account = ? OR state IN ('pending', 'failed')) RETURNING",
            ""
        );
        let row = sqlx::query(sql).bind(id).bind(LOCAL_ACCOUNT).fetch_optional(&self.pool).await?;
        match row {
            Some(r) => entry(&r),
            None => {
                self.override_entry(id).await?;
                Err(StoreError::OverrideState(id, "removed here (it is on the platform: remove it there)"))
            }
        }
    }

    /// The oldest of `account`'s overrides waiting to be sent, if one is due at `now`, and whether
    /// a request for it may have reached the platform already.
    pub async fn next_cover(
        &self,
        account: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(OverrideEntry, bool)>, StoreError> {
        let sql = columns!(
            "SELECT",
            ", maybe_sent FROM overrides WHERE account = ? AND state IN ('pending', 'sending') \
             AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT 1"
        );
        let row = sqlx::query(sql).bind(account).bind(ms(now)).fetch_optional(&self.pool).await?;
        row.map(|r| Ok((entry(&r)?, r.try_get::<bool, _>("maybe_sent")?))).transpose()
    }

    /// When `account`'s next backed-off override is due, if one waits.
    pub async fn next_cover_time(&self, account: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(next_attempt_at) FROM overrides WHERE account = ? AND state IN ('pending', 'sending')",
        )
        .bind(account)
        .fetch_one(&self.pool)
        .await?;
        rows::opt_time(at)
    }

    /// Marks an override as on its way (a request may reach the platform from now on).
    pub async fn override_sending(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE overrides SET state = 'sending', maybe_sent = 1, attempts = attempts + 1 WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records how sending an override ended: done (with the platform's id), failed for good, or
    /// to be tried again at `retry_at`.
    pub async fn override_sent(
        &self,
        id: i64,
        outcome: Result<Option<String>, (String, Option<DateTime<Utc>>)>,
    ) -> Result<(), StoreError> {
        let q = match outcome {
            Ok(remote) => {
                sqlx::query("UPDATE overrides SET state = 'done', remote_id = ?, last_error = NULL WHERE id = ?")
                    .bind(remote)
                    .bind(id)
            }
            Err((error, Some(at))) => {
                sqlx::query("UPDATE overrides SET state = 'pending', last_error = ?, next_attempt_at = ? WHERE id = ?")
                    .bind(error)
                    .bind(ms(at))
                    .bind(id)
            }
            Err((error, None)) => {
                sqlx::query("UPDATE overrides SET state = 'failed', last_error = ? WHERE id = ?").bind(error).bind(id)
            }
        };
        q.execute(&self.pool).await?;
        Ok(())
    }

    /// Replaces a calendar's kept copy with a fresh one: its events (start, end) and validators.
    pub async fn save_calendar(
        &self,
        copy: &CalendarCopy,
        events: &[(String, DateTime<Utc>, DateTime<Utc>)],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO calendars (source, etag, last_modified, fetched_at, checked_at, error) VALUES (?, ?, ?, ?, ?, NULL) \
             ON CONFLICT (source) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, \
             fetched_at = excluded.fetched_at, checked_at = excluded.checked_at, error = NULL",
        )
        .bind(&copy.source)
        .bind(&copy.etag)
        .bind(&copy.last_modified)
        .bind(copy.fetched_at.map(ms))
        .bind(copy.checked_at.map(ms))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM calendar_events WHERE source = ?").bind(&copy.source).execute(&mut *tx).await?;
        for (summary, start, end) in events {
            sqlx::query("INSERT INTO calendar_events (source, summary, start_at, end_at) VALUES (?, ?, ?, ?)")
                .bind(&copy.source)
                .bind(summary)
                .bind(ms(*start))
                .bind(ms(*end))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records that a calendar was asked at `at`: unchanged (`error` None), or failed (the copy
    /// kept stays).
    pub async fn calendar_checked(
        &self,
        source: &str,
        at: DateTime<Utc>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO calendars (source, checked_at, error) VALUES (?, ?, ?) \
             ON CONFLICT (source) DO UPDATE SET checked_at = excluded.checked_at, error = excluded.error",
        )
        .bind(source)
        .bind(ms(at))
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every calendar kept, by source.
    pub async fn calendars(&self) -> Result<Vec<CalendarCopy>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.source, c.etag, c.last_modified, c.fetched_at, c.checked_at, c.error, \
             (SELECT COUNT(*) FROM calendar_events e WHERE e.source = c.source) AS events FROM calendars c ORDER BY c.source",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CalendarCopy {
                    source: r.try_get("source")?,
                    etag: r.try_get("etag")?,
                    last_modified: r.try_get("last_modified")?,
                    fetched_at: rows::opt_time(r.try_get("fetched_at")?)?,
                    checked_at: rows::opt_time(r.try_get("checked_at")?)?,
                    error: r.try_get("error")?,
                    events: usize::try_from(r.try_get::<i64, _>("events")?).unwrap_or(0),
                })
            })
            .collect()
    }

    /// Keys of the reminders already sent (or dropped).
    pub async fn reminders_sent(&self) -> Result<HashSet<String>, StoreError> {
        let rows = sqlx::query("SELECT key FROM reminders_sent").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(r.try_get("key")?)).collect()
    }

    /// Records reminders as sent (or dropped) at `at`, forgetting those older than 60 days.
    pub async fn mark_reminders(&self, keys: &[String], at: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for key in keys {
            sqlx::query("INSERT OR IGNORE INTO reminders_sent (key, at) VALUES (?, ?)")
                .bind(key)
                .bind(ms(at))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM reminders_sent WHERE at < ?")
            .bind(ms(at - chrono::Days::new(60)))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// My shifts as last seen, and how far ahead they were looked at.
    #[allow(clippy::type_complexity)] // (until, [(start, end)]) reads plainly
    pub async fn shifts_seen(
        &self,
    ) -> Result<Option<(DateTime<Utc>, Vec<(DateTime<Utc>, DateTime<Utc>)>)>, StoreError> {
        let Some(row) =
            sqlx::query("SELECT seen_until, shifts FROM shifts_seen WHERE id = 1").fetch_optional(&self.pool).await?
        else {
            return Ok(None);
        };
        let pairs: Vec<(i64, i64)> =
            serde_json::from_str(&row.try_get::<String, _>("shifts")?).map_err(|e| rows::corrupt("shifts seen", e))?;
        let shifts =
            pairs.into_iter().map(|(s, e)| Ok((rows::time(s)?, rows::time(e)?))).collect::<Result<_, StoreError>>()?;
        Ok(Some((rows::time(row.try_get("seen_until")?)?, shifts)))
    }

    /// Keeps my shifts as seen now, up to `seen_until`.
    pub async fn save_shifts_seen(
        &self,
        seen_until: DateTime<Utc>,
        shifts: &[(DateTime<Utc>, DateTime<Utc>)],
    ) -> Result<(), StoreError> {
        let pairs: Vec<(i64, i64)> = shifts.iter().map(|(s, e)| (ms(*s), ms(*e))).collect();
        sqlx::query("INSERT OR REPLACE INTO shifts_seen (id, seen_until, shifts) VALUES (1, ?, ?)")
            .bind(ms(seen_until))
            .bind(rows::json(&pairs)?)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
