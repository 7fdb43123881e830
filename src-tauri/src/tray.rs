//! The tray icon: Open, Acknowledge all, Quit. Menu actions go through the same engine calls as
//! the commands.

use crate::AppState;
use klaxon_engine::core::Incident;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

const TRAY_ID: &str = "klaxon";

/// What a tray menu item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    Open,
    AcknowledgeAll,
    Quit,
}

impl TrayAction {
    fn from_id(id: &str) -> Option<Self> {
        match id {
            "open" => Some(Self::Open),
            "ack-all" => Some(Self::AcknowledgeAll),
            "quit" => Some(Self::Quit),
            _ => None,
        }
    }
}

/// Builds the tray icon and its menu.
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let menu = Menu::with_items(
        app,
        &[
            &MenuItem::with_id(app, "open", "Open Klaxon", true, None::<&str>)?,
            &MenuItem::with_id(app, "ack-all", "Acknowledge all", true, None::<&str>)?,
            &MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?,
        ],
    )?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Klaxon")
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
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// Carries out a tray action.
pub fn perform<R: Runtime>(app: &AppHandle<R>, action: TrayAction) {
    match action {
        TrayAction::Open => show_main(app),
        TrayAction::AcknowledgeAll => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let state = app.state::<AppState>();
                match state.engine.acknowledge_all_mine().await {
                    Ok(n) => tracing::info!(count = n, "acknowledged from the tray"),
                    Err(e) => tracing::error!(error = %e, "acknowledge all failed"),
                }
            });
        }
        TrayAction::Quit => app.exit(0),
    }
}

/// Shows and focuses the main window.
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// Reflects a page in the tray tooltip.
pub fn paged<R: Runtime>(app: &AppHandle<R>, incident: &Incident) {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let _ = tray.set_tooltip(Some(format!("Klaxon: paging — {}", incident.title)));
    }
}
