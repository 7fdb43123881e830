//! Incidents: the dashboard list, one incident, and the one-tap actions.

use crate::{AppState, IpcError};
use klaxon_engine::UserAction;
use klaxon_engine::control::{Act, ActionOutcome, DismissWarnings, GetIncident, ListIncidents};
use klaxon_engine::core::{Incident, IncidentDetail, IncidentPage};
use tauri::State;

async fn act(state: &AppState, id: i64, action: UserAction) -> Result<ActionOutcome, IpcError> {
    state.call(Act { id, action }).await
}

/// Open incidents (with `all`, also recently resolved), newest first, at most a dashboard's worth.
#[tauri::command]
pub async fn list_incidents(state: State<'_, AppState>, all: bool) -> Result<IncidentPage, IpcError> {
    state.call(ListIncidents { all }).await
}

/// Forgets the list's warnings (the user has read them).
#[tauri::command]
pub async fn dismiss_warnings(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.call(DismissWarnings {}).await
}

/// One incident with its alerts and timeline.
#[tauri::command]
pub async fn get_incident(state: State<'_, AppState>, id: i64) -> Result<IncidentDetail, IpcError> {
    state.call(GetIncident { id }).await
}

/// Acknowledges as me (and stops its ringing).
#[tauri::command]
pub async fn acknowledge_incident(state: State<'_, AppState>, id: i64) -> Result<Incident, IpcError> {
    Ok(act(&state, id, UserAction::Acknowledge).await?.incident)
}

/// Escalates to the next level.
#[tauri::command]
pub async fn escalate_incident(state: State<'_, AppState>, id: i64) -> Result<Incident, IpcError> {
    Ok(act(&state, id, UserAction::Escalate).await?.incident)
}

/// Resolves as me.
#[tauri::command]
pub async fn resolve_incident(state: State<'_, AppState>, id: i64) -> Result<Incident, IpcError> {
    Ok(act(&state, id, UserAction::Resolve).await?.incident)
}

/// Adds a note (platform incidents: queued for the platform).
#[tauri::command]
pub async fn note_incident(state: State<'_, AppState>, id: i64, text: String) -> Result<ActionOutcome, IpcError> {
    act(&state, id, UserAction::Note(text)).await
}

/// Silences an incident for `minutes`.
#[tauri::command]
pub async fn snooze_incident(state: State<'_, AppState>, id: i64, minutes: u32) -> Result<ActionOutcome, IpcError> {
    act(&state, id, UserAction::Snooze(minutes)).await
}

/// Gives an incident to these platform users.
#[tauri::command]
pub async fn reassign_incident(
    state: State<'_, AppState>,
    id: i64,
    to: Vec<String>,
) -> Result<ActionOutcome, IpcError> {
    act(&state, id, UserAction::Reassign(to)).await
}
