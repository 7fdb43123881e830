//! The main window exists only while it is shown: closing it destroys the webview (and WebKit's
//! processes with it), so Klaxon idles in the tray with little memory; showing it (tray, second
//! launch, a page) creates it again from the config in tauri.conf.json (`"create": false`).

use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WebviewWindowBuilder};

/// The main window's label.
pub const MAIN: &str = "main";

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
    WebviewWindowBuilder::from_config(app, &config)?.build()
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
