use super::signature::commands;
use crate::{IpcError, IpcErrorCode};
use tauri::{AppHandle, Manager, Runtime};

fn manager<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<tauri::State<'_, tauri_plugin_autostart::AutoLaunchManager>, IpcError> {
    app.try_state::<tauri_plugin_autostart::AutoLaunchManager>().ok_or_else(|| IpcError {
        code: IpcErrorCode::Internal,
        message: "start at login is not available here".into(),
    })
}

fn failed(e: impl std::fmt::Display) -> IpcError {
    IpcError { code: IpcErrorCode::Internal, message: format!("start at login: {e}") }
}

commands! {
    /// Whether Klaxon starts at login (hidden in the tray).
    pub async fn autostart_enabled<R: Runtime>[app: AppHandle<R>]() -> bool {
        manager(&app)?.is_enabled().map_err(failed)
    }

    /// Turns start at login on or off; returns the new setting.
    pub async fn set_autostart<R: Runtime>[app: AppHandle<R>](enabled: bool) -> bool {
        let m = manager(&app)?;
        if enabled { m.enable() } else { m.disable() }.map_err(failed)?;
        m.is_enabled().map_err(failed)
    }
}
