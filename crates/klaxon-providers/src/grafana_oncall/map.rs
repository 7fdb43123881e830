//! Grafana OnCall's objects as Klaxon's: users, alert groups as incidents, and an alert group's
//! timeline.

use super::chains::Routing;
use super::wire::{AlertGroup, ResolutionNote, SlackIdentities, State, User};
use klaxon_core::{
    ContactMethod, Details, IncidentStatus, LogEntry, LogKind, RemoteIncident, RemoteUser, Severity, Urgency,
};

/// The token's user; contact methods are what the user object shows (email, linked Slack).
pub(crate) fn user(u: User) -> RemoteUser {
    let mut contact_methods = Vec::new();
    if let Some(email) = u.email.as_ref().filter(|e| !e.is_empty()) {
        contact_methods.push(ContactMethod { kind: "email".into(), label: None, address: email.clone() });
    }
    let slack = match u.slack {
        Some(SlackIdentities::One(one)) => vec![one],
        Some(SlackIdentities::Many(many)) => many,
        None => Vec::new(),
    };
    for s in slack {
        contact_methods.push(ContactMethod { kind: "slack".into(), label: s.team_id, address: s.user_id });
    }
    let name = u.username.clone().or_else(|| u.email.clone()).unwrap_or_else(|| u.id.clone());
    RemoteUser { id: u.id, name, email: u.email, contact_methods }
}

/// Klaxon's status for an OnCall state. `silenced` counts as acknowledged: escalation is paused
/// and nobody is being paged, which is what acknowledged means to the pager.
pub(crate) fn status(state: State) -> IncidentStatus {
    match state {
        State::Firing => IncidentStatus::Triggered,
        State::Acknowledged | State::Silenced => IncidentStatus::Acknowledged,
        State::Resolved => IncidentStatus::Resolved,
    }
}

/// Severity and urgency from an alert group's `severity` (or `priority`) label, since OnCall has
/// neither field: `critical`/`p1`/`sev1` → Sev1, `high`/`error`/`major`/`p2`/`sev2` → Sev2,
/// `warning`/`medium`/`minor`/`p3`/`sev3` → Sev3, `info`/`low`/`p4`/`sev4` → Sev4; Sev1 and
/// Sev2 are high urgency, Sev3 and Sev4 low. Without such a label: Sev2, high urgency, because
/// OnCall pages every alert group its escalation chain reaches.
pub(crate) fn severity(labels: &[(String, String)]) -> (Severity, Urgency) {
    let value = ["severity", "priority"]
        .iter()
        .find_map(|k| labels.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)))
        .map(|(_, v)| v.trim().to_ascii_lowercase());
    let severity = match value.as_deref() {
        Some("critical" | "crit" | "fatal" | "emergency" | "disaster" | "p1" | "sev1" | "sev-1" | "1") => {
            Severity::Sev1
        }
        Some("warning" | "warn" | "medium" | "minor" | "p3" | "sev3" | "sev-3" | "3") => Severity::Sev3,
        Some("info" | "informational" | "low" | "none" | "p4" | "p5" | "sev4" | "sev-4" | "4" | "5") => Severity::Sev4,
        _ => Severity::Sev2,
    };
    let urgency = if matches!(severity, Severity::Sev1 | Severity::Sev2) { Urgency::High } else { Urgency::Low };
    (severity, urgency)
}

/// An alert group as an incident. `assignees` are whom the first level of its route's escalation
/// chain reaches now, plus whoever acknowledged or resolved it; OnCall does not tell how far the
/// escalation has gone, so the level is always 1.
pub(crate) fn incident(g: AlertGroup, routing: &Routing) -> RemoteIncident {
    let labels: Vec<(String, String)> =
        g.labels.unwrap_or_default().into_iter().map(|l| (l.key.name, l.value.name)).collect();
    let (severity, urgency) = severity(&labels);
    let mut assignees = routing.first_responders(g.route_id.as_deref());
    for who in [&g.acknowledged_by, &g.resolved_by].into_iter().flatten() {
        if !assignees.contains(who) {
            assignees.push(who.clone());
        }
    }
    let service =
        g.integration_id.as_ref().map(|id| routing.integrations.get(id).cloned().unwrap_or_else(|| id.clone()));
    let last_alert_at = g.last_alert.as_ref().and_then(|a| a.created_at);
    let text = g
        .last_alert
        .as_ref()
        .and_then(|a| a.payload.as_ref()?.get("message")?.as_str().map(str::to_owned))
        .filter(|t| !t.trim().is_empty());
    let acknowledged_at = match g.state {
        State::Silenced => g.acknowledged_at.or(g.silenced_at),
        _ => g.acknowledged_at,
    };
    let updated_at = [Some(g.created_at), g.acknowledged_at, g.silenced_at, g.resolved_at, last_alert_at]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(g.created_at);
    RemoteIncident {
        web_url: g.permalinks.and_then(|p| p.web),
        title: g.title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| format!("Alert group {}", g.id)),
        service,
        severity,
        urgency,
        status: status(g.state),
        assignees,
        escalation_level: 1,
        escalation_policy: routing.chain_of(g.route_id.as_deref()).map(str::to_owned),
        created_at: g.created_at,
        acknowledged_at,
        resolved_at: if g.state == State::Resolved { g.resolved_at } else { None },
        updated_at,
        details: Details { text, labels: labels.into_iter().collect() },
        provider_ref: g.id,
    }
}

