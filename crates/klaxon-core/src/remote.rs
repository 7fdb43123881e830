//! What platform adapters hand back, and how a platform's view of an incident is merged into the
//! cache so the pager sees new triggers, re-triggers and escalations (and nothing twice).

use crate::{CoreError, Details, Incident, IncidentId, IncidentStatus, LogEntry, LogKind, Severity, Urgency};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The platform's user behind a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RemoteUser {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub contact_methods: Vec<ContactMethod>,
}

/// One way the platform reaches a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContactMethod {
    /// `email`, `phone`, `sms`, `push`, `slack`, … as the platform names it.
    pub kind: String,
    pub label: Option<String>,
    pub address: String,
}

/// An incident as a platform reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteIncident {
    pub provider_ref: String,
    pub web_url: Option<String>,
    pub title: String,
    pub service: Option<String>,
    pub severity: Severity,
    pub urgency: Urgency,
    pub status: IncidentStatus,
    /// Platform user ids currently assigned.
    pub assignees: Vec<String>,
    /// 1-based escalation level, where the platform tells it (else 1).
    pub escalation_level: u32,
    pub escalation_policy: Option<String>,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub details: Details,
}

/// One on-call shift from a platform's schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Shift {
    pub schedule_id: String,
    pub schedule_name: String,
    pub person_id: String,
    pub person_name: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// A platform user takes over a schedule for [start, end) — "cover my shift".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScheduleCover {
    pub schedule_id: String,
    pub user_id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl ScheduleCover {
    /// How far a platform's copy of the times may be from the cover's and still be it: platforms
    /// keep overrides to the minute (GoAlert, PagerDuty's own UI), so an override of the same
    /// person on the same schedule within a minute at both ends is the same cover.
    pub const SLACK: chrono::Duration = chrono::Duration::seconds(59);

    /// Whether an override on the platform that puts `user_id` on this schedule for
    /// [`start`, `end`) is this cover (the caller has picked the schedule's overrides).
    pub fn is(&self, user_id: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        user_id == self.user_id && self.spans(start, end)
    }

    /// Whether [`start`, `end`) is the cover's range, to the minute.
    pub fn spans(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        let near = |a: DateTime<Utc>, b: DateTime<Utc>| (a - b).abs() <= Self::SLACK;
        near(start, self.start) && near(end, self.end)
    }

    /// Refuses a cover that cannot be one (it must end after it starts), before any request.
    pub fn check(&self) -> Result<(), CoreError> {
        if self.end <= self.start {
            return Err(CoreError::InvalidArgument("a cover must end after it starts"));
        }
        if self.schedule_id.trim().is_empty() || self.user_id.trim().is_empty() {
            return Err(CoreError::InvalidArgument("a cover needs a schedule and a person"));
        }
        Ok(())
    }
}

/// Why a platform cannot put someone else on a schedule, as the refusal [`crate::AccountKind::supports`]
/// gives for an action. `CoreError::Unsupported` names an action kind and there is none for a cover
/// yet; it is filed under [`ActionKind::Reassign`] (putting someone else on), the nearest one.
pub fn cover_unsupported(reason: &'static str) -> CoreError {
    CoreError::CoverUnsupported(reason)
}

/// The cached incident after merging the platform's view, and what changed in its timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub incident: Incident,
    pub log: Vec<LogEntry>,
    /// Whether anything the cache holds changed.
    pub changed: bool,
}

