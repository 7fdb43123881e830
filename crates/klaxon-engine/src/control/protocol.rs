//! The control socket's frames: one JSON object per line each way. A window process sends
//! `{"id": N, "request": {"call": ...}}` (a [`Request`]); the pager answers `{"reply": {"id": N, "result": {"Ok": ...}}}`
//! (or `{"Err": {code, message}}`) and pushes `{"event": {...}}` lines as things happen.

use super::{IpcError, Request};
use crate::{EngineEvent, Resource, RingState};
use klaxon_core::{Incident, Secret};
use serde::{Deserialize, Serialize};

/// Longest line either side accepts (a dashboard page of incidents is well under this).
pub const MAX_LINE: usize = 16 * 1024 * 1024;

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

/// What the pager pushes to its clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum WireEvent {
    /// Something changed: listeners reload these resources.
    Changed {
        what: Vec<Resource>,
    },
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
            EngineEvent::Changed(what) => WireEvent::Changed { what: what.to_vec() },
            EngineEvent::Paged(page) => WireEvent::Paged { incident: page.incident },
            EngineEvent::Ringing(ring) => WireEvent::Ringing { ring },
            EngineEvent::DeliveryFailed { path, incident, error } => {
                WireEvent::DeliveryFailed { path: path.to_owned(), incident: incident.0, error }
            }
        }
    }
}

/// Feeds the engine's events to `send` as [`WireEvent`]s until `send` refuses one or the engine
/// stops. A listener that fell behind is told that everything changed (it reloads all).
pub async fn pump_events(
    mut events: tokio::sync::broadcast::Receiver<EngineEvent>,
    mut send: impl FnMut(WireEvent) -> bool,
) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        let event = match events.recv().await {
            Ok(e) => WireEvent::from(e),
            Err(RecvError::Lagged(_)) => WireEvent::Changed { what: Resource::ALL.to_vec() },
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
    fn frames_round_trip() {
        let frame = ClientFrame { id: 7, request: Request::from(super::super::ListOutbox { all: true }) };
        let line = serde_json::to_string(&frame).unwrap();
        assert_eq!(line, r#"{"id":7,"request":{"call":"list_outbox","all":true}}"#);
        assert_eq!(serde_json::from_str::<ClientFrame>(&line).unwrap(), frame);
        let changed = ServerFrame::Event(WireEvent::from(EngineEvent::Changed(&[Resource::Outbox])));
        let line = serde_json::to_string(&changed).unwrap();
        assert_eq!(line, r#"{"event":{"event":"changed","what":["outbox"]}}"#);
    }
}
