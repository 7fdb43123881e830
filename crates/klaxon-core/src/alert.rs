//! Alerts from the local intake and how they fold into incidents.
//!
//! Rules: a `trigger` with no open incident for its dedup key opens a new incident; a `trigger`
//! whose dedup key matches an open incident updates it in place (title, severity, details; no
//! re-page); a `resolve` resolves the open incident with that key, and is ignored if there is none.
//! Without a dedup key every trigger opens a new incident.

use crate::{Details, Incident, LogEntry, LogKind, Severity, Team, Urgency};
use chrono::{DateTime, Utc};

/// Trigger or resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertAction {
    Trigger,
    Resolve,
}

/// One normalized alert, whatever format it arrived in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Who sent it (`alertmanager`, `webhook`, `klaxon fire`).
    pub source: String,
    pub dedup_key: Option<String>,
    pub title: String,
    pub severity: Severity,
    /// `None`: derive from severity.
    pub urgency: Option<Urgency>,
    pub service: Option<String>,
    pub details: Details,
    pub web_url: Option<String>,
    pub action: AlertAction,
}

/// What an alert does to the incident cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertOutcome {
    /// A new incident (its id is assigned when stored).
    Create(Box<Incident>, Vec<LogEntry>),
    /// An existing incident changed.
    Update(Box<Incident>, Vec<LogEntry>),
    /// Nothing to do (e.g. resolve for an unknown key).
    Ignored,
}

