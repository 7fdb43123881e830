//! How the phone's follow-up says who answered, and which buttons a push gets.

use crate::{EngineError, Klaxon};
use klaxon_core::{ActionKind, Incident, IncidentStatus, LOCAL_ACCOUNT, LogKind};

impl Klaxon {
    /// Whether the incident's platform can escalate (the push then has an Escalate button).
    pub(crate) async fn can_escalate(&self, incident: &Incident) -> bool {
        if incident.account == LOCAL_ACCOUNT {
            return klaxon_core::AccountKind::Local.supports(ActionKind::Escalate).is_ok();
        }
        match self.store().account(&incident.account).await {
            Ok(account) => account.kind.supports(ActionKind::Escalate).is_ok(),
            Err(_) => false,
        }
    }

    /// Who answered the page and how, by name: "Acknowledged by Alex", "Resolved by Sam",
    /// "Escalated to level 2", or "No longer yours".
    pub(crate) async fn answer_said(&self, incident: &Incident) -> Result<String, EngineError> {
        let wanted: &[LogKind] = match incident.status {
            IncidentStatus::Acknowledged => &[LogKind::Acknowledged],
            IncidentStatus::Resolved => &[LogKind::Resolved],
            IncidentStatus::Triggered => &[LogKind::Escalated, LogKind::Reassigned],
        };
        let detail = self.incident(incident.id).await?;
        let Some(line) = detail.log.iter().rev().find(|l| wanted.contains(&l.entry.kind)) else {
            return Ok(match incident.status {
                IncidentStatus::Acknowledged => "Acknowledged".to_owned(),
                IncidentStatus::Resolved => "Resolved".to_owned(),
                IncidentStatus::Triggered => "No longer yours".to_owned(),
            });
        };
        let verb = match line.entry.kind {
            LogKind::Acknowledged => "Acknowledged",
            LogKind::Resolved => "Resolved",
            // Escalations and reassignments say where the page went.
            _ => return Ok(line.entry.message.clone()),
        };
        // "you" is the laptop's word; on the phone (which others may watch) say the name.
        let name = match &line.by {
            Some(p) if p.me => self.my_name(&incident.account).await,
            Some(p) => p.name.clone(),
            None => return Ok(verb.to_owned()),
        };
        Ok(format!("{verb} by {name}"))
    }

    /// My display name: the team file's, else my id on the account.
    async fn my_name(&self, account: &str) -> String {
        let me = &self.team().me;
        if account == LOCAL_ACCOUNT {
            return self.team().person(me).map_or_else(|| me.clone(), |p| p.name.clone());
        }
        match self.store().account(account).await {
            Ok(a) => a
                .user_name
                .or(a.user_id)
                .unwrap_or_else(|| self.team().person(me).map_or_else(|| me.clone(), |p| p.name.clone())),
            Err(_) => me.clone(),
        }
    }
}
