use crate::{AppState, IpcError};
use klaxon_engine::DASHBOARD_LIMIT;
use klaxon_engine::core::{Incident, IncidentDetail, IncidentId, IncidentPage};
use tauri::State;

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
