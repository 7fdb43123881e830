//! One-tap actions on a platform's incident, applied to the cache at once and queued for the
//! platform (the outbox), and the outbox entries that carry them.

use crate::{CoreError, Incident, IncidentId, IncidentStatus, LogEntry, LogKind, ReassignTo};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which action, without its arguments (what platforms declare support for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ActionKind {
    Acknowledge,
    Resolve,
    Escalate,
    Reassign,
    Snooze,
    Note,
}

impl ActionKind {
    /// The canonical label.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Acknowledge => "acknowledge",
            ActionKind::Resolve => "resolve",
            ActionKind::Escalate => "escalate",
            ActionKind::Reassign => "reassign",
            ActionKind::Snooze => "snooze",
            ActionKind::Note => "note",
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An action with what the platform needs to carry it out. Arguments are fixed when the action is
/// taken (e.g. the escalation level to go to), so sending it twice has the effect of sending it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Action {
    Acknowledge,
    Resolve,
    /// Move to this (1-based) escalation level.
    Escalate {
        to_level: u32,
    },
    /// Give the incident to these platform users, or to an escalation policy.
    Reassign {
        to: ReassignTo,
    },
    /// Silence a triggered incident's notifications for this many minutes (it stays acknowledged).
    Snooze {
        minutes: u32,
    },
    /// Add a note to the timeline.
    Note {
        text: String,
    },
}

impl Action {
    /// Which action this is.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Acknowledge => ActionKind::Acknowledge,
            Action::Resolve => ActionKind::Resolve,
            Action::Escalate { .. } => ActionKind::Escalate,
            Action::Reassign { .. } => ActionKind::Reassign,
            Action::Snooze { .. } => ActionKind::Snooze,
            Action::Note { .. } => ActionKind::Note,
        }
    }

    /// Checks the arguments a user typed.
    pub fn validate(&self) -> Result<(), CoreError> {
        let why = match self {
            Action::Escalate { to_level: 0 } => "escalation levels start at 1",
            Action::Reassign { to } => match to.invalid() {
                Some(why) => why,
                None => return Ok(()),
            },
            Action::Snooze { minutes } if *minutes == 0 || *minutes > 24 * 60 => "snooze must be 1 to 1440 minutes",
            Action::Note { text } if text.trim().is_empty() => "a note needs some text",
            Action::Note { text } if text.len() > 10_000 => "a note may be at most 10,000 bytes",
            _ => return Ok(()),
        };
        Err(CoreError::InvalidArgument(why))
    }

    /// Applies the action to the cached incident as the platform will (optimistically), returning
    /// the timeline entry. Refuses actions the incident's status does not allow.
    pub fn apply(&self, incident: &mut Incident, now: DateTime<Utc>, by: &str) -> Result<LogEntry, CoreError> {
        let refuse = |action| CoreError::InvalidTransition { status: incident.status, action };
        match self {
            Action::Acknowledge => incident.acknowledge(now, by),
            Action::Resolve => incident.resolve(now, by),
            Action::Escalate { to_level } => {
                if !incident.status.is_open() {
                    return Err(refuse("escalate"));
                }
                incident.escalation_level = *to_level;
                incident.status = IncidentStatus::Triggered;
                incident.acknowledged_at = None;
                incident.assignees.clear();
                incident.trigger_seq += 1;
                incident.updated_at = now;
                Ok(LogEntry::new(now, LogKind::Escalated, format!("Escalated to level {to_level} by {by}"), Some(by)))
            }
            Action::Reassign { to } => {
                if !incident.status.is_open() {
                    return Err(refuse("reassign"));
                }
                match to {
                    ReassignTo::Users(users) => incident.assignees.clone_from(users),
                    // The policy's first level is paged; who that is the next sync tells.
                    ReassignTo::Policy { escalation_policy } => {
                        incident.assignees.clear();
                        incident.escalation_policy = Some(escalation_policy.clone());
                        incident.escalation_level = 1;
                        incident.escalation_pass = 0;
                    }
                }
                incident.status = IncidentStatus::Triggered;
                incident.acknowledged_at = None;
                incident.trigger_seq += 1;
                incident.updated_at = now;
                Ok(LogEntry::new(
                    now,
                    LogKind::Reassigned,
                    format!("Reassigned to {} by {by}", to.describe()),
                    Some(by),
                ))
            }
            Action::Snooze { minutes } => {
                if incident.status != IncidentStatus::Acknowledged {
                    return Err(refuse("snooze (acknowledge it first)"));
                }
                incident.updated_at = now;
                Ok(LogEntry::new(now, LogKind::Note, format!("Snoozed for {minutes} min by {by}"), Some(by)))
            }
            Action::Note { text } => {
                incident.updated_at = now;
                Ok(LogEntry::new(now, LogKind::Note, text.clone(), Some(by)))
            }
        }
    }

    /// Whether an incident the platform shows as `status` (at escalation `level`, where the
    /// platform tells it) already is where this action would take it, and if so how to say so:
    /// an acknowledgement of an acknowledged incident, a resolution of a resolved one, an
    /// escalation of a triggered incident at or past the level asked for. Such an action has
    /// nothing left to do; it is not a failure.
    pub fn goal_reached(&self, status: IncidentStatus, level: Option<u32>) -> Option<String> {
        match self {
            Action::Acknowledge if status == IncidentStatus::Acknowledged => {
                Some("already acknowledged on the platform".into())
            }
            Action::Resolve if status == IncidentStatus::Resolved => Some("already resolved on the platform".into()),
            Action::Escalate { to_level } if status == IncidentStatus::Triggered => {
                level.filter(|l| l >= to_level).map(|l| format!("already at escalation level {l} on the platform"))
            }
            _ => None,
        }
    }
}