/// Folds `alert` into `existing` (the open incident with the same dedup key, if any).
pub fn apply_alert(
    existing: Option<&Incident>,
    alert: &Alert,
    team: &Team,
    roster: &crate::Roster,
    now: DateTime<Utc>,
) -> AlertOutcome {
    let open = existing.filter(|i| i.status.is_open());
    match (alert.action, open) {
        (AlertAction::Resolve, None) => AlertOutcome::Ignored,
        (AlertAction::Resolve, Some(inc)) => {
            let mut inc = inc.clone();
            match inc.resolve(now, &alert.source) {
                Ok(mut log) => {
                    log.message = format!("Resolved by {}", alert.source);
                    AlertOutcome::Update(Box::new(inc), vec![log])
                }
                Err(_) => AlertOutcome::Ignored,
            }
        }
        (AlertAction::Trigger, Some(inc)) => {
            let mut inc = inc.clone();
            inc.title.clone_from(&alert.title);
            inc.severity = alert.severity;
            inc.urgency = alert.urgency.unwrap_or_else(|| {
                team.pager.urgency_for(
                    &inc.account,
                    inc.service.as_deref().or(alert.service.as_deref()),
                    alert.severity,
                )
            });
            if alert.service.is_some() {
                inc.service.clone_from(&alert.service);
            }
            inc.details = alert.details.clone();
            inc.alert_count += 1;
            inc.updated_at = now;
            let log = LogEntry::new(
                now,
                LogKind::AlertRepeated,
                format!("Alert repeated ({} in all); incident stays {}", inc.alert_count, inc.status),
                Some(&alert.source),
            );
            AlertOutcome::Update(Box::new(inc), vec![log])
        }
        (AlertAction::Trigger, None) => {
            let urgency = alert
                .urgency
                .unwrap_or_else(|| team.pager.urgency_for("local", alert.service.as_deref(), alert.severity));
            let mut inc = Incident::new_triggered("local", &alert.title, alert.severity, urgency, now);
            inc.web_url.clone_from(&alert.web_url);
            inc.service.clone_from(&alert.service);
            inc.dedup_key.clone_from(&alert.dedup_key);
            inc.details = alert.details.clone();
            let mut logs = vec![LogEntry::new(
                now,
                LogKind::Triggered,
                format!("Triggered by {}: {}", alert.source, alert.title),
                Some(&alert.source),
            )];
            if let Err(e) = team.assign_initial(&mut inc, None, now, roster) {
                logs.push(LogEntry::new(now, LogKind::Note, format!("Not assigned: {e}"), Some("klaxon")));
            }
            AlertOutcome::Create(Box::new(inc), logs)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IncidentStatus;
    use crate::incident::tests::t;
    use crate::team::tests::team;

    fn alert(action: AlertAction) -> Alert {
        Alert {
            source: "alertmanager".into(),
            dedup_key: Some("am:abc".into()),
            title: "DiskFull".into(),
            severity: Severity::Sev1,
            urgency: None,
            service: Some("db".into()),
            details: Details::default(),
            web_url: None,
            action,
        }
    }

    fn created(outcome: AlertOutcome) -> Incident {
        match outcome {
            AlertOutcome::Create(i, logs) => {
                assert_eq!(logs[0].kind, LogKind::Triggered);
                *i
            }
            other => panic!("expected Create, got {other:?}"),
        }
    }

    #[test]
    fn trigger_opens_an_assigned_incident() {
        let inc = created(apply_alert(None, &alert(AlertAction::Trigger), &team(), &crate::Roster::default(), t(0)));
        assert_eq!(inc.status, IncidentStatus::Triggered);
        assert_eq!(inc.urgency, Urgency::High, "sev1 defaults to high urgency");
        assert_eq!(inc.assignees, ["alex"]);
        assert_eq!(inc.escalation_policy.as_deref(), Some("default"));
        assert_eq!(inc.next_escalation_at, Some(t(300)));
        assert_eq!(inc.dedup_key.as_deref(), Some("am:abc"));
    }

    #[test]
    fn repeat_trigger_updates_without_retriggering() {
        let team = team();
        let mut inc = created(apply_alert(None, &alert(AlertAction::Trigger), &team, &crate::Roster::default(), t(0)));
        inc.acknowledge(t(1), "alex").unwrap();
        let mut again = alert(AlertAction::Trigger);
        again.title = "DiskFull (95%)".into();
        again.severity = Severity::Sev2;
        let AlertOutcome::Update(updated, logs) =
            apply_alert(Some(&inc), &again, &team, &crate::Roster::default(), t(2))
        else {
            panic!("expected update")
        };
        assert_eq!(updated.status, IncidentStatus::Acknowledged);
        assert_eq!(updated.trigger_seq, inc.trigger_seq, "no new trigger, so no re-page");
        assert_eq!(updated.title, "DiskFull (95%)");
        assert_eq!(updated.severity, Severity::Sev2);
        assert_eq!(updated.alert_count, 2);
        assert_eq!(logs[0].kind, LogKind::AlertRepeated);
    }

    #[test]
    fn resolve_closes_the_open_incident_or_is_ignored() {
        let team = team();
        let inc = created(apply_alert(None, &alert(AlertAction::Trigger), &team, &crate::Roster::default(), t(0)));
        let AlertOutcome::Update(done, logs) =
            apply_alert(Some(&inc), &alert(AlertAction::Resolve), &team, &crate::Roster::default(), t(9))
        else {
            panic!("expected update")
        };
        assert_eq!(done.status, IncidentStatus::Resolved);
        assert_eq!(done.resolved_at, Some(t(9)));
        assert_eq!(logs[0].message, "Resolved by alertmanager");
        assert_eq!(
            apply_alert(None, &alert(AlertAction::Resolve), &team, &crate::Roster::default(), t(9)),
            AlertOutcome::Ignored
        );
        assert_eq!(
            apply_alert(Some(&done), &alert(AlertAction::Resolve), &team, &crate::Roster::default(), t(10)),
            AlertOutcome::Ignored
        );
    }

    #[test]
    fn trigger_after_resolve_opens_a_new_incident() {
        let team = team();
        let mut inc = created(apply_alert(None, &alert(AlertAction::Trigger), &team, &crate::Roster::default(), t(0)));
        inc.resolve(t(1), "alex").unwrap();
        let fresh =
            created(apply_alert(Some(&inc), &alert(AlertAction::Trigger), &team, &crate::Roster::default(), t(2)));
        assert_eq!(fresh.created_at, t(2));
        assert_eq!(fresh.alert_count, 1);
    }

    #[test]
    fn explicit_urgency_wins_over_severity() {
        let mut a = alert(AlertAction::Trigger);
        a.urgency = Some(Urgency::Low);
        let inc = created(apply_alert(None, &a, &team(), &crate::Roster::default(), t(0)));
        assert_eq!(inc.urgency, Urgency::Low);
    }
}