/// An alert group's timeline, oldest first: triggered, acknowledged, silenced, resolved, and its
/// resolution notes.
pub(crate) fn log(g: &AlertGroup, notes: Vec<ResolutionNote>) -> Vec<LogEntry> {
    let title = g.title.as_deref().unwrap_or("alert group");
    let by = |who: &Option<String>| who.as_deref().map_or_else(String::new, |w| format!(" by {w}"));
    let mut log = vec![LogEntry::new(g.created_at, LogKind::Triggered, format!("Triggered: {title}"), None)];
    if let Some(at) = g.acknowledged_at {
        let message = format!("Acknowledged{}", by(&g.acknowledged_by));
        log.push(LogEntry::new(at, LogKind::Acknowledged, message, g.acknowledged_by.as_deref()));
    }
    if let Some(at) = g.silenced_at.filter(|_| g.state == State::Silenced) {
        log.push(LogEntry::new(at, LogKind::Note, "Silenced", None));
    }
    if let Some(at) = g.resolved_at.filter(|_| g.state == State::Resolved) {
        let message = format!("Resolved{}", by(&g.resolved_by));
        log.push(LogEntry::new(at, LogKind::Resolved, message, g.resolved_by.as_deref()));
    }
    for n in notes {
        log.push(LogEntry::new(n.created_at, LogKind::Note, n.text, n.author.as_deref()));
    }
    log.sort_by_key(|e| e.at);
    log
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn severity_comes_from_a_label_and_defaults_to_sev2_high() {
        assert_eq!(severity(&[]), (Severity::Sev2, Urgency::High));
        assert_eq!(severity(&labels(&[("team", "db")])), (Severity::Sev2, Urgency::High));
        assert_eq!(severity(&labels(&[("severity", "critical")])), (Severity::Sev1, Urgency::High));
        assert_eq!(severity(&labels(&[("Severity", " Warning ")])), (Severity::Sev3, Urgency::Low));
        assert_eq!(severity(&labels(&[("priority", "P4")])), (Severity::Sev4, Urgency::Low));
        assert_eq!(severity(&labels(&[("severity", "error")])), (Severity::Sev2, Urgency::High));
        assert_eq!(
            severity(&labels(&[("priority", "p1"), ("severity", "info")])),
            (Severity::Sev4, Urgency::Low),
            "severity wins over priority"
        );
    }

    #[test]
    fn silenced_counts_as_acknowledged() {
        assert_eq!(status(State::Firing), IncidentStatus::Triggered);
        assert_eq!(status(State::Silenced), IncidentStatus::Acknowledged);
        assert_eq!(status(State::Acknowledged), IncidentStatus::Acknowledged);
        assert_eq!(status(State::Resolved), IncidentStatus::Resolved);
    }

    #[test]
    fn users_offer_email_and_slack() {
        let u: User = serde_json::from_value(serde_json::json!({
            "id": "U1", "email": "a@example.com", "username": "alex",
            "slack": {"user_id": "UA", "team_id": "TA"}, "role": "admin"
        }))
        .unwrap();
        let u = user(u);
        assert_eq!((u.id.as_str(), u.name.as_str()), ("U1", "alex"));
        let kinds: Vec<&str> = u.contact_methods.iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(kinds, ["email", "slack"]);
        assert_eq!(u.contact_methods[1].address, "UA");
        let listed: User =
            serde_json::from_value(serde_json::json!({"id": "U2", "slack": [{"user_id": "UB", "team_id": "TB"}]}))
                .unwrap();
        let listed = user(listed);
        assert_eq!((listed.name.as_str(), listed.contact_methods.len()), ("U2", 1));
    }
}
