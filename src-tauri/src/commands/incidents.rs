//! Incidents: the dashboard list, one incident, and the one-tap actions.

use super::signature::commands;
use crate::{AppState, IpcError};
use klaxon_engine::UserAction;
use klaxon_engine::control::{Act, ActionOutcome, DismissWarnings, GetIncident, ListIncidents};
use klaxon_engine::core::{Incident, IncidentDetail, IncidentId, IncidentPage};
use tauri::State;

async fn act(state: &AppState, id: IncidentId, action: UserAction) -> Result<ActionOutcome, IpcError> {
    state.call(Act { id: id.0, action }).await
}

commands! {
    /// The head of the dashboard list (already sorted by Rust) and the total count; with `all`,
    /// also recently resolved incidents.
    pub async fn list_incidents[state: State<'_, AppState>](all: bool) -> IncidentPage {
        state.call(ListIncidents { all }).await
    }

    /// The user has read the list's warnings (e.g. "the database was found empty").
    pub async fn dismiss_warnings[state: State<'_, AppState>]() -> () {
        state.call(DismissWarnings {}).await
    }

    /// One incident with its alerts and timeline.
    pub async fn get_incident[state: State<'_, AppState>](id: IncidentId) -> IncidentDetail {
        state.call(GetIncident { id: id.0 }).await
    }

    /// Acknowledges as me (and stops its ringing).
    pub async fn acknowledge_incident[state: State<'_, AppState>](id: IncidentId) -> Incident {
        Ok(act(&state, id, UserAction::Acknowledge).await?.incident)
    }

    /// Escalates to the next level.
    pub async fn escalate_incident[state: State<'_, AppState>](id: IncidentId) -> Incident {
        Ok(act(&state, id, UserAction::Escalate).await?.incident)
    }

    /// Resolves as me.
    pub async fn resolve_incident[state: State<'_, AppState>](id: IncidentId) -> Incident {
        Ok(act(&state, id, UserAction::Resolve).await?.incident)
    }

    /// Adds a note to the timeline; platform incidents also queue it for their platform.
    pub async fn note_incident[state: State<'_, AppState>](id: IncidentId, text: String) -> ActionOutcome {
        act(&state, id, UserAction::Note(text)).await
    }

    /// Silences an acknowledged incident's notifications for `minutes` (1–1440).
    pub async fn snooze_incident[state: State<'_, AppState>](id: IncidentId, minutes: u32) -> ActionOutcome {
        act(&state, id, UserAction::Snooze(minutes)).await
    }

    /// Gives the incident to these platform user ids.
    pub async fn reassign_incident[state: State<'_, AppState>](id: IncidentId, to: Vec<String>) -> ActionOutcome {
        act(&state, id, UserAction::Reassign(to)).await
    }
}
