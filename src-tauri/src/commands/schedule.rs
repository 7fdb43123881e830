use crate::{AppState, IpcError};
use klaxon_engine::core::OnCallStatus;
use tauri::State;

/// Who is on call now, and whether that is me.
#[tauri::command]
pub fn on_call_status(state: State<'_, AppState>) -> Result<OnCallStatus, IpcError> {
    Ok(state.engine.klaxon().on_call())
}
