//! `klaxon watch --tray`: the tray icon (StatusNotifierItem over D-Bus, no GTK) and what its menu
//! does (`klaxon_tray::perform`, through the engine's dispatcher like the app's commands).

use klaxon_engine::{Engine, RingState};
use klaxon_tray::{ReadinessLook, TrayAction, TrayLook, look};
use tokio::sync::mpsc::UnboundedSender;

/// The tray, if the session has a D-Bus to show it on.
pub struct Tray {
    sni: Option<klaxon_tray::SniTray>,
}

impl Tray {
    /// Shows the tray icon; without a session bus Klaxon still pages (and says so).
    pub async fn start(engine: &Engine, actions: UnboundedSender<TrayAction>) -> Self {
        let initial = tray_look(engine, &engine.ring_state()).await;
        match klaxon_tray::sni::spawn(actions, initial).await {
            Ok(sni) => Self { sni: Some(sni) },
            Err(e) => {
                eprintln!("klaxon: no tray icon ({e}); pages still notify and ring");
                Self { sni: None }
            }
        }
    }

    /// Follows what rings and whether I am on call.
    pub async fn update(&self, engine: &Engine, ring: &RingState) {
        if let Some(sni) = &self.sni
            && let Err(e) = sni.set_look(tray_look(engine, ring).await).await
        {
            tracing::warn!(error = %e, "cannot update the tray icon");
        }
    }

    /// Removes the icon.
    pub async fn stop(self) {
        if let Some(sni) = self.sni {
            sni.shutdown().await;
        }
    }
}

async fn tray_look(engine: &Engine, ring: &RingState) -> TrayLook {
    let on_call = match engine.klaxon().on_call_everywhere().await {
        Ok(status) => status.me_on_call,
        Err(e) => {
            tracing::warn!(error = %e, "on-call status for the tray");
            false
        }
    };
    let readiness = match engine.readiness().await {
        Ok(r) => ReadinessLook::of(&r),
        Err(e) => {
            tracing::warn!(error = %e, "readiness for the tray");
            None
        }
    };
    look(ring, on_call, readiness)
}
