//! Following the reply topic: every message goes to the dispatcher (`PhonePress`), which
//! carries out genuine capabilities once and refuses the rest. A dropped stream is resumed
//! from the last message seen (`since=<id>`), so presses made while the laptop was offline or
//! the connection down are carried out after reconnecting.

use crate::stream::Since;
use crate::{NtfyClient, NtfyError};
use klaxon_engine::control::{Dispatcher, GetPhone, PhonePress};
use klaxon_engine::core::phone::{CAPABILITY_LIFETIME, PhoneSettings};
use klaxon_engine::secrets::SecretStore;
use klaxon_engine::{EngineEvent, Resource};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// Reconnection delays double from this up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Follows the phone's reply topic for one engine.
#[derive(Debug)]
pub struct ReplyListener {
    client: NtfyClient,
    dispatcher: Arc<Dispatcher>,
    secrets: Arc<dyn SecretStore>,
    /// How long a stream may stay quiet before it counts as dead.
    quiet_limit: Duration,
}

/// Why the listener stopped following one stream.
enum Next {
    Stop,
    /// The settings changed: read them again and start over.
    Reload,
    /// The stream failed or ended: reconnect.
    Reconnect,
}

impl ReplyListener {
    /// A listener handing replies to `dispatcher`; the ntfy token comes from `secrets`.
    pub fn new(client: NtfyClient, dispatcher: Arc<Dispatcher>, secrets: Arc<dyn SecretStore>) -> Self {
        Self { client, dispatcher, secrets, quiet_limit: crate::stream::QUIET_LIMIT }
    }

    /// Treats a stream quiet for `limit` as dead (tests use a short one).
    pub fn with_quiet_limit(mut self, limit: Duration) -> Self {
        self.quiet_limit = limit;
        self
    }

    /// Runs until `stop` turns true.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut events = self.dispatcher.engine().subscribe();
        // Presses made while no pager ran are still on the server for a while: read back as far
        // as a capability lives. Already carried out ones are recognised by their message id.
        let mut since = Since::Time(chrono::Utc::now().timestamp() - CAPABILITY_LIFETIME.as_secs() as i64);
        let mut topic: Option<String> = None;
        let mut backoff = FIRST_BACKOFF;
        loop {
            if *stop.borrow() {
                return;
            }
            let settings = match self.dispatcher.call(GetPhone {}).await {
                Ok(view) => view.settings,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the phone settings");
                    None
                }
            };
            let Some(settings) = settings else {
                // Not set up: wait for Settings → Phone (or stop).
                if matches!(wait_for_change(&mut events, &mut stop).await, Next::Stop) {
                    return;
                }
                continue;
            };
            if topic.as_deref() != Some(settings.topic.as_str()) {
                topic = Some(settings.topic.clone());
            }
            let next = match self.follow(&settings, &mut since, &mut events, &mut stop).await {
                Ok(next) => {
                    backoff = FIRST_BACKOFF;
                    next
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the phone's reply stream failed; reconnecting");
                    Next::Reconnect
                }
            };
            match next {
                Next::Stop => return,
                Next::Reload => continue,
                Next::Reconnect => {
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = stop.changed() => return,
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    /// Follows one stream until it ends, the settings change, or `stop`.
    async fn follow(
        &self,
        settings: &PhoneSettings,
        since: &mut Since,
        events: &mut broadcast::Receiver<EngineEvent>,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<Next, NtfyError> {
        let token = self.token().await;
        let reply = settings.reply_topic();
        let mut stream = self.client.subscribe(&settings.server, token.as_ref(), &reply, since).await?;
        stream.set_quiet_limit(self.quiet_limit);
        tracing::info!(server = %settings.server, "following the phone's reply topic");
        loop {
            let event = tokio::select! {
                event = stream.next_event() => event?,
                _ = stop.changed() => return Ok(Next::Stop),
                changed = events.recv() => match changed {
                    // Other processes' changes say `Phone` too: follow on unless it really changed.
                    Ok(EngineEvent::Changed(what)) if what.contains(&Resource::Phone) => {
                        if self.changed(settings, token.as_ref()).await {
                            return Ok(Next::Reload);
                        }
                        continue;
                    }
                    Err(broadcast::error::RecvError::Closed) => return Ok(Next::Stop),
                    _ => continue,
                },
            };
            let Some(event) = event else { return Ok(Next::Reconnect) };
            if event.event != "message" {
                continue;
            }
            let body = event.message.clone().unwrap_or_default();
            let press = PhonePress { message_id: event.id.clone(), body };
            match self.dispatcher.call(press).await {
                Ok(outcome) => tracing::info!(message = %event.id, ?outcome, "phone reply"),
                // Refusals are logged by the engine; other failures (a full disk) are too.
                Err(e) => tracing::debug!(message = %event.id, error = %e, "phone reply not carried out"),
            }
            *since = Since::Message(event.id);
        }
    }
}

impl ReplyListener {
    /// The ntfy access token from the keyring (none if it cannot be read: try without).
    async fn token(&self) -> Option<klaxon_engine::core::Secret> {
        let secrets = self.secrets.clone();
        match tokio::task::spawn_blocking(move || klaxon_engine::phone::token(secrets.as_ref())).await {
            Ok(Ok(token)) => token,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "cannot read the ntfy token from the keyring; trying without");
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "reading the ntfy token failed");
                None
            }
        }
    }

    /// Whether the settings or the token differ from what the stream was opened with.
    async fn changed(&self, settings: &PhoneSettings, token: Option<&klaxon_engine::core::Secret>) -> bool {
        let now = match self.dispatcher.call(GetPhone {}).await {
            Ok(view) => view.settings,
            Err(_) => return true,
        };
        now.as_ref() != Some(settings) || self.token().await.as_ref() != token
    }
}

/// Waits for the phone settings to change (or `stop`).
async fn wait_for_change(events: &mut broadcast::Receiver<EngineEvent>, stop: &mut watch::Receiver<bool>) -> Next {
    loop {
        tokio::select! {
            _ = stop.changed() => return Next::Stop,
            event = events.recv() => match event {
                Ok(EngineEvent::Changed(what)) if what.contains(&Resource::Phone) => return Next::Reload,
                Err(broadcast::error::RecvError::Closed) => return Next::Stop,
                // Missed events may have included the change: look again.
                Err(broadcast::error::RecvError::Lagged(_)) => return Next::Reload,
                _ => {}
            },
        }
    }
}
