use crate::{AppState, IpcError};
use klaxon_engine::RingState;
use serde::Serialize;
use std::time::Duration;
use tauri::State;

/// What rings now (the page screen shows it).
#[tauri::command]
pub fn ring_state(state: State<'_, AppState>) -> Result<RingState, IpcError> {
    Ok(state.engine.ring_state())
}

/// Silences the ringtone for `minutes` (1–60); pages stay unanswered and re-alerts still happen.
#[tauri::command]
pub async fn mute_ringing(state: State<'_, AppState>, minutes: u32) -> Result<RingState, IpcError> {
    if !(1..=60).contains(&minutes) {
        return Err(IpcError {
            code: crate::IpcErrorCode::InvalidInput,
            message: format!("minutes: {minutes} is not between 1 and 60"),
        });
    }
    state.engine.mute_ringing(Duration::from_secs(u64::from(minutes) * 60)).await;
    Ok(state.engine.ring_state())
}

/// One delivery path's result for a test page.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct TestPagePath {
    pub path: String,
    pub ok: bool,
    pub error: Option<String>,
}

/// Sends a test page through every delivery path and reports which fired.
#[tauri::command]
pub async fn test_page(state: State<'_, AppState>) -> Result<Vec<TestPagePath>, IpcError> {
    let report = state.engine.test_page().await;
    Ok(report
        .into_iter()
        .map(|(path, r)| TestPagePath { path: path.to_owned(), ok: r.is_ok(), error: r.err() })
        .collect())
}
