use crate::{AppState, IpcError};
use klaxon_engine::core::{Incident, IncidentDetail, IncidentId, IncidentPage, OutboxEntry};
use klaxon_engine::{DASHBOARD_LIMIT, UserAction};
use serde::Serialize;
use tauri::State;

/// An incident after an action, and the outbox entry carrying it to the platform (none for
/// local incidents, which change at once).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ActionOutcome {
    pub incident: Incident,
    pub queued: Option<OutboxEntry>,
}

async fn act(state: &AppState, id: i64, action: UserAction) -> Result<ActionOutcome, IpcError> {
    let (incident, queued) = state.engine.act(IncidentId(id), action).await?;
    Ok(ActionOutcome { incident, queued })
}

/// Open incidents (all recent ones with `all`), in dashboard order: the first
/// [`DASHBOARD_LIMIT`] and the total.
#[tauri::command]
pub async fn list_incidents(state: State<'_, AppState>, all: bool) -> Result<IncidentPage, IpcError> {
    Ok(state.engine.klaxon().incident_page(all, DASHBOARD_LIMIT).await?)
}

/// One incident with its timeline.
#[tauri::command]
pub async fn get_incident(state: State<'_, AppState>, id: i64) -> Result<IncidentDetail, IpcError> {
    Ok(state.engine.klaxon().incident(IncidentId(id)).await?)
}

/// Acknowledges as me.
#[tauri::command]
pub async fn acknowledge_incident(state: State<'_, AppState>, id: i64) -> Result<Incident, IpcError> {
    Ok(state.engine.acknowledge(IncidentId(id)).await?)
}

/// Escalates to the next level.
#[tauri::command]
pub async fn escalate_incident(state: State<'_, AppState>, id: i64) -> Result<Incident, IpcError> {
    Ok(state.engine.escalate(IncidentId(id)).await?)
}

/// Resolves as me.
#[tauri::command]
pub async fn resolve_incident(state: State<'_, AppState>, id: i64) -> Result<Incident, IpcError> {
    Ok(state.engine.resolve(IncidentId(id)).await?)
}

/// Adds a note to the incident's timeline (and its platform's).
#[tauri::command]
pub async fn note_incident(state: State<'_, AppState>, id: i64, text: String) -> Result<ActionOutcome, IpcError> {
    act(&state, id, UserAction::Note(text)).await
}

/// Silences an acknowledged incident's notifications for `minutes`.
#[tauri::command]
pub async fn snooze_incident(state: State<'_, AppState>, id: i64, minutes: u32) -> Result<ActionOutcome, IpcError> {
    act(&state, id, UserAction::Snooze(minutes)).await
}

/// Gives the incident to these platform user ids.
#[tauri::command]
pub async fn reassign_incident(
    state: State<'_, AppState>,
    id: i64,
    to: Vec<String>,
) -> Result<ActionOutcome, IpcError> {
    act(&state, id, UserAction::Reassign(to)).await
}
