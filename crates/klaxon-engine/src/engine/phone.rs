//! The phone's replies, and its settings, on the owning engine.

use super::Engine;
use crate::phone::{PhonePressed, PhoneView, RoundTrip, TEST_INCIDENT, round_trip, settings};
use crate::{EngineError, EngineEvent, Resource, UserAction};
use klaxon_core::pager::still_ringing;
use klaxon_core::phone::{Capability, PhoneAction, PhoneSettings};
use klaxon_core::{IncidentStatus, LogEntry, LogKind, Secret};
use klaxon_store::CapabilityUse;

impl Engine {
    /// Carries out what a message on the reply topic asks, if it is a genuine, unexpired
    /// capability not used before; anything else is refused, logged, and changes nothing.
    pub async fn phone_press(&self, message_id: &str, body: &str) -> Result<PhonePressed, EngineError> {
        let refuse = |reason: String| {
            tracing::warn!(message = %message_id, %reason, "refused a reply on the phone's reply topic");
            EngineError::PhoneRefused(reason)
        };
        let key = self.phone.key().await?;
        let now = self.phone.clock.now();
        let capability = Capability::verify(body, key.expose().as_bytes(), now).map_err(|e| refuse(e.to_string()))?;
        if capability.incident.0 == TEST_INCIDENT {
            return Ok(PhonePressed::Test);
        }
        let id = capability.incident;
        let store = self.klaxon.store();
        match store.use_capability(&capability.nonce, message_id, id, now).await? {
            CapabilityUse::Fresh => {}
            CapabilityUse::SameMessage => return Ok(PhonePressed::AlreadyDone),
            CapabilityUse::Replayed => return Err(refuse("replayed: this capability was used already".into())),
        }
        let stale = |reason: &str| {
            tracing::info!(incident = %id, reason, "a phone answer came for a page that is over");
            Ok(PhonePressed::Stale { incident: id, reason: reason.to_owned() })
        };
        let incident = match store.incident(id).await {
            Ok(i) => i,
            Err(klaxon_store::StoreError::NotFound(_)) => return stale("the incident is gone"),
            Err(e) => return Err(e.into()),
        };
        if incident.status != IncidentStatus::Triggered {
            return stale("answered already");
        }
        if incident.trigger_seq != capability.trigger {
            return stale("it was triggered again or escalated since");
        }
        let me = self.klaxon.me_for(&incident.account).await?;
        let key = klaxon_core::pager::PageKey { incident: id, trigger_seq: incident.trigger_seq };
        if !still_ringing(key, &incident, &me) {
            return stale("no longer yours");
        }
        let action = match capability.action {
            PhoneAction::Acknowledge => UserAction::Acknowledge,
            PhoneAction::Escalate => UserAction::Escalate,
        };
        self.phone.answered_from_phone(id, capability.action);
        self.act(id, action).await?;
        let said = format!("{} from the phone (ntfy)", capability.action.label_past());
        let entry = LogEntry::new(now, LogKind::Note, said, Some(me.as_str()));
        if let Err(e) = store.append_log(id, &[entry]).await {
            tracing::error!(incident = %id, error = %e, "cannot log the phone's answer");
        }
        let _ = self.events.send(EngineEvent::Changed(&[Resource::Incidents]));
        self.phone.step_soon(); // the follow-up, without waiting for the next tick
        Ok(PhonePressed::Done { incident: id, action: capability.action })
    }

    /// The phone as Settings → Phone shows it.
    pub async fn phone_view(&self) -> Result<PhoneView, EngineError> {
        let secrets = self.phone.secrets.clone();
        self.klaxon.phone_view(secrets.as_ref()).await
    }

    /// Chooses where pages go to the phone (`None`: nowhere); `token`: keep this ntfy access
    /// token in the keyring (`Some("")` forgets it; `None` leaves it).
    pub async fn set_phone(
        &self,
        settings: Option<PhoneSettings>,
        token: Option<Secret>,
    ) -> Result<PhoneView, EngineError> {
        self.klaxon.set_phone_settings(settings).await?;
        if let Some(token) = token {
            let secrets = self.phone.secrets.clone();
            tokio::task::spawn_blocking(move || settings::set_token(secrets.as_ref(), Some(&token)))
                .await
                .map_err(|e| EngineError::Internal(e.to_string()))??;
        }
        let _ = self.events.send(EngineEvent::Changed(&[Resource::Phone]));
        self.phone_view().await
    }

    /// Pushes a test page to the phone and waits (up to `timeout`) for its Acknowledge.
    pub async fn phone_round_trip(&self, timeout: std::time::Duration) -> Result<RoundTrip, EngineError> {
        let Some(channel) = self.phone.channel.clone() else {
            return Err(EngineError::Phone("this Klaxon cannot reach ntfy".into()));
        };
        round_trip(&self.klaxon, self.phone.secrets.clone(), channel.as_ref(), timeout).await
    }
}
