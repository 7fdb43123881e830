//! PagerDuty's objects (wire) → Klaxon's (klaxon_core).

use super::wire;
use chrono::{DateTime, Utc};
use klaxon_core::{
    ContactMethod, Details, EscalationLevel, EscalationPolicy, IncidentStatus, LogEntry, LogKind, OnCallEntry,
    RemoteIncident, Severity, Shift, Target, Urgency,
};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Severity and urgency of an incident.
///
/// PagerDuty has no severity, only an optional priority (named by each account) and an urgency:
/// - a priority named `P1`..`P5` maps to Sev1, Sev2, Sev3, Sev4, Sev4; any other priority name
///   Klaxon's severity labels know (`SEV-1`, `critical`, `high`, …) maps as those labels do;
/// - otherwise (no priority, or a name Klaxon does not know) high urgency is Sev2, low is Sev3;
/// - urgency maps as is; a missing urgency counts as high, so it rings rather than whispers.
pub fn severity(incident: &wire::Incident) -> (Severity, Urgency) {
    let urgency = match incident.urgency {
        Some(wire::Urgency::Low) => Urgency::Low,
        Some(wire::Urgency::High) | None => Urgency::High,
    };
    let by_priority = incident.priority.as_ref().and_then(|p| p.summary.as_deref()).and_then(|name| {
        if name.trim().eq_ignore_ascii_case("p5") { Some(Severity::Sev4) } else { Severity::from_label(name).ok() }
    });
    let by_urgency = match urgency {
        Urgency::High => Severity::Sev2,
        Urgency::Low => Severity::Sev3,
    };
    (by_priority.unwrap_or(by_urgency), urgency)
}

/// Klaxon's status of an incident.
pub fn status(s: wire::Status) -> IncidentStatus {
    match s {
        wire::Status::Triggered => IncidentStatus::Triggered,
        wire::Status::Acknowledged => IncidentStatus::Acknowledged,
        wire::Status::Resolved => IncidentStatus::Resolved,
    }
}

/// The platform user ids an incident is assigned to (none once resolved).
pub fn assignees(incident: &wire::Incident) -> Vec<String> {
    incident.assignments.iter().map(|a| a.assignee.id.clone()).collect()
}

/// Who is on call at which levels of which policies: policy id → level → user ids.
pub type Levels = BTreeMap<String, BTreeMap<u32, BTreeSet<String>>>;

/// Groups on-call entries by policy and level.
pub fn levels(oncalls: &[wire::OnCall]) -> Levels {
    let mut out = Levels::new();
    for o in oncalls {
        out.entry(o.escalation_policy.id.clone())
            .or_default()
            .entry(o.escalation_level)
            .or_default()
            .insert(o.user.id.clone());
    }
    out
}

/// The escalation level an incident is at, worked out from who it is assigned to.
///
/// PagerDuty does not report an incident's level: it is the lowest level of the incident's
/// policy at which one of its assignees is on call now. `None` when no assignee is on call in
/// the policy (e.g. assigned directly to someone). A person on call at several levels counts at
/// the lowest, so the answer errs low, never high.
pub fn level(incident: &wire::Incident, levels: &Levels) -> Option<u32> {
    let policy = levels.get(&incident.escalation_policy.as_ref()?.id)?;
    let assigned = assignees(incident);
    policy.iter().find(|(_, users)| assigned.iter().any(|a| users.contains(a))).map(|(level, _)| *level)
}

