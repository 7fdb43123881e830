use crate::{AppState, IpcError};
use klaxon_engine::RingState;
use klaxon_engine::control::{GetRingState, Mute, TestPage, TestPagePath};
use tauri::State;

/// What rings now (the page screen shows it).
#[tauri::command]
pub async fn ring_state(state: State<'_, AppState>) -> Result<RingState, IpcError> {
    state.call(GetRingState {}).await
}

/// Silences the ringtone for `minutes` (1–60); pages stay unanswered and re-alerts still happen.
#[tauri::command]
pub async fn mute_ringing(state: State<'_, AppState>, minutes: u32) -> Result<RingState, IpcError> {
    state.call(Mute { minutes }).await
}

/// Sends a test page through every delivery path and reports which fired.
#[tauri::command]
pub async fn test_page(state: State<'_, AppState>) -> Result<Vec<TestPagePath>, IpcError> {
    state.call(TestPage {}).await
}
