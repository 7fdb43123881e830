//! Incidents and their timelines: ingest, read, change.

use crate::rows::{self, json, ms, select_incidents};
use crate::{LOCAL_ACCOUNT, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use klaxon_core::{Alert, AlertOutcome, CoreError, Incident, IncidentId, LogEntry, Team, apply_alert};
use sqlx::{Row, SqliteConnection};

/// How an ingested alert changed the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestChange {
    Created,
    Updated,
    Ignored,
}

/// The result of ingesting one alert.
#[derive(Debug, Clone)]
pub struct Ingested {
    pub change: IngestChange,
    pub incident: Option<Incident>,
}

/// Which incidents to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListScope {
    /// Triggered and acknowledged.
    Open,
    /// Open ones plus those created in the last 7 days.
    Recent,
}

/// How far back `ListScope::Recent` reaches.
pub const RECENT_DAYS: i64 = 7;

pub(crate) async fn fetch(conn: &mut SqliteConnection, id: IncidentId) -> Result<Incident, StoreError> {
    let row = sqlx::query(select_incidents!("WHERE id = ?")).bind(id.0).fetch_optional(&mut *conn).await?;
    rows::incident(&row.ok_or(StoreError::NotFound(id))?)
}

type SqliteQuery<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>;

/// The columns an incident's state lives in, in the order [`bind_state`] binds them.
macro_rules! state_columns {
    () => {
        "web_url, title, service, severity, urgency, status, assignees, escalation_level, escalation_pass, \
         escalation_policy, next_escalation_at, acknowledged_at, resolved_at, updated_at, details, trigger_seq, \
         alert_count"
    };
}

/// Binds the incident's state, in the order of [`state_columns`] (shared by insert and update).
fn bind_state<'q>(q: SqliteQuery<'q>, i: &'q Incident) -> Result<SqliteQuery<'q>, StoreError> {
    Ok(q.bind(&i.web_url)
        .bind(&i.title)
        .bind(&i.service)
        .bind(i.severity.as_str())
        .bind(i.urgency.as_str())
        .bind(i.status.as_str())
        .bind(json(&i.assignees)?)
        .bind(i64::from(i.escalation_level))
        .bind(i64::from(i.escalation_pass))
        .bind(&i.escalation_policy)
        .bind(i.next_escalation_at.map(ms))
        .bind(i.acknowledged_at.map(ms))
        .bind(i.resolved_at.map(ms))
        .bind(ms(i.updated_at))
        .bind(json(&i.details)?)
        .bind(i64::from(i.trigger_seq))
        .bind(i64::from(i.alert_count)))
}

pub(crate) async fn write(conn: &mut SqliteConnection, i: &Incident) -> Result<(), StoreError> {
    let q = sqlx::query(concat!(
        "UPDATE incidents SET (",
        state_columns!(),
        ") = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?"
    ));
    bind_state(q, i)?.bind(i.id.0).execute(&mut *conn).await?;
    Ok(())
}

/// Inserts a new incident in one statement; returns it with its id (and, for local ones,
/// provider ref) filled in.
pub(crate) async fn insert(conn: &mut SqliteConnection, i: &Incident) -> Result<Incident, StoreError> {
    let provider_ref = if i.provider_ref.is_empty() { None } else { Some(i.provider_ref.clone()) };
    let q = sqlx::query(concat!(
        "INSERT INTO incidents (account, provider_ref, created_at, dedup_key, ",
        state_columns!(),
        ") VALUES (?, COALESCE(?, 'new:' || hex(randomblob(8))), ?, ?, ",
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
    ))
    .bind(&i.account)
    .bind(&provider_ref)
    .bind(ms(i.created_at))
    .bind(&i.dedup_key);
    let id: i64 = bind_state(q, i)?.fetch_one(&mut *conn).await?.try_get("id")?;
    let mut stored = i.clone();
    stored.id = IncidentId(id);
    if provider_ref.is_none() {
        // Local incidents are known by their small id everywhere.
        stored.provider_ref = id.to_string();
        sqlx::query("UPDATE incidents SET provider_ref = ? WHERE id = ?")
            .bind(&stored.provider_ref)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(stored)
}

pub(crate) async fn append_log(
    conn: &mut SqliteConnection,
    id: IncidentId,
    log: &[LogEntry],
) -> Result<(), StoreError> {
    for entry in log {
        sqlx::query("INSERT INTO log_entries (incident_id, at, kind, message, actor) VALUES (?, ?, ?, ?, ?)")
            .bind(id.0)
            .bind(ms(entry.at))
            .bind(entry.kind.as_str())
            .bind(&entry.message)
            .bind(&entry.actor)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Which of the incidents an ingest touches are paged now, and by which pager instance: see
/// [`Store::ingest_alerts_paging`].
#[derive(Clone, Copy)]
pub struct Paging<'a> {
    /// The pager instance that will deliver them.
    pub owner: &'a str,
    /// Whether an incident's current trigger is delivered now.
    pub pages: &'a (dyn Fn(&Incident) -> bool + Sync),
}

impl std::fmt::Debug for Paging<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paging").field("owner", &self.owner).finish_non_exhaustive()
    }
}

