//! What the phone is sent: the page with its signed buttons, and the follow-up once answered.

use super::{Attempt, PhonePusher};
use crate::EngineError;
use crate::phone::random_16;
use crate::phone::settings::token;
use chrono::{DateTime, Utc};
use klaxon_core::pager::PageKey;
use klaxon_core::phone::{
    CAPABILITY_LIFETIME, Capability, PhoneAction, PhoneSettings, Publication, follow_up, publication,
};
use klaxon_core::{Incident, Secret};
use klaxon_store::PhonePush;

impl PhonePusher {
    /// The ntfy access token (none when the keyring cannot say: try without).
    pub(super) async fn token(&self) -> Option<Secret> {
        let secrets = self.secrets.clone();
        match tokio::task::spawn_blocking(move || token(secrets.as_ref())).await {
            Ok(Ok(token)) => token,
            _ => None,
        }
    }

    /// The access token and the message of an attempt.
    pub(super) async fn prepare(
        &self,
        settings: &PhoneSettings,
        push: &PhonePush,
        what: &Attempt,
    ) -> Result<(Option<Secret>, Publication), EngineError> {
        let secrets = self.secrets.clone();
        let token = tokio::task::spawn_blocking(move || token(secrets.as_ref()))
            .await
            .map_err(|e| EngineError::Internal(e.to_string()))??;
        let message = match what {
            Attempt::Page(incident) => self.page_message(settings, incident, push.loud, 0).await?,
            Attempt::FollowUp(incident) => self.follow_up_message(settings, push.key, incident.as_ref()).await?,
        };
        Ok((token, message))
    }

    /// The page with its signed buttons (Escalate only where the platform can).
    pub(super) async fn page_message(
        &self,
        settings: &PhoneSettings,
        incident: &Incident,
        loud: bool,
        realert: u32,
    ) -> Result<Publication, EngineError> {
        let key = self.key().await?;
        let expires: DateTime<Utc> =
            self.clock.now() + chrono::Duration::from_std(CAPABILITY_LIFETIME).unwrap_or_default();
        let mut actions = vec![PhoneAction::Acknowledge];
        if self.klaxon.can_escalate(incident).await {
            actions.push(PhoneAction::Escalate);
        }
        let buttons: Vec<_> = actions
            .into_iter()
            .map(|a| {
                let c = Capability::new(incident.id, incident.trigger_seq, a, expires, random_16());
                (a, c.sign(key.expose().as_bytes()))
            })
            .collect();
        Ok(publication(incident, settings, &buttons, loud, realert))
    }

    /// "Acknowledged by Alex from phone", "Resolved by Sam", "Escalated to level 2", …
    pub(super) async fn follow_up_message(
        &self,
        settings: &PhoneSettings,
        key: PageKey,
        incident: Option<&Incident>,
    ) -> Result<Publication, EngineError> {
        let Some(incident) = incident else {
            let gone = Incident {
                id: key.incident,
                ..Incident::new_triggered(
                    "local",
                    "page",
                    klaxon_core::Severity::Sev4,
                    klaxon_core::Urgency::Low,
                    self.clock.now(),
                )
            };
            return Ok(follow_up(settings, &gone, "No longer paging (the incident was removed)"));
        };
        let from_phone = self.from_phone.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&incident.id);
        let said = self.klaxon.answer_said(incident).await?;
        let said = if from_phone.is_some() { format!("{said} from phone") } else { said };
        Ok(follow_up(settings, incident, &said))
    }
}
