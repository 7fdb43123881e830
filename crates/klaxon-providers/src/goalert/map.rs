//! GoAlert's alerts, users and log lines as Klaxon's types.
//!
//! Severity and urgency: GoAlert alerts have neither (every alert pages by its policy), so every
//! alert is [`Severity::Sev2`] with [`Urgency::High`] — the mapping the other adapters use for a
//! high-urgency page without a priority.

use super::wire::{self, AlertStatus};
use klaxon_core::{
    ContactMethod, Details, IncidentStatus, LogEntry, LogKind, RemoteIncident, RemoteUser, Severity, Urgency,
};

/// The session's user.
pub fn user(u: wire::User) -> RemoteUser {
    let contact_methods = u
        .contact_methods
        .into_iter()
        .filter(|c| !c.disabled)
        .map(|c| ContactMethod {
            kind: contact_kind(c.kind.as_deref()).to_owned(),
            label: Some(c.name).filter(|n| !n.is_empty()),
            address: c.value,
        })
        .collect();
    RemoteUser { id: u.id, name: u.name, email: Some(u.email).filter(|e| !e.is_empty()), contact_methods }
}

fn contact_kind(kind: Option<&str>) -> &'static str {
    match kind {
        Some("SMS") => "sms",
        Some("VOICE") => "phone",
        Some("EMAIL") => "email",
        Some("WEBHOOK") => "webhook",
        Some("SLACK_DM") => "slack",
        _ => "other",
    }
}

/// Klaxon's status for GoAlert's.
pub fn status(s: AlertStatus) -> IncidentStatus {
    match s {
        AlertStatus::Unacknowledged => IncidentStatus::Triggered,
        AlertStatus::Acknowledged => IncidentStatus::Acknowledged,
        AlertStatus::Closed => IncidentStatus::Resolved,
    }
}

/// Klaxon's 1-based level for the alert: GoAlert's 0-based step plus one; 1 when the alert has no
/// escalation state (GoAlert deletes it when the alert closes).
pub fn level(alert: &wire::Alert) -> u32 {
    alert.state.as_ref().map_or(1, |s| u32::try_from(s.step_number.saturating_add(1)).unwrap_or(1).max(1))
}

/// An alert as a [`RemoteIncident`].
///
/// GoAlert assigns alerts to nobody: its policy pages whoever is on call at the current step. So
/// the assignees are the service's on-call users at the alert's current step (none once closed).
/// GoAlert's alert carries no acknowledgement time; the last change is the latest of creation,
/// last escalation and closing.
pub fn incident(alert: wire::Alert, base_url: &str) -> RemoteIncident {
    let escalation_level = level(&alert);
    let step = alert.state.as_ref().map(|s| s.step_number);
    let mut assignees: Vec<String> = Vec::new();
    if let (Some(service), Some(step)) = (&alert.service, step) {
        for u in service.on_call_users.iter().filter(|u| u.step_number == step) {
            if !assignees.contains(&u.user_id) {
                assignees.push(u.user_id.clone());
            }
        }
    }
    let status = status(alert.status);
    let resolved_at = alert.metrics.as_ref().map(|m| m.closed_at).filter(|_| status == IncidentStatus::Resolved);
    let updated_at = [Some(alert.created_at), alert.state.as_ref().map(|s| s.last_escalation), resolved_at]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(alert.created_at);
    let labels = alert.meta.unwrap_or_default().into_iter().map(|m| (m.key, m.value)).collect();
    RemoteIncident {
        provider_ref: alert.alert_id.to_string(),
        web_url: Some(format!("{}/alerts/{}", base_url.trim_end_matches('/'), alert.alert_id)),
        title: alert.summary,
        service: alert.service.as_ref().map(|s| s.name.clone()),
        severity: Severity::Sev2,
        urgency: Urgency::High,
        status,
        assignees,
        escalation_level,
        escalation_policy: alert.service.map(|s| s.escalation_policy_id),
        created_at: alert.created_at,
        acknowledged_at: None,
        resolved_at,
        updated_at,
        details: Details { text: Some(alert.details).filter(|d| !d.trim().is_empty()), labels },
    }
}

