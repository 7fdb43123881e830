use crate::{AppState, IpcError};
use klaxon_engine::control::GetOnCall;
use klaxon_engine::core::OnCallStatus;
use tauri::State;

/// Who is on call now (team file and every platform account), and whether that is me.
#[tauri::command]
pub async fn on_call_status(state: State<'_, AppState>) -> Result<OnCallStatus, IpcError> {
    state.call(GetOnCall {}).await
}