/// An incident as Klaxon's sync wants it.
pub fn incident(i: &wire::Incident, levels: &Levels) -> RemoteIncident {
    let (severity, urgency) = severity(i);
    let status = status(i.status);
    let updated_at = i.updated_at.or(i.last_status_change_at).unwrap_or(i.created_at);
    let changed_at = i.last_status_change_at.unwrap_or(updated_at);
    let acknowledged_at = match status {
        IncidentStatus::Acknowledged => Some(i.acknowledgements.iter().map(|a| a.at).max().unwrap_or(changed_at)),
        IncidentStatus::Triggered | IncidentStatus::Resolved => None,
    };
    let resolved_at = match status {
        IncidentStatus::Resolved => Some(i.resolved_at.unwrap_or(changed_at)),
        IncidentStatus::Triggered | IncidentStatus::Acknowledged => None,
    };
    let mut labels = BTreeMap::new();
    if let Some(n) = i.incident_number {
        labels.insert("incident_number".to_owned(), n.to_string());
    }
    if let Some(p) = i.priority.as_ref().and_then(|p| p.summary.clone()) {
        labels.insert("priority".to_owned(), p);
    }
    RemoteIncident {
        provider_ref: i.id.clone(),
        web_url: i.html_url.clone(),
        title: i.title.clone(),
        service: i.service.as_ref().map(|s| s.summary.clone().unwrap_or_else(|| s.id.clone())),
        severity,
        urgency,
        status,
        assignees: assignees(i),
        escalation_level: level(i, levels).unwrap_or(1),
        escalation_policy: i.escalation_policy.as_ref().map(|p| p.id.clone()),
        created_at: i.created_at,
        acknowledged_at,
        resolved_at,
        updated_at,
        details: Details { text: None, labels },
    }
}

/// A log entry for the timeline: its type names the kind, its summary is the message.
pub fn log_entry(e: &wire::LogEntry) -> LogEntry {
    let kind = match e.kind.as_str() {
        "trigger_log_entry" => LogKind::Triggered,
        "acknowledge_log_entry" => LogKind::Acknowledged,
        "resolve_log_entry" => LogKind::Resolved,
        "escalate_log_entry" => LogKind::Escalated,
        "assign_log_entry" => LogKind::Reassigned,
        "notify_log_entry" => LogKind::Notified,
        _ => LogKind::Note,
    };
    let message = e.summary.clone().unwrap_or_else(|| e.kind.trim_end_matches("_log_entry").replace('_', " "));
    let actor = e.agent.as_ref().map(|a| a.summary.as_deref().unwrap_or(&a.id));
    LogEntry::new(e.created_at, kind, message, actor)
}

/// A contact method: `email_contact_method` → `email`, `push_notification_contact_method` →
/// `push`, …; phone numbers get their country code (`+1…`).
pub fn contact_method(c: &wire::ContactMethod) -> ContactMethod {
    let kind = c.kind.trim_end_matches("_reference");
    let kind = match kind {
        "push_notification_contact_method" => "push",
        other => other.trim_end_matches("_contact_method"),
    };
    let address = match c.country_code {
        Some(cc) if matches!(kind, "phone" | "sms" | "whatsapp") => format!("+{cc}{}", c.address),
        _ => c.address.clone(),
    };
    ContactMethod { kind: kind.to_owned(), label: c.label.clone(), address }
}

/// An on-call entry.
pub fn on_call(o: &wire::OnCall) -> OnCallEntry {
    OnCallEntry {
        policy: o.escalation_policy.summary.clone().unwrap_or_else(|| o.escalation_policy.id.clone()),
        level: o.escalation_level,
        person_id: o.user.id.clone(),
        person_name: o.user.summary.clone().unwrap_or_else(|| o.user.id.clone()),
        rotation: o.schedule.as_ref().map(|s| s.id.clone()),
        until: o.end,
        me: false,
    }
}

/// The shifts of a schedule's final (rendered) layer; gaps with nobody on call are left out.
pub fn shifts(s: &wire::Schedule) -> Vec<Shift> {
    let name = s.name.clone().or_else(|| s.summary.clone()).unwrap_or_else(|| s.id.clone());
    let entries = s.final_schedule.as_ref().map_or(&[][..], |f| f.rendered_schedule_entries.as_slice());
    entries
        .iter()
        .filter_map(|e| {
            let user = e.user.as_ref()?;
            Some(Shift {
                schedule_id: s.id.clone(),
                schedule_name: name.clone(),
                person_id: user.id.clone(),
                person_name: user.summary.clone().unwrap_or_else(|| user.id.clone()),
                start: e.start,
                end: e.end,
            })
        })
        .collect()
}

