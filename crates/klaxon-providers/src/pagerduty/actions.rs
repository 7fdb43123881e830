//! Actions on an incident, and telling from PagerDuty's current state whether one already took
//! effect (after a crash or a lost answer).

use super::client::segment;
use super::{PagerDuty, map, wire};
use crate::ProviderError;
use chrono::{DateTime, Utc};
use klaxon_core::{Action, ReassignTo, RemoteUser};
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeSet;

/// How far PagerDuty's clock may be behind ours when matching a note or a snooze to the action
/// that made it.
pub const CLOCK_SKEW: chrono::Duration = chrono::Duration::seconds(30);

impl PagerDuty {
    /// Sends `action` (the caller has checked it is supported).
    pub(super) async fn send_action(&self, me: &RemoteUser, id: &str, action: &Action) -> Result<(), ProviderError> {
        let incident = format!("incidents/{}", segment(id));
        let update = |fields: serde_json::Value| {
            let mut body = json!({"type": "incident_reference"});
            if let (Some(b), Some(f)) = (body.as_object_mut(), fields.as_object()) {
                b.extend(f.clone());
            }
            json!({ "incident": body })
        };
        match action {
            Action::Acknowledge => {
                self.client.write(me, Method::PUT, &incident, &update(json!({"status": "acknowledged"}))).await
            }
            Action::Resolve => {
                self.client.write(me, Method::PUT, &incident, &update(json!({"status": "resolved"}))).await
            }
            Action::Escalate { to_level } => {
                self.client.write(me, Method::PUT, &incident, &update(json!({"escalation_level": to_level}))).await
            }
            Action::Reassign { to: ReassignTo::Users(to) } => {
                let assignments: Vec<_> =
                    to.iter().map(|u| json!({"assignee": {"id": u, "type": "user_reference"}})).collect();
                self.client.write(me, Method::PUT, &incident, &update(json!({"assignments": assignments}))).await
            }
            Action::Reassign { to: ReassignTo::Policy { escalation_policy } } => {
                let policy = json!({"id": escalation_policy, "type": "escalation_policy_reference"});
                self.client.write(me, Method::PUT, &incident, &update(json!({"escalation_policy": policy}))).await
            }
            Action::Snooze { minutes } => {
                let body = json!({"duration": u64::from(*minutes) * 60});
                self.client.write(me, Method::POST, &format!("{incident}/snooze"), &body).await
            }
            Action::Note { text } => {
                let body = json!({"note": {"content": text}});
                self.client.write(me, Method::POST, &format!("{incident}/notes"), &body).await
            }
        }
    }

    /// The incident's status, and (for an escalation) its level, to tell whether a refused
    /// action's goal is reached.
    pub(super) async fn read_back(
        &self,
        id: &str,
        action: &Action,
    ) -> Result<(klaxon_core::IncidentStatus, Option<u32>), ProviderError> {
        let path = format!("incidents/{}", segment(id));
        let incident = self.client.get::<wire::IncidentBody>(&path, &Vec::new()).await?.incident;
        let level = if matches!(action, Action::Escalate { .. }) && incident.status == wire::Status::Triggered {
            let policies: BTreeSet<String> = incident.escalation_policy.iter().map(|p| p.id.clone()).collect();
            map::level(&incident, &self.fetch_levels(&policies).await?)
        } else {
            None
        };
        Ok((map::status(incident.status), level))
    }

    /// Whether `action` shows in the incident's current state (see [`crate::Provider::already_applied`]).
    pub(super) async fn shows(
        &self,
        me: &RemoteUser,
        id: &str,
        action: &Action,
        taken_at: DateTime<Utc>,
    ) -> Result<bool, ProviderError> {
        let path = format!("incidents/{}", segment(id));
        let incident = self.client.get::<wire::IncidentBody>(&path, &Vec::new()).await?.incident;
        let status = incident.status;
        Ok(match action {
            Action::Acknowledge => status != wire::Status::Triggered,
            Action::Resolve => status == wire::Status::Resolved,
            Action::Escalate { to_level } => {
                if status != wire::Status::Triggered {
                    true
                } else {
                    let policies: BTreeSet<String> = incident.escalation_policy.iter().map(|p| p.id.clone()).collect();
                    let levels = self.fetch_levels(&policies).await?;
                    map::level(&incident, &levels).is_some_and(|level| level >= *to_level)
                }
            }
            Action::Reassign { to: ReassignTo::Users(to) } => {
                let assigned = map::assignees(&incident);
                to.iter().all(|u| assigned.contains(u))
            }
            Action::Reassign { to: ReassignTo::Policy { escalation_policy } } => {
                incident.escalation_policy.as_ref().is_some_and(|p| p.id == *escalation_policy)
            }
            // A snooze shows as a pending un-acknowledgement when the snooze ends.
            Action::Snooze { minutes } => {
                let ends = taken_at + chrono::Duration::minutes(i64::from(*minutes));
                status == wire::Status::Acknowledged
                    && incident
                        .pending_actions
                        .iter()
                        .any(|a| a.kind == "unacknowledge" && map::at_or_after(a.at, ends, CLOCK_SKEW))
            }
            Action::Note { text } => {
                let notes = self.client.get::<wire::Notes>(&format!("{path}/notes"), &Vec::new()).await?.notes;
                notes.iter().any(|n| {
                    n.content == *text
                        && n.user.as_ref().is_some_and(|u| u.id == me.id)
                        && map::at_or_after(n.created_at, taken_at, CLOCK_SKEW)
                })
            }
        })
    }
}
