//! Mapping between rows and domain types.

use crate::StoreError;
use chrono::{DateTime, Utc};
use klaxon_core::{Details, Incident, IncidentId, IncidentStatus, LogEntry, LogKind, Severity, Urgency};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

/// Milliseconds since the epoch, as stored.
pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn time(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::Corrupt(format!("timestamp {ms} out of range")))
}

pub(crate) fn opt_time(ms: Option<i64>) -> Result<Option<DateTime<Utc>>, StoreError> {
    ms.map(time).transpose()
}

pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn count(row: &SqliteRow, col: &str) -> Result<u32, StoreError> {
    let v: i64 = row.try_get(col)?;
    u32::try_from(v).map_err(|e| corrupt(col, e))
}

/// `SELECT <all incident columns> FROM incidents` followed by the given SQL, as one static string.
macro_rules! select_incidents {
    ($($rest:literal),*) => {
        concat!(
            "SELECT id, account, provider_ref, web_url, title, service, severity, urgency, status, assignees, \
             escalation_level, escalation_pass, escalation_policy, next_escalation_at, created_at, acknowledged_at, \
             resolved_at, updated_at, dedup_key, details, trigger_seq, alert_count FROM incidents ",
            $($rest),*
        )
    };
}
pub(crate) use select_incidents;

pub(crate) fn incident(row: &SqliteRow) -> Result<Incident, StoreError> {
    let severity: String = row.try_get("severity")?;
    let urgency: String = row.try_get("urgency")?;
    let status: String = row.try_get("status")?;
    let assignees: String = row.try_get("assignees")?;
    let details: String = row.try_get("details")?;
    Ok(Incident {
        id: IncidentId(row.try_get("id")?),
        account: row.try_get("account")?,
        provider_ref: row.try_get("provider_ref")?,
        web_url: row.try_get("web_url")?,
        title: row.try_get("title")?,
        service: row.try_get("service")?,
        severity: Severity::from_label(&severity).map_err(|e| corrupt("severity", e))?,
        urgency: Urgency::from_label(&urgency).map_err(|e| corrupt("urgency", e))?,
        status: IncidentStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        assignees: serde_json::from_str(&assignees).map_err(|e| corrupt("assignees", e))?,
        escalation_level: count(row, "escalation_level")?,
        escalation_pass: count(row, "escalation_pass")?,
        escalation_policy: row.try_get("escalation_policy")?,
        next_escalation_at: opt_time(row.try_get("next_escalation_at")?)?,
        created_at: time(row.try_get("created_at")?)?,
        acknowledged_at: opt_time(row.try_get("acknowledged_at")?)?,
        resolved_at: opt_time(row.try_get("resolved_at")?)?,
        updated_at: time(row.try_get("updated_at")?)?,
        dedup_key: row.try_get("dedup_key")?,
        details: serde_json::from_str::<Details>(&details).map_err(|e| corrupt("details", e))?,
        trigger_seq: count(row, "trigger_seq")?,
        alert_count: count(row, "alert_count")?,
    })
}

pub(crate) fn log_entry(row: &SqliteRow) -> Result<LogEntry, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(LogEntry {
        at: time(row.try_get("at")?)?,
        kind: LogKind::parse(&kind).ok_or_else(|| corrupt("log kind", &kind))?,
        message: row.try_get("message")?,
        actor: row.try_get("actor")?,
    })
}

pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| corrupt("json", e))
}