/// An escalation policy: users are `Person` targets, schedules `Rotation` targets; other
/// targets (none exist today) are left out.
pub fn policy(p: &wire::EscalationPolicy) -> EscalationPolicy {
    let target = |t: &wire::Reference| match t.kind.trim_end_matches("_reference") {
        "user" => Some(Target::Person(t.id.clone())),
        "schedule" | "schedule_v3" => Some(Target::schedule(&t.id)),
        _ => None,
    };
    EscalationPolicy {
        id: p.id.clone(),
        name: p.name.clone().or_else(|| p.summary.clone()).unwrap_or_else(|| p.id.clone()),
        levels: p
            .escalation_rules
            .iter()
            .map(|r| EscalationLevel {
                delay: Duration::from_secs(r.escalation_delay_in_minutes.saturating_mul(60)),
                targets: r.targets.iter().filter_map(target).collect(),
            })
            .collect(),
        repeat: p.num_loops,
    }
}

/// Whether `at` is no earlier than `since`, allowing for the two clocks to differ by `skew`.
pub fn at_or_after(at: DateTime<Utc>, since: DateTime<Utc>, skew: chrono::Duration) -> bool {
    at >= since - skew
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(json: serde_json::Value) -> wire::Incident {
        let base = serde_json::json!({
            "id": "PT4KHLK", "title": "The server is on fire.", "status": "triggered",
            "created_at": "2026-01-01T10:00:00Z",
        });
        let mut v = base;
        if let (Some(v), Some(extra)) = (v.as_object_mut(), json.as_object()) {
            v.extend(extra.clone());
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn priorities_name_the_severity_else_urgency_decides() {
        let with = |p: &str, u: &str| {
            let i = incident(
                serde_json::json!({"urgency": u, "priority": {"id": "X", "type": "priority_reference", "summary": p}}),
            );
            severity(&i)
        };
        assert_eq!(with("P1", "low"), (Severity::Sev1, Urgency::Low));
        assert_eq!(with("P2", "high"), (Severity::Sev2, Urgency::High));
        assert_eq!(with("P3", "high"), (Severity::Sev3, Urgency::High));
        assert_eq!(with("P4", "high").0, Severity::Sev4);
        assert_eq!(with("P5", "high").0, Severity::Sev4);
        assert_eq!(with("SEV-1", "low").0, Severity::Sev1);
        assert_eq!(with("Whatever", "low").0, Severity::Sev3, "unknown names fall back to urgency");
        assert_eq!(severity(&incident(serde_json::json!({"urgency": "high"}))), (Severity::Sev2, Urgency::High));
        assert_eq!(severity(&incident(serde_json::json!({"urgency": "low"}))), (Severity::Sev3, Urgency::Low));
        assert_eq!(severity(&incident(serde_json::json!({}))), (Severity::Sev2, Urgency::High));
    }

    #[test]
    fn the_level_is_the_lowest_where_an_assignee_is_on_call() {
        let oncalls: Vec<wire::OnCall> = serde_json::from_value(serde_json::json!([
            {"escalation_policy": {"id": "EP"}, "escalation_level": 1, "user": {"id": "A"}},
            {"escalation_policy": {"id": "EP"}, "escalation_level": 2, "user": {"id": "B"}},
            {"escalation_policy": {"id": "EP"}, "escalation_level": 3, "user": {"id": "A"}},
        ]))
        .unwrap();
        let levels = levels(&oncalls);
        let assigned = |who: &str| {
            incident(serde_json::json!({
                "escalation_policy": {"id": "EP", "type": "escalation_policy_reference"},
                "assignments": [{"at": "2026-01-01T10:00:00Z", "assignee": {"id": who, "type": "user_reference"}}],
            }))
        };
        assert_eq!(level(&assigned("B"), &levels), Some(2));
        assert_eq!(level(&assigned("A"), &levels), Some(1));
        assert_eq!(level(&assigned("C"), &levels), None);
        assert_eq!(super::incident(&assigned("C"), &levels).escalation_level, 1);
    }

    #[test]
    fn timestamps_follow_the_status() {
        let acked = incident(serde_json::json!({
            "status": "acknowledged", "last_status_change_at": "2026-01-01T10:05:00Z",
            "acknowledgements": [{"at": "2026-01-01T10:04:00Z", "acknowledger": {"id": "U", "type": "user_reference"}}],
        }));
        let r = super::incident(&acked, &Levels::new());
        assert_eq!(r.acknowledged_at.map(|t| t.to_rfc3339()), Some("2026-01-01T10:04:00+00:00".into()));
        assert_eq!((r.resolved_at, r.updated_at.to_rfc3339().as_str()), (None, "2026-01-01T10:05:00+00:00"));
        let resolved =
            incident(serde_json::json!({"status": "resolved", "last_status_change_at": "2026-01-01T11:00:00Z"}));
        let r = super::incident(&resolved, &Levels::new());
        assert_eq!(r.resolved_at.map(|t| t.to_rfc3339()), Some("2026-01-01T11:00:00+00:00".into()));
        assert_eq!(r.acknowledged_at, None);
    }

    #[test]
    fn contact_methods_and_log_kinds_get_plain_names() {
        let cm = |v: serde_json::Value| contact_method(&serde_json::from_value(v).unwrap());
        let phone = cm(
            serde_json::json!({"type": "phone_contact_method", "label": "Mobile", "address": "5550100", "country_code": 1}),
        );
        assert_eq!((phone.kind.as_str(), phone.address.as_str()), ("phone", "+15550100"));
        assert_eq!(cm(serde_json::json!({"type": "email_contact_method", "address": "a@b.c"})).kind, "email");
        assert_eq!(cm(serde_json::json!({"type": "push_notification_contact_method", "address": "x"})).kind, "push");
        assert_eq!(
            cm(serde_json::json!({"type": "sms_contact_method", "address": "1", "country_code": 44})).address,
            "+441"
        );
        let log = |t: &str| {
            log_entry(
                &serde_json::from_value(serde_json::json!({"type": t, "created_at": "2026-01-01T10:00:00Z"})).unwrap(),
            )
        };
        assert_eq!(log("trigger_log_entry").kind, LogKind::Triggered);
        assert_eq!(log("acknowledge_log_entry").kind, LogKind::Acknowledged);
        assert_eq!(log("resolve_log_entry").kind, LogKind::Resolved);
        assert_eq!(log("escalate_log_entry").kind, LogKind::Escalated);
        assert_eq!(log("notify_log_entry").kind, LogKind::Notified);
        let other = log("urgency_change_log_entry");
        assert_eq!((other.kind, other.message.as_str()), (LogKind::Note, "urgency change"));
    }

    #[test]
    fn policies_keep_users_and_schedules_as_targets() {
        let p: wire::EscalationPolicy = serde_json::from_value(serde_json::json!({
            "id": "EP", "name": "Ops", "num_loops": 2,
            "escalation_rules": [{"escalation_delay_in_minutes": 15, "targets": [
                {"id": "S", "type": "schedule_reference"}, {"id": "U", "type": "user_reference"}]}],
        }))
        .unwrap();
        let p = policy(&p);
        assert_eq!(p.repeat, 2);
        assert_eq!(p.levels[0].delay, Duration::from_secs(900));
        assert_eq!(p.levels[0].targets, vec![Target::schedule("S"), Target::Person("U".into())]);
    }
}
