//! Incidents, their status machine and their timeline.

use crate::names::{IncidentRow, LogLine};
use crate::{CoreError, Severity, Urgency};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Klaxon's own id for an incident (small and typeable: `klaxon ack 12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "number"))]
pub struct IncidentId(pub i64);

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where an incident is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum IncidentStatus {
    Triggered,
    Acknowledged,
    Resolved,
}

impl IncidentStatus {
    /// The canonical label.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Triggered => "triggered",
            IncidentStatus::Acknowledged => "acknowledged",
            IncidentStatus::Resolved => "resolved",
        }
    }

    /// Parses the canonical label.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "triggered" => Some(IncidentStatus::Triggered),
            "acknowledged" => Some(IncidentStatus::Acknowledged),
            "resolved" => Some(IncidentStatus::Resolved),
            _ => None,
        }
    }

    /// Open means not resolved.
    pub fn is_open(self) -> bool {
        self != IncidentStatus::Resolved
    }
}

impl fmt::Display for IncidentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Free-text details plus key/value labels (e.g. Alertmanager labels and annotations).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Details {
    pub text: Option<String>,
    pub labels: BTreeMap<String, String>,
}

/// An incident as Klaxon caches it, whichever platform it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Incident {
    pub id: IncidentId,
    /// The account it belongs to (`local` for the embedded intake).
    pub account: String,
    /// The platform's own id for it.
    pub provider_ref: String,
    pub web_url: Option<String>,
    pub title: String,
    pub service: Option<String>,
    pub severity: Severity,
    pub urgency: Urgency,
    pub status: IncidentStatus,
    /// Person ids currently responsible.
    pub assignees: Vec<String>,
    /// 1-based level in the escalation policy.
    pub escalation_level: u32,
    /// How many times the policy has wrapped around (0 on the first pass).
    pub escalation_pass: u32,
    pub escalation_policy: Option<String>,
    /// When the local escalation timer moves it on, if it stays unacknowledged.
    pub next_escalation_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub dedup_key: Option<String>,
    pub details: Details,
    /// Bumped on every (re-)trigger or escalation; the pager pages each value at most once.
    pub trigger_seq: u32,
    /// How many alerts were folded into this incident.
    pub alert_count: u32,
}

/// What happened to an incident, in its timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum LogKind {
    Triggered,
    AlertRepeated,
    Acknowledged,
    Escalated,
    /// Given to other people (not a move up the escalation policy).
    Reassigned,
    Resolved,
    Notified,
    Note,
}

impl LogKind {
    /// The canonical label.
    pub fn as_str(self) -> &'static str {
        match self {
            LogKind::Triggered => "triggered",
            LogKind::AlertRepeated => "alert_repeated",
            LogKind::Acknowledged => "acknowledged",
            LogKind::Escalated => "escalated",
            LogKind::Reassigned => "reassigned",
            LogKind::Resolved => "resolved",
            LogKind::Notified => "notified",
            LogKind::Note => "note",
        }
    }

    /// Parses the canonical label.
    pub fn parse(s: &str) -> Option<Self> {
        [
            LogKind::Triggered,
            LogKind::AlertRepeated,
            LogKind::Acknowledged,
            LogKind::Escalated,
            LogKind::Reassigned,
            LogKind::Resolved,
            LogKind::Notified,
            LogKind::Note,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One line of an incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub kind: LogKind,
    pub message: String,
    /// Who did it (a person id, `klaxon`, or the sender), when known.
    pub actor: Option<String>,
}

impl LogEntry {
    /// A timeline entry.
    pub fn new(at: DateTime<Utc>, kind: LogKind, message: impl Into<String>, actor: Option<&str>) -> Self {
        Self { at, kind, message: message.into(), actor: actor.map(str::to_owned) }
    }
}

/// An incident with its timeline, as the detail view shows it, people by name (see [`crate::names`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentDetail {
    pub incident: IncidentRow,
    pub log: Vec<LogLine>,
    /// Whom an escalation goes to next, by name (empty: nobody, the last level); `None` when
    /// Klaxon does not know (a platform policy with nobody cached at the next level).
    pub escalates_to: Option<Vec<String>>,
}

/// The head of a long list, and how long the whole list is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentPage {
    /// The incidents, people by name and whether each is mine (see [`crate::names`]).
    pub incidents: Vec<IncidentRow>,
    /// How many incidents the whole list has (may exceed `incidents.len()`).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
    /// What the user must know about the cache itself (e.g. it was found empty, so earlier
    /// incidents are gone); shown above the list until dismissed.
    pub warnings: Vec<String>,
}

