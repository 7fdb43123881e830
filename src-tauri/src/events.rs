//! Engine events → Tauri events for the webview (and the tray).

use klaxon_engine::EngineEvent;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::broadcast;

/// Emitted when incidents changed; the UI refetches.
pub const INCIDENTS_CHANGED: &str = "klaxon://incidents-changed";
/// Emitted with the incident when I am paged.
pub const PAGE: &str = "klaxon://page";
/// Emitted when a delivery path failed.
pub const DELIVERY_FAILED: &str = "klaxon://delivery-failed";

/// Emitted with the new [`klaxon_engine::RingState`] when what rings changes.
pub const RINGING: &str = "klaxon://ringing";

#[derive(Clone, Serialize)]
struct DeliveryFailed {
    path: &'static str,
    incident: i64,
    error: String,
}

/// Forwards engine events until the engine stops.
pub fn forward<R: Runtime>(app: AppHandle<R>, mut events: broadcast::Receiver<EngineEvent>) {
    tauri::async_runtime::spawn(async move {
        loop {
            let result = match events.recv().await {
                Ok(EngineEvent::IncidentsChanged) => app.emit(INCIDENTS_CHANGED, ()),
                Ok(EngineEvent::Paged(page)) => app.emit(PAGE, &page.incident),
                Ok(EngineEvent::Ringing(ring)) => {
                    #[cfg(desktop)]
                    crate::tray::ringing(&app, &ring);
                    app.emit(RINGING, &ring)
                }
                Ok(EngineEvent::DeliveryFailed { path, incident, error }) => {
                    app.emit(DELIVERY_FAILED, DeliveryFailed { path, incident: incident.0, error })
                }
                Err(broadcast::error::RecvError::Lagged(_)) => app.emit(INCIDENTS_CHANGED, ()),
                Err(broadcast::error::RecvError::Closed) => break,
            };
            if let Err(e) = result {
                tracing::warn!(error = %e, "could not emit an event to the webview");
            }
        }
    });
}