/// How a platform took an action it did not refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Performed {
    /// The platform carried it out.
    Applied,
    /// The platform already was where the action would take it, so there was nothing to do;
    /// says so (e.g. "already acknowledged on the platform").
    AlreadyThere(String),
}

/// Where a queued action is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OutboxState {
    /// Waiting to be sent (or to be retried after a transient failure).
    Pending,
    /// A request is (or was, when the process died) on its way; checked before any resend.
    Sending,
    /// The platform applied it.
    Done,
    /// The platform refused it for good; the user retries or discards it.
    Failed,
}

impl OutboxState {
    /// The canonical label.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Sending => "sending",
            OutboxState::Done => "done",
            OutboxState::Failed => "failed",
        }
    }

    /// Parses the canonical label.
    pub fn parse(s: &str) -> Option<Self> {
        [OutboxState::Pending, OutboxState::Sending, OutboxState::Done, OutboxState::Failed]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One action in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutboxEntry {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub account: String,
    pub incident: IncidentId,
    /// The platform's id of the incident.
    pub provider_ref: String,
    pub incident_title: String,
    pub action: Action,
    pub state: OutboxState,
    pub attempts: u32,
    /// A request may have reached the platform: check whether it took effect before sending again.
    pub maybe_sent: bool,
    /// The platform's reason for the last failure.
    pub last_error: Option<String>,
    /// How a done action ended when it was not simply applied (e.g. "already acknowledged on the
    /// platform", or found applied after its answer was lost).
    pub note: Option<String>,
    /// Since when it is unknown whether a request arrived (a timeout, a connection lost after
    /// sending): the platform is asked again, with back-off, before anything is sent again.
    pub uncertain_since: Option<DateTime<Utc>>,
    /// How many times since then the platform said it had not taken effect.
    pub checks: u32,
    /// When a pending action is tried next (after a transient failure).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::tests::{sample, t};

    #[test]
    fn actions_serialize_with_a_type_tag() {
        let a = Action::Escalate { to_level: 2 };
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, r#"{"type":"escalate","to_level":2}"#);
        assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), a);
        assert_eq!(serde_json::to_string(&Action::Acknowledge).unwrap(), r#"{"type":"acknowledge"}"#);
    }

    #[test]
    fn escalate_retriggers_at_the_fixed_level() {
        let mut i = sample(1);
        i.status = IncidentStatus::Acknowledged;
        let seq = i.trigger_seq;
        let log = Action::Escalate { to_level: 3 }.apply(&mut i, t(5), "me").unwrap();
        assert_eq!((i.status, i.escalation_level, i.trigger_seq), (IncidentStatus::Triggered, 3, seq + 1));
        assert_eq!(log.kind, LogKind::Escalated);
    }

    #[test]
    fn refused_transitions_leave_the_incident_alone() {
        let mut i = sample(1);
        i.status = IncidentStatus::Resolved;
        let before = i.clone();
        assert!(Action::Escalate { to_level: 2 }.apply(&mut i, t(5), "me").is_err());
        assert!(Action::Reassign { to: ReassignTo::Users(vec!["u".into()]) }.apply(&mut i, t(5), "me").is_err());
        assert!(Action::Acknowledge.apply(&mut i, t(5), "me").is_err());
        assert_eq!(i, before);
        let mut triggered = sample(2);
        assert!(Action::Snooze { minutes: 10 }.apply(&mut triggered, t(5), "me").is_err());
    }

    #[test]
    fn notes_and_reassignments_reach_the_timeline() {
        let mut i = sample(1);
        let log = Action::Note { text: "looking".into() }.apply(&mut i, t(5), "me").unwrap();
        assert_eq!((log.kind, log.message.as_str()), (LogKind::Note, "looking"));
        Action::Reassign { to: ReassignTo::Users(vec!["u2".into()]) }.apply(&mut i, t(6), "me").unwrap();
        assert_eq!(i.assignees, vec!["u2".to_owned()]);
        i.status = IncidentStatus::Acknowledged;
        let to_policy = ReassignTo::Policy { escalation_policy: "EP9".into() };
        let log = Action::Reassign { to: to_policy }.apply(&mut i, t(7), "me").unwrap();
        assert_eq!(
            (log.kind, log.message.as_str()),
            (LogKind::Reassigned, "Reassigned to escalation policy EP9 by me")
        );
        assert_eq!(
            (i.status, i.escalation_policy.as_deref(), i.escalation_level),
            (IncidentStatus::Triggered, Some("EP9"), 1)
        );
        assert!(i.assignees.is_empty());
    }

    #[test]
    fn arguments_are_validated() {
        assert!(Action::Note { text: "  ".into() }.validate().is_err());
        assert!(Action::Snooze { minutes: 0 }.validate().is_err());
        assert!(Action::Snooze { minutes: 30 }.validate().is_ok());
        assert!(Action::Reassign { to: ReassignTo::Users(vec![]) }.validate().is_err());
        assert!(Action::Escalate { to_level: 0 }.validate().is_err());
    }

    #[test]
    fn an_action_whose_goal_is_reached_says_so() {
        use IncidentStatus::{Acknowledged, Resolved, Triggered};
        let says = |a: Action, s, l| a.goal_reached(s, l);
        assert_eq!(
            says(Action::Acknowledge, Acknowledged, None).as_deref(),
            Some("already acknowledged on the platform")
        );
        assert_eq!(says(Action::Resolve, Resolved, None).as_deref(), Some("already resolved on the platform"));
        assert_eq!(says(Action::Acknowledge, Triggered, None), None);
        assert_eq!(says(Action::Acknowledge, Resolved, None), None, "resolved is not what an ack asks for");
        assert_eq!(says(Action::Resolve, Acknowledged, None), None);
        let escalate = || Action::Escalate { to_level: 2 };
        assert!(says(escalate(), Triggered, Some(3)).is_some_and(|n| n.contains("level 3")));
        assert_eq!(says(escalate(), Triggered, Some(1)), None);
        assert_eq!(says(escalate(), Triggered, None), None, "a platform that cannot tell levels");
        assert_eq!(says(escalate(), Acknowledged, Some(2)), None, "escalating re-triggers");
        assert_eq!(says(Action::Note { text: "x".into() }, Triggered, None), None);
    }

    #[test]
    fn outbox_states_round_trip() {
        for s in [OutboxState::Pending, OutboxState::Sending, OutboxState::Done, OutboxState::Failed] {
            assert_eq!(OutboxState::parse(s.as_str()), Some(s));
        }
    }
}