/// Merges the platform's view of an incident into the cached one (`None`: first seen).
///
/// `trigger_seq` goes up when the incident is triggered again after an acknowledgement or
/// resolution, moves up an escalation level while triggered, or becomes assigned to `me`
/// while triggered, so the pager pages each of those once.
pub fn merge_remote(account: &str, cached: Option<&Incident>, remote: &RemoteIncident, me: Option<&str>) -> Merged {
    let mine = |assignees: &[String]| me.is_some_and(|me| assignees.iter().any(|a| a == me));
    let mut incident = Incident {
        id: cached.map_or(IncidentId(0), |c| c.id),
        account: account.to_owned(),
        provider_ref: remote.provider_ref.clone(),
        web_url: remote.web_url.clone(),
        title: remote.title.clone(),
        service: remote.service.clone(),
        severity: remote.severity,
        urgency: remote.urgency,
        status: remote.status,
        assignees: remote.assignees.clone(),
        escalation_level: remote.escalation_level.max(1),
        escalation_pass: 0,
        escalation_policy: remote.escalation_policy.clone(),
        next_escalation_at: None,
        created_at: remote.created_at,
        acknowledged_at: remote.acknowledged_at,
        resolved_at: remote.resolved_at,
        updated_at: remote.updated_at,
        dedup_key: None,
        details: remote.details.clone(),
        trigger_seq: 1,
        alert_count: 1,
    };
    let Some(cached) = cached else {
        let log =
            vec![LogEntry::new(remote.created_at, LogKind::Triggered, format!("Triggered: {}", remote.title), None)];
        return Merged { incident, log, changed: true };
    };
    incident.trigger_seq = cached.trigger_seq;
    incident.alert_count = cached.alert_count;
    incident.details =
        if remote.details == Details::default() { cached.details.clone() } else { remote.details.clone() };
    let mut log = Vec::new();
    let now = remote.updated_at;
    if remote.status == IncidentStatus::Triggered {
        let retriggered = cached.status != IncidentStatus::Triggered;
        // Only a move up is an escalation: some platforms (Grafana OnCall) always report level 1,
        // which must not undo, or re-page for, an escalation they carried out.
        let moved = incident.escalation_level > cached.escalation_level;
        let became_mine = mine(&remote.assignees) && !mine(&cached.assignees);
        if retriggered || moved || became_mine {
            incident.trigger_seq += 1;
            let message = if moved {
                format!("Escalated to level {}", incident.escalation_level)
            } else if retriggered {
                "Triggered again".to_owned()
            } else {
                "Assigned to me".to_owned()
            };
            let kind = if retriggered && !moved { LogKind::Triggered } else { LogKind::Escalated };
            log.push(LogEntry::new(now, kind, message, None));
        }
    } else if remote.status != cached.status {
        let kind = if remote.status == IncidentStatus::Resolved { LogKind::Resolved } else { LogKind::Acknowledged };
        let at = if kind == LogKind::Resolved { remote.resolved_at } else { remote.acknowledged_at };
        log.push(LogEntry::new(at.unwrap_or(now), kind, format!("{} on the platform", remote.status), None));
    }
    let changed = !log.is_empty() || !same_view(cached, &incident);
    Merged { incident, log, changed }
}

