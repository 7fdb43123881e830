//! Thin commands, one file per domain.

mod app;
mod incidents;
mod paging;
mod schedule;
#[cfg(desktop)]
mod settings;

#[cfg(test)]
pub use paging::TestPagePath;

/// Every command the webview may call.
pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        incidents::list_incidents,
        incidents::get_incident,
        incidents::acknowledge_incident,
        incidents::escalate_incident,
        incidents::resolve_incident,
        schedule::on_call_status,
        paging::ring_state,
        paging::mute_ringing,
        paging::test_page,
        #[cfg(desktop)]
        settings::autostart_enabled,
        #[cfg(desktop)]
        settings::set_autostart,
        app::ui_ready,
    ]
}