impl Store {
    /// Folds an alert into the local account's incidents, atomically.
    pub async fn ingest_alert(&self, alert: &Alert, team: &Team, now: DateTime<Utc>) -> Result<Ingested, StoreError> {
        let mut all = self.ingest_alerts(std::slice::from_ref(alert), team, now).await?;
        all.pop().ok_or_else(|| StoreError::Corrupt("ingest returned nothing".into()))
    }

    /// Folds alerts into the local account's incidents in one transaction: all or nothing.
    pub async fn ingest_alerts(
        &self,
        alerts: &[Alert],
        team: &Team,
        now: DateTime<Utc>,
    ) -> Result<Vec<Ingested>, StoreError> {
        self.ingest_alerts_paging(alerts, team, now, None).await
    }

    /// [`Store::ingest_alerts`], also recording (in the same transaction) as being paged by
    /// pager instance `owner` the triggers of the incidents for which `pages` says yes: so that
    /// the page costs no write of its own before it goes out.
    pub async fn ingest_alerts_paging(
        &self,
        alerts: &[Alert],
        team: &Team,
        now: DateTime<Utc>,
        paging: Option<Paging<'_>>,
    ) -> Result<Vec<Ingested>, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        // Overrides and calendars matter only to a team with schedules (a page's first level).
        let roster = if team.schedules.is_empty() {
            klaxon_core::Roster::default()
        } else {
            crate::schedules::roster_on(&mut tx).await?
        };
        let mut results = Vec::with_capacity(alerts.len());
        for alert in alerts {
            let existing = match &alert.dedup_key {
                Some(key) => {
                    let sql = select_incidents!("WHERE account = ? AND dedup_key = ? AND status != 'resolved'");
                    let row = sqlx::query(sql).bind(LOCAL_ACCOUNT).bind(key).fetch_optional(&mut *tx).await?;
                    row.as_ref().map(rows::incident).transpose()?
                }
                None => None,
            };
            results.push(match apply_alert(existing.as_ref(), alert, team, &roster, now) {
                AlertOutcome::Create(incident, log) => {
                    let stored = insert(&mut tx, &incident).await?;
                    append_log(&mut tx, stored.id, &log).await?;
                    Ingested { change: IngestChange::Created, incident: Some(stored) }
                }
                AlertOutcome::Update(incident, log) => {
                    write(&mut tx, &incident).await?;
                    append_log(&mut tx, incident.id, &log).await?;
                    Ingested { change: IngestChange::Updated, incident: Some(*incident) }
                }
                AlertOutcome::Ignored => Ingested { change: IngestChange::Ignored, incident: None },
            });
            if let (Some(paging), Some(incident)) = (&paging, results.last().and_then(|r| r.incident.as_ref()))
                && (paging.pages)(incident)
            {
                let key = klaxon_core::pager::PageKey { incident: incident.id, trigger_seq: incident.trigger_seq };
                crate::pages::begin(&mut tx, key, now, paging.owner).await?;
            }
        }
        tx.commit().await?;
        Ok(results)
    }

    /// Inserts an incident as given (used by providers' sync and by tests).
    pub async fn insert_incident(&self, incident: &Incident, log: &[LogEntry]) -> Result<Incident, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let stored = insert(&mut tx, incident).await?;
        append_log(&mut tx, stored.id, log).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// One incident.
    pub async fn incident(&self, id: IncidentId) -> Result<Incident, StoreError> {
        let mut conn = self.pool.acquire().await?;
        fetch(&mut conn, id).await
    }

    /// Every cached incident of `account`, oldest first.
    pub async fn incidents_of(&self, account: &str) -> Result<Vec<Incident>, StoreError> {
        let rows = sqlx::query(select_incidents!("WHERE account = ? ORDER BY created_at, id"))
            .bind(account)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::incident).collect()
    }

    /// An incident's timeline, oldest first.
    pub async fn incident_log(&self, id: IncidentId) -> Result<Vec<LogEntry>, StoreError> {
        let rows =
            sqlx::query("SELECT at, kind, message, actor FROM log_entries WHERE incident_id = ? ORDER BY at, id")
                .bind(id.0)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(rows::log_entry).collect()
    }

    /// Incidents in `scope` in dashboard order (worst severity, then newest; the same order as
    /// [`Incident::dashboard_order`]), at most `limit` of them (`None`: all), and how many there are.
    pub async fn list_incidents(
        &self,
        scope: ListScope,
        now: DateTime<Utc>,
        limit: Option<u32>,
    ) -> Result<(Vec<Incident>, u64), StoreError> {
        let limit = limit.map_or(-1, i64::from);
        let since = ms(now - Duration::days(RECENT_DAYS));
        let (rows, total): (_, i64) = match scope {
            ListScope::Open => {
                let sql =
                    select_incidents!("WHERE status != 'resolved' ORDER BY severity, created_at DESC, id DESC LIMIT ?");
                let rows = sqlx::query(sql).bind(limit).fetch_all(&self.pool).await?;
                let total = sqlx::query_scalar("SELECT COUNT(*) FROM incidents WHERE status != 'resolved'")
                    .fetch_one(&self.pool)
                    .await?;
                (rows, total)
            }
            ListScope::Recent => {
                let sql = select_incidents!(
                    "WHERE status != 'resolved' OR created_at >= ? ORDER BY severity, created_at DESC, id DESC LIMIT ?"
                );
                let rows = sqlx::query(sql).bind(since).bind(limit).fetch_all(&self.pool).await?;
                let total =
                    sqlx::query_scalar("SELECT COUNT(*) FROM incidents WHERE status != 'resolved' OR created_at >= ?")
                        .bind(since)
                        .fetch_one(&self.pool)
                        .await?;
                (rows, total)
            }
        };
        let list = rows.iter().map(rows::incident).collect::<Result<Vec<_>, _>>()?;
        Ok((list, u64::try_from(total).unwrap_or(0)))
    }

    /// Applies `change` to an incident in one immediate transaction and appends the log entries it
    /// returns. An empty log means "nothing changed" and writes nothing.
    pub async fn update_incident<F>(&self, id: IncidentId, change: F) -> Result<(Incident, Vec<LogEntry>), StoreError>
    where
        F: FnOnce(&mut Incident) -> Result<Vec<LogEntry>, CoreError>,
    {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut incident = fetch(&mut tx, id).await?;
        let log = change(&mut incident)?;
        if !log.is_empty() {
            write(&mut tx, &incident).await?;
            append_log(&mut tx, id, &log).await?;
            tx.commit().await?;
        }
        Ok((incident, log))
    }

    /// Ids of triggered incidents whose escalation time has come.
    pub async fn due_escalations(&self, now: DateTime<Utc>) -> Result<Vec<IncidentId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM incidents WHERE next_escalation_at IS NOT NULL AND next_escalation_at <= ? \
             AND status = 'triggered' ORDER BY next_escalation_at",
        )
        .bind(ms(now))
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(IncidentId).collect())
    }

    /// The earliest pending escalation time, if any.
    pub async fn next_escalation_time(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(next_escalation_at) FROM incidents WHERE next_escalation_at IS NOT NULL AND status = 'triggered'",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(next.and_then(DateTime::from_timestamp_millis))
    }
}