/// A log line. GoAlert renders each line as `<Event>[ by|via|to <subject>]`, e.g. "Acknowledged by
/// Ada", "Escalated to step #2 due to manual escalation", "Notification sent to Ada (SMS)"; the
/// kind comes from the event word, the actor from a `by <user>` subject.
pub fn log_entry(e: wire::AlertLogEntry) -> LogEntry {
    let m = e.message.as_str();
    let kind = if m.starts_with("Created") {
        LogKind::Triggered
    } else if m.starts_with("Acknowledged") {
        LogKind::Acknowledged
    } else if m.starts_with("Closed") {
        LogKind::Resolved
    } else if m.starts_with("Escalat") {
        LogKind::Escalated
    } else if m.starts_with("Notification sent") || m.starts_with("No notification sent") {
        LogKind::Notified
    } else if m.starts_with("Suppressed duplicate") {
        LogKind::AlertRepeated
    } else {
        LogKind::Note
    };
    let actor =
        m.split_once(" by ").map(|(_, who)| who.split(" (").next().unwrap_or(who).trim()).filter(|w| !w.is_empty());
    LogEntry::new(e.timestamp, kind, e.message.clone(), actor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn alert(status: &str, state: Option<(i64, i64)>) -> wire::Alert {
        let json = serde_json::json!({
            "alertID": 42, "status": status, "summary": "Disk full", "details": "on db1", "createdAt": "2026-01-01T00:00:00Z",
            "service": { "name": "db", "escalationPolicyID": "EP", "onCallUsers": [
                { "userID": "U1", "stepNumber": 0 }, { "userID": "U2", "stepNumber": 1 }, { "userID": "U1", "stepNumber": 0 } ] },
            "state": state.map(|(step, mins)| serde_json::json!({
                "lastEscalation": format!("2026-01-01T00:{mins:02}:00Z"), "stepNumber": step })),
            "metrics": if status == "StatusClosed" { serde_json::json!({ "closedAt": "2026-01-01T01:00:00+01:00" }) }
                       else { serde_json::Value::Null },
            "meta": [ { "key": "region", "value": "eu" } ],
        });
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn alerts_map_with_their_step_and_its_on_call_users() {
        let i = incident(alert("StatusUnacknowledged", Some((1, 5))), "https://goalert.example.com/");
        assert_eq!((i.provider_ref.as_str(), i.status, i.escalation_level), ("42", IncidentStatus::Triggered, 2));
        assert_eq!(i.web_url.as_deref(), Some("https://goalert.example.com/alerts/42"));
        assert_eq!(i.assignees, ["U2"]);
        assert_eq!((i.severity, i.urgency), (Severity::Sev2, Urgency::High));
        assert_eq!(i.updated_at, Utc.with_ymd_and_hms(2026, 1, 1, 0, 5, 0).unwrap());
        assert_eq!(i.details.text.as_deref(), Some("on db1"));
        assert_eq!(i.details.labels.get("region").map(String::as_str), Some("eu"));
        let first = incident(alert("StatusAcknowledged", Some((0, 0))), "https://g");
        assert_eq!((first.assignees.len(), first.escalation_level, first.status), (1, 1, IncidentStatus::Acknowledged));
    }

    #[test]
    fn closed_alerts_have_no_state_and_a_closing_time() {
        let i = incident(alert("StatusClosed", None), "https://g");
        assert_eq!((i.status, i.escalation_level, i.assignees.len()), (IncidentStatus::Resolved, 1, 0));
        assert_eq!(i.resolved_at, Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()));
    }

    #[test]
    fn log_lines_get_a_kind_and_an_actor() {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let line = |m: &str| log_entry(wire::AlertLogEntry { timestamp: at, message: m.into() });
        let ack = line("Acknowledged by Ada Lovelace (Slack)");
        assert_eq!((ack.kind, ack.actor.as_deref()), (LogKind::Acknowledged, Some("Ada Lovelace")));
        assert_eq!(line("Created via Grafana integration").kind, LogKind::Triggered);
        assert_eq!(line("Created via Grafana integration").actor, None);
        assert_eq!(line("Escalated to step #2 due to manual escalation").kind, LogKind::Escalated);
        assert_eq!(line("Escalation requested by Ada").kind, LogKind::Escalated);
        assert_eq!(line("Notification sent to Ada (SMS)").kind, LogKind::Notified);
        assert_eq!(line("Closed due to inactivity").kind, LogKind::Resolved);
        assert_eq!(line("Policy updated").kind, LogKind::Note);
    }

    #[test]
    fn users_keep_enabled_contact_methods() {
        let u: wire::User = serde_json::from_value(serde_json::json!({
            "id": "U1", "name": "Ada", "email": "",
            "contactMethods": [
                { "type": "SMS", "name": "Mobile", "value": "+15550100", "disabled": false },
                { "type": "VOICE", "name": "", "value": "+15550100", "disabled": true },
                { "type": null, "name": "Pager", "value": "x", "disabled": false } ]
        }))
        .unwrap();
        let u = user(u);
        assert_eq!(u.email, None);
        let kinds: Vec<_> = u.contact_methods.iter().map(|c| (c.kind.as_str(), c.label.as_deref())).collect();
        assert_eq!(kinds, [("sms", Some("Mobile")), ("other", Some("Pager"))]);
    }
}
