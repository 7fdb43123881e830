//! The tray: an icon for off call / on call / paging (with the count), and a menu whose actions go
//! through the same engine calls as the commands.

use crate::AppState;
use klaxon_engine::RingState;
use std::time::Duration;
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

const TRAY_ID: &str = "klaxon";
/// How long "Mute ringing" silences the ringtone.
pub const MUTE_FOR: Duration = Duration::from_secs(5 * 60);

/// What a tray menu item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    Open,
    AcknowledgeAll,
    Escalate,
    Mute,
    Quit,
}

impl TrayAction {
    const ALL: [(TrayAction, &'static str, &'static str); 5] = [
        (TrayAction::AcknowledgeAll, "ack-all", "Acknowledge all"),
        (TrayAction::Escalate, "escalate", "Escalate the ringing page"),
        (TrayAction::Mute, "mute", "Mute ringing 5 min"),
        (TrayAction::Open, "open", "Open Klaxon"),
        (TrayAction::Quit, "quit", "Quit"),
    ];

    fn from_id(id: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, i, _)| *i == id).map(|(a, _, _)| *a)
    }
}

/// The tray's look for a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayLook {
    pub icon: TrayIcon,
    pub tooltip: String,
    /// Shown beside the icon where the platform can (the unanswered count).
    pub title: Option<String>,
}

/// The three tray icons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayIcon {
    OffCall,
    OnCall,
    Paging,
}

impl TrayIcon {
    fn image(self) -> tauri::Result<Image<'static>> {
        let bytes: &'static [u8] = match self {
            TrayIcon::OffCall => include_bytes!("../../icons/tray-off-call.png"),
            TrayIcon::OnCall => include_bytes!("../../icons/tray-on-call.png"),
            TrayIcon::Paging => include_bytes!("../../icons/tray-paging.png"),
        };
        Image::from_bytes(bytes)
    }
}

/// How the tray looks for a ring state and on-call status.
pub fn look(ring: &RingState, on_call: bool) -> TrayLook {
    match &ring.current {
        Some(incident) => {
            let muted = if ring.muted { " (muted)" } else { "" };
            TrayLook {
                icon: TrayIcon::Paging,
                tooltip: format!("Klaxon: paging{muted} — {} ({} unanswered)", incident.title, ring.unanswered),
                title: Some(ring.unanswered.to_string()),
            }
        }
        None if on_call => TrayLook { icon: TrayIcon::OnCall, tooltip: "Klaxon: you are on call".into(), title: None },
        None => TrayLook { icon: TrayIcon::OffCall, tooltip: "Klaxon: you are off call".into(), title: None },
    }
}

/// Builds the tray icon and its menu.
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let items = TrayAction::ALL
        .iter()
        .map(|(_, id, label)| MenuItem::with_id(app, *id, *label, true, None::<&str>))
        .collect::<tauri::Result<Vec<_>>>()?;
    let refs: Vec<&dyn tauri::menu::IsMenuItem<R>> =
        items.iter().map(|i| i as &dyn tauri::menu::IsMenuItem<R>).collect();
    let menu = Menu::with_items(app, &refs)?;
    let on_call = app.try_state::<AppState>().is_some_and(|s| s.engine.klaxon().on_call().me_on_call);
    let initial = look(&RingState::default(), on_call);
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(initial.icon.image()?)
        .tooltip(&initial.tooltip)
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| {
            if let Some(action) = TrayAction::from_id(event.id().as_ref()) {
                perform(app, action);
            }
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click { button: MouseButton::Left, button_state: MouseButtonState::Up, .. } = event {
                perform(tray.app_handle(), TrayAction::Open);
            }
        })
        .build(app)?;
    Ok(())
}

/// Carries out a tray action.
pub fn perform<R: Runtime>(app: &AppHandle<R>, action: TrayAction) {
    let app = app.clone();
    match action {
        TrayAction::Open => show_main(&app),
        TrayAction::Quit => app.exit(0),
        TrayAction::AcknowledgeAll | TrayAction::Escalate | TrayAction::Mute => {
            tauri::async_runtime::spawn(async move {
                let state = app.state::<AppState>();
                let engine = &state.engine;
                let result = match action {
                    TrayAction::AcknowledgeAll => engine.acknowledge_all_mine().await.map(|_| ()),
                    TrayAction::Escalate => match engine.ring_state().current {
                        Some(incident) => engine.escalate(incident.id).await.map(|_| ()),
                        None => Ok(()),
                    },
                    _ => {
                        engine.mute_ringing(MUTE_FOR).await;
                        Ok(())
                    }
                };
                if let Err(e) = result {
                    tracing::error!(error = %e, ?action, "tray action failed");
                }
            });
        }
    }
}

/// Shows and focuses the main window, creating it if needed.
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    crate::window::show_main(app);
}

/// Updates the tray for a new ring state.
pub fn ringing<R: Runtime>(app: &AppHandle<R>, ring: &RingState) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else { return };
    let on_call = app.try_state::<AppState>().is_some_and(|s| s.engine.klaxon().on_call().me_on_call);
    let look = look(ring, on_call);
    if let Ok(image) = look.icon.image() {
        let _ = tray.set_icon(Some(image));
    }
    let _ = tray.set_tooltip(Some(look.tooltip));
    let _ = tray.set_title(look.title);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_follow_paging_and_on_call() {
        assert_eq!(look(&RingState::default(), false).icon, TrayIcon::OffCall);
        assert_eq!(look(&RingState::default(), true).icon, TrayIcon::OnCall);
        let incident = klaxon_engine::test_incident("alex");
        let ring = RingState { current: Some(incident), unanswered: 3, muted: true, next_up: vec![] };
        let l = look(&ring, false);
        assert_eq!(l.icon, TrayIcon::Paging);
        assert_eq!(l.title.as_deref(), Some("3"));
        assert_eq!(l.tooltip, "Klaxon: paging (muted) — Klaxon test page (3 unanswered)");
        for icon in [TrayIcon::OffCall, TrayIcon::OnCall, TrayIcon::Paging] {
            assert!(icon.image().is_ok(), "{icon:?} decodes");
        }
    }

    #[test]
    fn menu_ids_map_to_actions() {
        for (action, id, _) in TrayAction::ALL {
            assert_eq!(TrayAction::from_id(id), Some(action));
        }
        assert_eq!(TrayAction::from_id("nope"), None);
    }
}
