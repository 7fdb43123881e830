//! The control socket's messages: one JSON object per line each way. A window process sends
//! `{"id": N, "request": {...}}`; the pager answers `{"reply": {"id": N, "result": {"Ok": ...}}}`
//! (or `{"Err": {code, message}}`) and pushes `{"event": {...}}` lines as things happen.

use super::IpcError;
use crate::RingState;
use crate::{EngineEvent, UserAction};
use klaxon_core::{AccountKind, Incident, Secret};
use serde::{Deserialize, Serialize};

/// Longest line either side accepts (a dashboard page of incidents is well under this).
pub const MAX_LINE: usize = 16 * 1024 * 1024;

/// What a window (or any client) asks the pager for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum Request {
    ListIncidents {
        all: bool,
    },
    GetIncident {
        id: i64,
    },
    Act {
        id: i64,
        action: UserAction,
    },
    AcknowledgeAll,
    ListAccounts,
    AddAccount(NewAccountRequest),
    RemoveAccount {
        name: String,
    },
    TestAccount {
        name: String,
    },
    SyncAccount {
        name: String,
    },
    Outbox {
        all: bool,
    },
    RetryOutbox {
        id: i64,
    },
    DiscardOutbox {
        id: i64,
    },
    OnCall,
    RingState,
    Mute {
        minutes: u32,
    },
    TestPage,
    ShadowSettings,
    /// Follow these (`person:ID`, `rotation:ID`, `level:POLICY:N`) instead of the team file's list.
    SetShadow {
        follow: Vec<String>,
    },
    /// Back to the team file's `[shadow]` list.
    ResetShadow,
    /// The user has read the list's warnings (e.g. "the database was found empty").
    DismissWarnings,
    /// This connection is the app's window: the pager sends it `show_window` from now on. If
    /// another window is attached, that one is shown instead and the answer says so.
    AttachWindow,
    /// Show the app's window (attached, or started).
    ShowWindow,
    /// Stop the pager (`klaxon stop`; the tray's Quit).
    Quit,
}

/// A new platform account as the window sends it. The token crosses the socket (a private
/// Unix socket of the same user, like Tauri's IPC) but is never logged: see [`WireSecret`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccountRequest {
    pub kind: AccountKind,
    pub name: String,
    pub base_url: Option<String>,
    pub username: Option<String>,
    pub token: WireSecret,
    pub poll_secs: Option<u32>,
}

/// A secret on its way over the control socket: serializable on purpose (that is its only job),
/// redacted in `Debug`; turn it into a [`Secret`] at once on arrival.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WireSecret(String);

impl WireSecret {
    /// Exposes `secret` for the socket.
    pub fn from_secret(secret: &Secret) -> Self {
        Self(secret.expose().to_owned())
    }

    /// Back into the redacting, unserializable wrapper.
    pub fn into_secret(self) -> Secret {
        Secret::new(self.0)
    }
}

impl std::fmt::Debug for WireSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The answer to `attach_window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attached {
    /// False: another window was already attached (and has been shown); this one should close.
    pub first: bool,
}

/// What the pager pushes to its clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum WireEvent {
    IncidentsChanged,
    Paged {
        incident: Incident,
    },
    Ringing {
        ring: RingState,
    },
    DeliveryFailed {
        path: String,
        incident: i64,
        error: String,
    },
    /// Bring the window to the front (tray Open, a second launch, a test page).
    ShowWindow,
    /// The pager is quitting (tray Quit): close the window too.
    Quit,
}

impl From<EngineEvent> for WireEvent {
    fn from(e: EngineEvent) -> Self {
        match e {
            EngineEvent::IncidentsChanged => WireEvent::IncidentsChanged,
            EngineEvent::Paged(page) => WireEvent::Paged { incident: page.incident },
            EngineEvent::Ringing(ring) => WireEvent::Ringing { ring },
            EngineEvent::DeliveryFailed { path, incident, error } => {
                WireEvent::DeliveryFailed { path: path.to_owned(), incident: incident.0, error }
            }
        }
    }
}

/// Feeds the engine's events to `send` as [`WireEvent`]s until `send` refuses one or the engine
/// stops. A listener that fell behind gets `incidents_changed` (refetch) for what it missed.
pub async fn pump_events(
    mut events: tokio::sync::broadcast::Receiver<EngineEvent>,
    mut send: impl FnMut(WireEvent) -> bool,
) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        let event = match events.recv().await {
            Ok(e) => WireEvent::from(e),
            Err(RecvError::Lagged(_)) => WireEvent::IncidentsChanged,
            Err(RecvError::Closed) => break,
        };
        if !send(event) {
            break;
        }
    }
}

/// A client's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientFrame {
    pub id: u64,
    pub request: Request,
}

/// A pager's line.
#[allow(clippy::large_enum_variant)] // one per line, serialized at once; boxing buys nothing
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerFrame {
    Reply { id: u64, result: Result<serde_json::Value, IpcError> },
    Event(WireEvent),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_secrets_stay_out_of_debug() {
        let frame = ClientFrame {
            id: 7,
            request: Request::AddAccount(NewAccountRequest {
                kind: AccountKind::PagerDuty,
                name: "pd".into(),
                base_url: None,
                username: None,
                token: WireSecret::from_secret(&Secret::new("s3cret")),
                poll_secs: None,
            }),
        };
        let line = serde_json::to_string(&frame).unwrap();
        assert_eq!(serde_json::from_str::<ClientFrame>(&line).unwrap(), frame);
        assert!(!format!("{frame:?}").contains("s3cret"), "{frame:?}");
        let act = serde_json::to_value(Request::Act { id: 3, action: UserAction::Snooze(15) }).unwrap();
        assert_eq!(act, serde_json::json!({"call": "act", "id": 3, "action": {"action": "snooze", "value": 15}}));
    }
}