fn same_view(a: &Incident, b: &Incident) -> bool {
    a.title == b.title
        && a.web_url == b.web_url
        && a.service == b.service
        && a.severity == b.severity
        && a.urgency == b.urgency
        && a.status == b.status
        && a.assignees == b.assignees
        && a.escalation_level == b.escalation_level
        && a.escalation_policy == b.escalation_policy
        && a.acknowledged_at == b.acknowledged_at
        && a.resolved_at == b.resolved_at
        && a.details == b.details
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::tests::t;

    fn remote(status: IncidentStatus, level: u32, assignees: &[&str]) -> RemoteIncident {
        RemoteIncident {
            provider_ref: "P1".into(),
            web_url: Some("https://x.invalid/P1".into()),
            title: "Disk full".into(),
            service: Some("db".into()),
            severity: Severity::Sev2,
            urgency: Urgency::High,
            status,
            assignees: assignees.iter().map(|s| (*s).to_owned()).collect(),
            escalation_level: level,
            escalation_policy: Some("EP".into()),
            created_at: t(0),
            acknowledged_at: None,
            resolved_at: None,
            updated_at: t(1),
            details: Details::default(),
        }
    }

    fn cache(m: Merged, id: i64) -> Incident {
        Incident { id: IncidentId(id), ..m.incident }
    }

    #[test]
    fn first_sight_is_trigger_one_with_a_timeline_entry() {
        let m = merge_remote("pd", None, &remote(IncidentStatus::Triggered, 1, &["ME"]), Some("ME"));
        assert_eq!((m.incident.trigger_seq, m.incident.account.as_str(), m.changed), (1, "pd", true));
        assert_eq!(m.log[0].kind, LogKind::Triggered);
    }

    #[test]
    fn an_unchanged_incident_is_not_a_change() {
        let r = remote(IncidentStatus::Triggered, 1, &["ME"]);
        let c = cache(merge_remote("pd", None, &r, Some("ME")), 7);
        let m = merge_remote("pd", Some(&c), &r, Some("ME"));
        assert!(!m.changed);
        assert_eq!((m.incident.id, m.incident.trigger_seq), (IncidentId(7), 1));
    }

    #[test]
    fn retrigger_escalation_and_assignment_to_me_each_bump_the_trigger() {
        let c = cache(merge_remote("pd", None, &remote(IncidentStatus::Triggered, 1, &["OTHER"]), Some("ME")), 1);
        let moved = merge_remote("pd", Some(&c), &remote(IncidentStatus::Triggered, 2, &["ME"]), Some("ME"));
        assert_eq!(moved.incident.trigger_seq, 2);
        assert_eq!(moved.log[0].kind, LogKind::Escalated);
        let mine = merge_remote("pd", Some(&c), &remote(IncidentStatus::Triggered, 1, &["OTHER", "ME"]), Some("ME"));
        assert_eq!(mine.incident.trigger_seq, 2);
        let mut acked = c.clone();
        acked.status = IncidentStatus::Acknowledged;
        let again = merge_remote("pd", Some(&acked), &remote(IncidentStatus::Triggered, 1, &["OTHER"]), Some("ME"));
        assert_eq!((again.incident.trigger_seq, again.log[0].kind), (2, LogKind::Triggered));
    }

    #[test]
    fn a_lower_level_from_the_platform_is_not_an_escalation() {
        let c = cache(merge_remote("g", None, &remote(IncidentStatus::Triggered, 2, &["ME"]), Some("ME")), 1);
        let m = merge_remote("g", Some(&c), &remote(IncidentStatus::Triggered, 1, &["ME"]), Some("ME"));
        assert_eq!((m.incident.trigger_seq, m.incident.escalation_level), (1, 1));
        assert!(m.log.is_empty());
    }

    #[test]
    fn acknowledgement_elsewhere_is_logged_without_a_new_trigger() {
        let c = cache(merge_remote("pd", None, &remote(IncidentStatus::Triggered, 1, &["ME"]), Some("ME")), 1);
        let mut r = remote(IncidentStatus::Acknowledged, 1, &["ME"]);
        r.acknowledged_at = Some(t(30));
        let m = merge_remote("pd", Some(&c), &r, Some("ME"));
        assert_eq!((m.incident.trigger_seq, m.log[0].kind, m.log[0].at), (1, LogKind::Acknowledged, t(30)));
    }

    #[test]
    fn a_cover_is_matched_to_the_minute_and_must_end_after_it_starts() {
        let cover = ScheduleCover { schedule_id: "S".into(), user_id: "U2".into(), start: t(0), end: t(3600) };
        assert!(cover.check().is_ok());
        assert!(cover.is("U2", t(30), t(3600)));
        assert!(!cover.is("U2", t(60), t(3600)), "a minute off is another override");
        assert!(!cover.is("U3", t(0), t(3600)));
        let backwards = ScheduleCover { end: t(0), ..cover.clone() };
        assert!(matches!(backwards.check(), Err(CoreError::InvalidArgument(_))));
        let nobody = ScheduleCover { user_id: " ".into(), ..cover };
        assert!(nobody.check().is_err());
        assert_eq!(cover_unsupported("no").to_string(), "no");
    }
}
