//! `klaxon phone test` and the checklist's `phone` probe: a test push, answered from the phone.

use super::settings::{capability_key, token};
use super::{PhoneChannel, RoundTrip, TestPush, random_16};
use crate::{EngineError, Klaxon};
use klaxon_core::IncidentId;
use klaxon_core::phone::{CAPABILITY_LIFETIME, Capability, PhoneAction, test_publication};
use klaxon_secrets::SecretStore;
use std::sync::Arc;
use std::time::Duration;

/// The incident id test capabilities carry (no incident has it).
pub const TEST_INCIDENT: i64 = 0;

/// Pushes a test page with an Acknowledge button and waits up to `timeout` for that press to
/// come back on the reply topic: the whole round trip, timed.
pub async fn round_trip(
    klaxon: &Klaxon,
    secrets: Arc<dyn SecretStore>,
    channel: &dyn PhoneChannel,
    timeout: Duration,
) -> Result<RoundTrip, EngineError> {
    let Some((settings, _)) = klaxon.phone_settings().await? else {
        return Err(EngineError::Phone("not set up: run `klaxon phone setup` (or Settings → Phone)".into()));
    };
    let (key, token) = tokio::task::spawn_blocking(move || -> Result<_, EngineError> {
        Ok((capability_key(secrets.as_ref())?, token(secrets.as_ref())?))
    })
    .await
    .map_err(|e| EngineError::Internal(e.to_string()))??;
    let expires = chrono::Utc::now() + chrono::Duration::from_std(CAPABILITY_LIFETIME).unwrap_or_default();
    let capability = Capability::new(IncidentId(TEST_INCIDENT), 0, PhoneAction::Acknowledge, expires, random_16());
    let message = test_publication(&settings, &capability, key.expose().as_bytes());
    let test = TestPush {
        settings: &settings,
        token: token.as_ref(),
        message: &message,
        capability: &capability,
        key: key.expose().as_bytes(),
        timeout,
    };
    channel.round_trip(test).await.map_err(EngineError::Phone)
}
