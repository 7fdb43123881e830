//! The Tauri tray, where the engine runs in this process (macOS, Windows): the icon for off call /
//! on call / paging (with the count) and a menu whose actions go through the engine's dispatcher,
//! like the commands. The look and the menu come from `klaxon-tray`, which also draws the Linux tray
//! in the pager process.

use crate::AppState;
use klaxon_engine::RingState;
use klaxon_engine::control::{GetOnCall, GetReadiness};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

pub use klaxon_tray::{ReadinessLook, TrayAction, TrayIcon, TrayLook, look};

const TRAY_ID: &str = "klaxon";

fn image(icon: TrayIcon) -> tauri::Result<Image<'static>> {
    Image::from_bytes(icon.png())
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
    let initial = look(&RingState::default(), false, None);
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(image(initial.icon)?)
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
    ringing(app, &RingState::default());
    Ok(())
}

/// Carries out a tray action through the in-process dispatcher (Open and Quit come back as the
/// shell's `show_window` and `quit` events).
pub fn perform<R: Runtime>(app: &AppHandle<R>, action: TrayAction) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let Some(dispatcher) = app.try_state::<AppState>().and_then(|s| s.backend.dispatcher().cloned()) else {
            return;
        };
        if let Err(e) = klaxon_tray::perform(&dispatcher, action).await {
            tracing::error!(error = %e, ?action, "tray action failed");
        }
    });
}

/// Updates the tray for a new ring state (and whether I am on call).
pub fn ringing<R: Runtime>(app: &AppHandle<R>, ring: &RingState) {
    let (app, ring) = (app.clone(), ring.clone());
    tauri::async_runtime::spawn(async move {
        let Some(tray) = app.tray_by_id(TRAY_ID) else { return };
        let (on_call, readiness) = match app.try_state::<AppState>() {
            Some(state) => (
                state.call(GetOnCall {}).await.is_ok_and(|s| s.me_on_call),
                state.call(GetReadiness {}).await.ok().and_then(|r| ReadinessLook::of(&r)),
            ),
            None => (false, None),
        };
        let look = look(&ring, on_call, readiness);
        if let Ok(image) = image(look.icon) {
            let _ = tray.set_icon(Some(image));
        }
        let _ = tray.set_tooltip(Some(look.tooltip));
        let _ = tray.set_title(look.title);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tray_icon_decodes_for_tauri() {
        for icon in [TrayIcon::OffCall, TrayIcon::OnCall, TrayIcon::Paging] {
            assert!(image(icon).is_ok(), "{icon:?} decodes");
        }
    }
}
