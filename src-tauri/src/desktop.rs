//! Desktop wiring where the engine runs in the app's process (macOS, Windows): one app per data dir (a second launch focuses the first), and optional
//! start at login (hidden in the tray).

use klaxon_engine::{EngineError, Paths};
use std::hash::{Hash, Hasher};
use std::process::ExitCode;
use tauri::{Context, Runtime};

/// The argument autostart launches Klaxon with: start hidden in the tray.
pub const HIDDEN_ARG: &str = "--hidden";

/// The single-instance D-Bus id: one per data dir, like the engine's lock.
fn instance_id(paths: &Paths) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    paths.data_dir.hash(&mut h);
    format!("dev.klaxon.app.d{:016x}", h.finish())
}

/// A second launch on the same data dir focuses this app's window instead of starting a pager.
pub fn single_instance<R: Runtime>(paths: &Paths) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_id(paths))
        .callback(|app, _argv, _cwd| crate::window::show_main(app))
        .build()
}

/// Start at login, hidden in the tray (off until the user turns it on).
pub fn autostart<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_autostart::Builder::new().arg(HIDDEN_ARG).build()
}

/// The data dir is taken. If the Klaxon app holds it, hand over to it (the single-instance
/// plugin focuses its window and exits this process with 0); otherwise (`klaxon watch`) say so.
pub fn hand_over(paths: &Paths, context: Context<tauri::Wry>, locked: EngineError) -> ExitCode {
    let built = tauri::Builder::default().plugin(single_instance(paths)).build(context);
    // Still here: no Klaxon app owns this data dir's instance name.
    drop(built);
    eprintln!("klaxon: {locked}");
    ExitCode::from(1)
}
