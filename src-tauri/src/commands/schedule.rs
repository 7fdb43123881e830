//! Schedules: who is on call.

use super::signature::commands;
use crate::AppState;
use klaxon_engine::control::GetOnCall;
use klaxon_engine::core::OnCallStatus;
use tauri::State;

commands! {
    /// Who is on call now (team file and every platform account), and whether that is me.
    pub async fn on_call_status[state: State<'_, AppState>]() -> OnCallStatus {
        state.call(GetOnCall {}).await
    }
}
