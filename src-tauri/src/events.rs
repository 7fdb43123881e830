//! The engine's events (from this process or the pager's control socket) → Tauri events for the
//! webview, and what the window itself does about them (page screen, tray, show, quit).

use klaxon_engine::control::WireEvent;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::mpsc::UnboundedReceiver;

/// Emitted with the resources that changed (`Resource[]`); their stores reload.
pub const CHANGED: &str = "klaxon://changed";
/// Emitted with the incident when I am paged.
pub const PAGE: &str = "klaxon://page";
/// Emitted when a delivery path failed.
pub const DELIVERY_FAILED: &str = "klaxon://delivery-failed";
/// The ring state changed (payload: `RingState`).
pub const RINGING: &str = "klaxon://ringing";

/// The payload of [`DELIVERY_FAILED`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DeliveryFailure {
    /// The delivery path's name, e.g. `ringtone`, `desktop-notification`, `page-screen`.
    pub path: String,
    pub incident: klaxon_engine::core::IncidentId,
    pub error: String,
}

/// One event as the webview listens to it.
#[cfg(test)]
#[derive(Debug, Clone)]
pub struct EventSignature {
    /// The event's name, `klaxon://changed`.
    pub event: &'static str,
    /// The listener's name without `on`, `Changed`.
    pub name: &'static str,
    pub doc: &'static str,
    /// The TypeScript type of the payload.
    pub payload: String,
}

/// Every event the webview can listen to, for the generated TypeScript listeners.
#[cfg(test)]
pub fn signatures(cfg: &ts_rs::Config) -> Vec<EventSignature> {
    use ts_rs::TS;
    let event = |event, name, doc, payload| EventSignature { event, name, doc, payload };
    vec![
        event(
            CHANGED,
            "Changed",
            "Which kinds of server state changed (each store reloads only when named).",
            <Vec<klaxon_engine::Resource>>::name(cfg),
        ),
        event(PAGE, "Page", "I am paged: the incident.", klaxon_engine::core::Incident::name(cfg)),
        event(RINGING, "Ringing", "What rings changed.", klaxon_engine::RingState::name(cfg)),
        event(
            DELIVERY_FAILED,
            "DeliveryFailed",
            "A delivery path failed (the others still ran).",
            DeliveryFailure::name(cfg),
        ),
    ]
}

/// How the window follows ringing: in-process, the page-screen delivery path raises it; as the
/// pager's client, the window raises itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Follow {
    /// Raise the window while a page rings (client of the pager).
    pub page_screen: bool,
    /// Update this process's tray icon (in-process engine with a Tauri tray).
    pub tray: bool,
}

pub fn forward<R: Runtime>(app: AppHandle<R>, mut events: UnboundedReceiver<WireEvent>, follow: Follow) {
    tauri::async_runtime::spawn(async move {
        while let Some(event) = events.recv().await {
            let result = match event {
                WireEvent::Changed { what } => app.emit(CHANGED, &what),
                WireEvent::Paged { incident } => app.emit(PAGE, &incident),
                WireEvent::Ringing { ring } => {
                    #[cfg(desktop)]
                    if follow.tray {
                        crate::tray::ringing(&app, &ring);
                    }
                    if follow.page_screen
                        && let Err(e) = crate::page_screen::follow(&app, &ring)
                    {
                        tracing::error!(error = %e, "cannot raise the page screen");
                    }
                    app.emit(RINGING, &ring)
                }
                WireEvent::DeliveryFailed { path, incident, error } => app.emit(
                    DELIVERY_FAILED,
                    DeliveryFailure { path, incident: klaxon_engine::core::IncidentId(incident), error },
                ),
                WireEvent::ShowWindow => {
                    crate::window::show_main(&app);
                    Ok(())
                }
                WireEvent::Quit => {
                    app.exit(0);
                    return;
                }
            };
            if let Err(e) = result {
                tracing::warn!(error = %e, "could not emit an event to the webview");
            }
        }
        // The pager went away without quitting (it crashed or was killed): nothing would page
        // any more, so start Klaxon again (a new pager, and a window attached to it).
        #[cfg(target_os = "linux")]
        if follow.page_screen {
            tracing::error!("Klaxon's pager stopped; starting it again");
            if let Err(e) = crate::pager::relaunch_app() {
                tracing::error!(error = %e, "cannot start Klaxon again");
            }
            app.exit(1);
        }
    });
}
