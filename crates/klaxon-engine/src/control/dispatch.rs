//! Carries out a [`Request`] on the engine: the one place the app's commands (in-process) and the
//! control socket (a window in another process) meet the engine.

use super::{IpcError, Request};
use crate::{Credentials, Engine, NewAccount};
use klaxon_core::{Incident, IncidentId, OutboxEntry};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What an action did: the incident as it is now, and the outbox entry if it goes to a platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActionOutcome {
    pub incident: Incident,
    pub queued: Option<OutboxEntry>,
}

/// One delivery path's result in a test page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TestPagePath {
    pub path: String,
    pub ok: bool,
    pub error: Option<String>,
}

/// The longest "mute ringing" one request may ask for.
pub const MAX_MUTE_MINUTES: u32 = 60;

fn json<T: Serialize>(value: T) -> Result<serde_json::Value, IpcError> {
    serde_json::to_value(value).map_err(|e| IpcError::new(super::IpcErrorCode::Internal, e.to_string()))
}

/// Runs `request` on `engine` and returns its answer as JSON (the caller knows its type).
pub async fn handle(engine: &Engine, request: Request) -> Result<serde_json::Value, IpcError> {
    let klaxon = engine.klaxon();
    match request {
        Request::ListIncidents { all } => json(klaxon.incident_page(all, crate::DASHBOARD_LIMIT).await?),
        Request::GetIncident { id } => json(klaxon.incident(IncidentId(id)).await?),
        Request::Act { id, action } => {
            let (incident, queued) = engine.act(IncidentId(id), action).await?;
            json(ActionOutcome { incident, queued })
        }
        Request::AcknowledgeAll => json(engine.acknowledge_all_mine().await?),
        Request::ListAccounts => json(klaxon.accounts().await?),
        Request::AddAccount(new) => {
            let token = new.token.into_secret();
            let credentials = match new.username.filter(|u| !u.trim().is_empty()) {
                Some(username) => Credentials::Login { username, password: token },
                None => Credentials::Token(token),
            };
            let new = NewAccount {
                name: new.name,
                kind: new.kind,
                base_url: new.base_url,
                credentials,
                poll_secs: new.poll_secs,
            };
            json(engine.add_account(new).await?)
        }
        Request::RemoveAccount { name } => json(engine.remove_account(&name).await?),
        Request::TestAccount { name } => json(engine.test_account(&name).await?),
        Request::SyncAccount { name } => json(engine.sync_account(&name).await?),
        Request::Outbox { all } => json(engine.outbox(all).await?),
        Request::RetryOutbox { id } => json(engine.retry_outbox(id).await?),
        Request::DiscardOutbox { id } => json(engine.discard_outbox(id).await?),
        Request::OnCall => json(klaxon.on_call_everywhere().await?),
        Request::RingState => json(engine.ring_state()),
        Request::Mute { minutes } => {
            if !(1..=MAX_MUTE_MINUTES).contains(&minutes) {
                return Err(IpcError::invalid_input(format!(
                    "minutes: {minutes} is not between 1 and {MAX_MUTE_MINUTES}"
                )));
            }
            engine.mute_ringing(Duration::from_secs(u64::from(minutes) * 60)).await;
            json(engine.ring_state())
        }
        Request::TestPage => json(
            engine
                .test_page()
                .await
                .into_iter()
                .map(|(path, r)| TestPagePath { path: path.to_owned(), ok: r.is_ok(), error: r.err() })
                .collect::<Vec<_>>(),
        ),
        Request::ShadowSettings => json(klaxon.shadow_settings()),
        Request::SetShadow { follow } => json(klaxon.set_shadow(Some(follow)).await?),
        Request::ResetShadow => json(klaxon.set_shadow(None).await?),
        Request::DismissWarnings => {
            klaxon.store().dismiss_warnings().await.map_err(crate::EngineError::from)?;
            engine.notify_changed();
            json(())
        }
        Request::AttachWindow | Request::ShowWindow | Request::Quit => {
            Err(IpcError::invalid_input("call: attach_window, show_window and quit are for the control socket"))
        }
    }
}
