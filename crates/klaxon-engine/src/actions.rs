//! One-tap actions, whichever account an incident belongs to: local incidents change in the
//! cache only; platform incidents change in the cache and go to the outbox in one transaction.

use crate::{EngineError, Klaxon};
use chrono::Utc;
use klaxon_core::{Action, ActionKind, Incident, IncidentId, LOCAL_ACCOUNT, OutboxEntry, ReassignTo};

/// What the user asked for (the engine fixes the arguments, e.g. which level "escalate" means).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "action", content = "value", rename_all = "snake_case")]
pub enum UserAction {
    Acknowledge,
    Resolve,
    Escalate,
    /// Give it to these platform users, or an escalation policy.
    Reassign(ReassignTo),
    /// Silence it for this many minutes.
    Snooze(u32),
    Note(String),
}

impl UserAction {
    /// Which action this is.
    pub fn kind(&self) -> ActionKind {
        match self {
            UserAction::Acknowledge => ActionKind::Acknowledge,
            UserAction::Resolve => ActionKind::Resolve,
            UserAction::Escalate => ActionKind::Escalate,
            UserAction::Reassign(_) => ActionKind::Reassign,
            UserAction::Snooze(_) => ActionKind::Snooze,
            UserAction::Note(_) => ActionKind::Note,
        }
    }

    fn for_platform(&self, incident: &Incident) -> Action {
        match self {
            UserAction::Acknowledge => Action::Acknowledge,
            UserAction::Resolve => Action::Resolve,
            UserAction::Escalate => Action::Escalate { to_level: incident.escalation_level + 1 },
            UserAction::Reassign(to) => Action::Reassign { to: to.clone() },
            UserAction::Snooze(minutes) => Action::Snooze { minutes: *minutes },
            UserAction::Note(text) => Action::Note { text: text.clone() },
        }
    }
}

impl Klaxon {
    /// Carries out `action` on an incident as me. Platform incidents are changed in the cache and
    /// queued in the outbox together (durable before this returns); the engine sends them.
    /// Actions the incident's platform cannot do are refused before anything changes.
    pub async fn act(
        &self,
        id: IncidentId,
        action: UserAction,
    ) -> Result<(Incident, Option<OutboxEntry>), EngineError> {
        let incident = self.store().incident(id).await?;
        if incident.account == LOCAL_ACCOUNT {
            klaxon_core::AccountKind::Local.supports(action.kind())?;
            let incident = match action {
                UserAction::Acknowledge => self.acknowledge_local(id).await?,
                UserAction::Resolve => self.resolve_local(id).await?,
                UserAction::Escalate => self.escalate_local(id).await?,
                // Refused by `supports` above; listed so that a new action must choose here.
                UserAction::Reassign(_) | UserAction::Snooze(_) | UserAction::Note(_) => {
                    return Err(EngineError::Unsupported {
                        kind: action.kind(),
                        reason: "local incidents have no such action".to_owned(),
                    });
                }
            };
            return Ok((incident, None));
        }
        let account = self.store().account(&incident.account).await?;
        account.kind.supports(action.kind())?;
        let platform_action = action.for_platform(&incident);
        platform_action.validate().map_err(|e| EngineError::InvalidState { id, message: e.to_string() })?;
        let by = account.user_id.clone().unwrap_or_else(|| account.name.clone());
        let (incident, queued) = self
            .store()
            .take_action(id, &platform_action, &by, Utc::now())
            .await
            .map_err(|e| EngineError::for_incident(id, e))?;
        Ok((incident, Some(queued)))
    }

    /// Acknowledges as me.
    pub async fn acknowledge(&self, id: IncidentId) -> Result<Incident, EngineError> {
        Ok(self.act(id, UserAction::Acknowledge).await?.0)
    }

    /// Resolves as me.
    pub async fn resolve(&self, id: IncidentId) -> Result<Incident, EngineError> {
        Ok(self.act(id, UserAction::Resolve).await?.0)
    }

    /// Escalates to the next level, as me.
    pub async fn escalate(&self, id: IncidentId) -> Result<Incident, EngineError> {
        Ok(self.act(id, UserAction::Escalate).await?.0)
    }
}
