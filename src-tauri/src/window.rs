//! The main window exists only while it is shown: closing it destroys the webview (and WebKit's
//! processes with it), so Klaxon idles in the tray with little memory; showing it (tray, second
//! launch, a page) creates it again from the config in tauri.conf.json (`"create": false`,
//! `"visible": false` until it has its remembered size and place).
//!
//! Its size, position and maximized state are remembered across runs by the window-state plugin
//! (`.window-state.json` in the app's config dir, `$XDG_CONFIG_HOME/dev.klaxon.app` on Linux).
//! The plugin writes that file when the app exits; the window also writes it when it is closed,
//! because with the engine in the app closing the window does not end the app.

use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WebviewWindowBuilder};
#[cfg(desktop)]
use tauri_plugin_window_state::{AppHandleExt, StateFlags, WindowExt};

/// The main window's label.
pub const MAIN: &str = "main";

#[cfg(desktop)]
/// What is remembered: not visibility (the app decides when the window shows) nor decorations.
const REMEMBERED: StateFlags = StateFlags::SIZE.union(StateFlags::POSITION).union(StateFlags::MAXIMIZED);

#[cfg(desktop)]
/// Marks an app that remembers its window (the window-state plugin is registered).
struct Remembers;

#[cfg(desktop)]
/// Registers the window-state plugin on `builder`: the main window is restored in
/// [`ensure_main`] before it shows, and saved when it closes and when the app exits.
pub fn remember_state<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    let plugin =
        tauri_plugin_window_state::Builder::new().with_state_flags(REMEMBERED).skip_initial_state(MAIN).build();
    builder.plugin(plugin).manage(Remembers).on_window_event(|window, event| {
        if window.label() == MAIN
            && matches!(event, tauri::WindowEvent::CloseRequested { .. })
            && let Err(e) = window.app_handle().save_window_state(REMEMBERED)
        {
            tracing::warn!(error = %e, "cannot save the window's size and position");
        }
    })
}

/// The main window, created if it is not there.
pub fn ensure_main<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<WebviewWindow<R>> {
    if let Some(w) = app.get_webview_window(MAIN) {
        return Ok(w);
    }
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let window = WebviewWindowBuilder::from_config(app, &config)?.build()?;
    #[cfg(desktop)]
    if app.try_state::<Remembers>().is_some()
        && let Err(e) = restore(app, &window)
    {
        tracing::warn!(error = %e, "cannot restore the window's size and position");
    }
    Ok(window)
}

#[cfg(desktop)]
/// Gives the new (still hidden) window its remembered size and place, on the main thread: the
/// plugin's hooks run there and take the lock `restore_state` holds while it asks the window.
/// (On the main thread `run_on_main_thread` runs the closure at once.)
fn restore<R: Runtime>(app: &AppHandle<R>, window: &WebviewWindow<R>) -> tauri::Result<()> {
    let (tx, rx) = std::sync::mpsc::channel();
    let window = window.clone();
    app.run_on_main_thread(move || {
        let _ = tx.send(window.restore_state(REMEMBERED));
    })?;
    rx.recv().map_err(|_| tauri::Error::FailedToReceiveMessage)?
}

/// Shows and focuses the main window, creating it if needed.
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    match ensure_main(app) {
        Ok(w) => {
            let _ = w.unminimize();
            let _ = w.show();
            let _ = w.set_focus();
        }
        Err(e) => tracing::error!(error = %e, "cannot open the window"),
    }
}