impl Incident {
    /// A new incident, triggered at level 1 and assigned to nobody yet (the store assigns its id).
    pub fn new_triggered(account: &str, title: &str, severity: Severity, urgency: Urgency, now: DateTime<Utc>) -> Self {
        Incident {
            id: IncidentId(0),
            account: account.to_owned(),
            provider_ref: String::new(),
            web_url: None,
            title: title.to_owned(),
            service: None,
            severity,
            urgency,
            status: IncidentStatus::Triggered,
            assignees: Vec::new(),
            escalation_level: 1,
            escalation_pass: 0,
            escalation_policy: None,
            next_escalation_at: None,
            created_at: now,
            acknowledged_at: None,
            resolved_at: None,
            updated_at: now,
            dedup_key: None,
            details: Details::default(),
            trigger_seq: 1,
            alert_count: 1,
        }
    }

    /// Acknowledges a triggered incident; stops its escalation.
    pub fn acknowledge(&mut self, now: DateTime<Utc>, by: &str) -> Result<LogEntry, CoreError> {
        if self.status != IncidentStatus::Triggered {
            return Err(CoreError::InvalidTransition { status: self.status, action: "acknowledge" });
        }
        self.status = IncidentStatus::Acknowledged;
        self.acknowledged_at = Some(now);
        self.next_escalation_at = None;
        self.updated_at = now;
        Ok(LogEntry::new(now, LogKind::Acknowledged, format!("Acknowledged by {by}"), Some(by)))
    }

    /// Resolves an open incident.
    pub fn resolve(&mut self, now: DateTime<Utc>, by: &str) -> Result<LogEntry, CoreError> {
        if self.status == IncidentStatus::Resolved {
            return Err(CoreError::InvalidTransition { status: self.status, action: "resolve" });
        }
        self.status = IncidentStatus::Resolved;
        self.resolved_at = Some(now);
        self.next_escalation_at = None;
        self.updated_at = now;
        Ok(LogEntry::new(now, LogKind::Resolved, format!("Resolved by {by}"), Some(by)))
    }

    /// Sort key for the dashboard: worst severity first, then newest first.
    pub fn dashboard_order(a: &Incident, b: &Incident) -> std::cmp::Ordering {
        a.severity.cmp(&b.severity).then(b.created_at.cmp(&a.created_at)).then(b.id.cmp(&a.id))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    pub(crate) fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_790_000_000 + secs, 0).single().expect("valid time")
    }

    pub(crate) fn sample(id: i64) -> Incident {
        Incident {
            id: IncidentId(id),
            account: "local".into(),
            provider_ref: id.to_string(),
            web_url: None,
            title: "Disk full".into(),
            service: Some("db".into()),
            severity: Severity::Sev2,
            urgency: Urgency::High,
            status: IncidentStatus::Triggered,
            assignees: vec!["alex".into()],
            escalation_level: 1,
            escalation_pass: 0,
            escalation_policy: Some("default".into()),
            next_escalation_at: Some(t(300)),
            created_at: t(0),
            acknowledged_at: None,
            resolved_at: None,
            updated_at: t(0),
            dedup_key: None,
            details: Details::default(),
            trigger_seq: 1,
            alert_count: 1,
        }
    }

    #[test]
    fn acknowledge_then_resolve() {
        let mut i = sample(1);
        let log = i.acknowledge(t(10), "alex").unwrap();
        assert_eq!(log.kind, LogKind::Acknowledged);
        assert_eq!(i.status, IncidentStatus::Acknowledged);
        assert_eq!(i.acknowledged_at, Some(t(10)));
        assert_eq!(i.next_escalation_at, None, "ack stops escalation");
        let log = i.resolve(t(20), "alex").unwrap();
        assert_eq!(log.kind, LogKind::Resolved);
        assert_eq!(i.resolved_at, Some(t(20)));
        assert!(!i.status.is_open());
    }

    #[test]
    fn refuses_invalid_transitions() {
        let mut i = sample(1);
        i.acknowledge(t(1), "alex").unwrap();
        let err = i.acknowledge(t(2), "alex").unwrap_err();
        assert_eq!(err.to_string(), "incident is acknowledged; cannot acknowledge");
        i.resolve(t(3), "alex").unwrap();
        assert!(i.resolve(t(4), "alex").is_err());
        assert!(i.acknowledge(t(4), "alex").is_err());
        assert_eq!(i.resolved_at, Some(t(3)), "failed transitions change nothing");
    }

    #[test]
    fn dashboard_order_is_severity_then_newest() {
        let mut a = sample(1);
        a.severity = Severity::Sev3;
        let mut b = sample(2);
        b.severity = Severity::Sev1;
        b.created_at = t(0);
        let mut c = sample(3);
        c.severity = Severity::Sev1;
        c.created_at = t(50);
        let mut v = [a, b, c];
        v.sort_by(Incident::dashboard_order);
        let ids: Vec<i64> = v.iter().map(|i| i.id.0).collect();
        assert_eq!(ids, [3, 2, 1]);
    }

    #[test]
    fn labels_round_trip() {
        for s in [IncidentStatus::Triggered, IncidentStatus::Acknowledged, IncidentStatus::Resolved] {
            assert_eq!(IncidentStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(LogKind::parse("alert_repeated"), Some(LogKind::AlertRepeated));
        assert_eq!(LogKind::parse("nope"), None);
    }
}
