//! PagerDuty's JSON shapes of the fake's state, and who a policy level reaches.

use super::{WEB, ts};
use crate::{FakeIncident, FakeStatus, Platform};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

pub(super) fn user_ref(p: &Platform, id: &str) -> Value {
    let summary = p.user(id).map_or(id, |u| u.name.as_str());
    json!({"id": id, "type": "user_reference", "summary": summary,
           "self": format!("{WEB}/users/{id}"), "html_url": format!("{WEB}/users/{id}")})
}

pub(super) fn schedule_ref(p: &Platform, id: &str) -> Value {
    let summary = p.schedules.iter().find(|s| s.id == id).map_or(id, |s| s.name.as_str());
    json!({"id": id, "type": "schedule_reference", "summary": summary,
           "self": format!("{WEB}/schedules/{id}"), "html_url": format!("{WEB}/schedules/{id}")})
}

pub(super) fn policy_ref(p: &Platform, id: &str) -> Value {
    let summary = p.policies.iter().find(|x| x.id == id).map_or(id, |x| x.name.as_str());
    json!({"id": id, "type": "escalation_policy_reference", "summary": summary,
           "self": format!("{WEB}/escalation_policies/{id}"), "html_url": format!("{WEB}/escalation_policies/{id}")})
}

pub(super) fn incident_ref(i: &FakeIncident) -> Value {
    json!({"id": i.id, "type": "incident_reference", "summary": format!("[#{}] {}", i.number, i.title),
           "self": format!("{WEB}/incidents/{}", i.id), "html_url": format!("{WEB}/incidents/{}", i.id)})
}

pub(super) fn status_label(s: FakeStatus) -> &'static str {
    match s {
        FakeStatus::Triggered => "triggered",
        FakeStatus::Acknowledged => "acknowledged",
        FakeStatus::Resolved => "resolved",
    }
}

pub(super) fn incident_json(p: &Platform, i: &FakeIncident, now: DateTime<Utc>) -> Value {
    let resolved = i.status == FakeStatus::Resolved;
    // PagerDuty clears assignments when an incident resolves.
    let assignments: Vec<Value> = if resolved {
        Vec::new()
    } else {
        i.assignees.iter().map(|a| json!({"at": ts(i.updated_at), "assignee": user_ref(p, a)})).collect()
    };
    let acknowledger = p
        .writes
        .iter()
        .rev()
        .find(|w| w.incident == i.id && w.action == "acknowledge")
        .map_or_else(|| i.assignees.first().cloned().unwrap_or_else(|| p.me.clone()), |w| w.by.clone());
    let acknowledgements: Vec<Value> = match (i.status, i.acknowledged_at) {
        (FakeStatus::Acknowledged, Some(at)) => {
            vec![json!({"at": ts(at), "acknowledger": user_ref(p, &acknowledger)})]
        }
        _ => Vec::new(),
    };
    // A snooze shows as the un-acknowledgement PagerDuty will do when it ends.
    let pending: Vec<Value> = match (i.status, i.snoozed_until) {
        (FakeStatus::Acknowledged, Some(until)) if until > now => {
            vec![json!({"type": "unacknowledge", "at": ts(until)})]
        }
        _ => Vec::new(),
    };
    let changed = match i.status {
        FakeStatus::Resolved => i.resolved_at,
        FakeStatus::Acknowledged => i.acknowledged_at,
        FakeStatus::Triggered => None,
    }
    .unwrap_or(i.updated_at);
    let mut v = json!({
        "id": i.id, "type": "incident", "summary": format!("[#{}] {}", i.number, i.title),
        "self": format!("{WEB}/incidents/{}", i.id), "html_url": format!("{WEB}/incidents/{}", i.id),
        "incident_number": i.number, "title": i.title,
        "created_at": ts(i.created_at), "updated_at": ts(i.updated_at), "last_status_change_at": ts(changed),
        "status": status_label(i.status), "incident_key": format!("key-{}", i.id),
        "urgency": if i.high_urgency { "high" } else { "low" },
        "service": {"id": format!("PSVC{}", i.service.to_uppercase()), "type": "service_reference", "summary": i.service,
                    "self": format!("{WEB}/services/{}", i.service), "html_url": format!("{WEB}/services/{}", i.service)},
        "assignments": assignments, "assigned_via": "escalation_policy",
        "acknowledgements": acknowledgements, "pending_actions": pending,
        "escalation_policy": policy_ref(p, &i.policy),
        "teams": [], "alert_counts": {"all": 1, "triggered": u8::from(!resolved), "resolved": u8::from(resolved)},
    });
    if let Some(at) = i.resolved_at.filter(|_| resolved) {
        v["resolved_at"] = json!(ts(at));
    }
    v
}

/// The user on call in `schedule` at `t` (overrides applied).
pub(super) fn on_call_at(p: &Platform, schedule: &str, t: DateTime<Utc>) -> Option<String> {
    p.schedule(schedule)?.on_call_at(t)
}

/// The users a policy level's targets reach at `t`.
pub(super) fn level_users(p: &Platform, policy: &str, level: u32, t: DateTime<Utc>) -> Option<Vec<String>> {
    let policy = p.policies.iter().find(|x| x.id == policy)?;
    let (_, targets) = policy.levels.get(usize::try_from(level).ok()?.checked_sub(1)?)?;
    let mut users: Vec<String> = Vec::new();
    for target in targets {
        let who = match target.split_once(':') {
            Some(("schedule", s)) => on_call_at(p, s, t),
            Some((_, u)) => Some(u.to_owned()),
            None => Some(target.clone()),
        };
        if let Some(w) = who.filter(|w| !users.contains(w)) {
            users.push(w);
        }
    }
    Some(users)
}

pub(super) fn note_json(p: &Platform, incident: &str, n: usize, note: &(String, String, DateTime<Utc>)) -> Value {
    let (by, text, at) = note;
    json!({"id": format!("N{incident}{n}"), "user": user_ref(p, by), "content": text,
           "created_at": ts(*at), "updated_at": ts(*at), "channel": {"summary": "The PagerDuty website or APIs"}})
}
