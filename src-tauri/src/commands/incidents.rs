//! Incidents: the dashboard list, one incident, and the one-tap actions.

use super::signature::commands;
use crate::{AppState, IpcError, IpcErrorCode};
use klaxon_engine::UserAction;
use klaxon_engine::control::{Act, ActionOutcome, DismissWarnings, GetIncident, ListIncidents};
use klaxon_engine::core::{Incident, IncidentDetail, IncidentId, IncidentPage, ReassignTo};
use tauri::State;

/// `link` if it is a web (http or https) address with a host.
fn web_link(link: Option<&str>) -> Option<&str> {
    let link = link?.trim();
    let url = url::Url::parse(link).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.has_host()).then_some(link)
}

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

    /// Opens the incident's own link (its page on the platform, or the alert's source) in the
    /// default browser. Only that http(s) link is opened, never a URL the webview names: a local
    /// alert's sender chose it.
    pub async fn open_incident_link[state: State<'_, AppState>](id: IncidentId) -> () {
        let detail = state.call(GetIncident { id: id.0 }).await?;
        let url = web_link(detail.incident.web_url.as_deref())
            .ok_or_else(|| IpcError::invalid_input(format!("incident {id} has no web link to open")))?;
        tauri_plugin_opener::open_url(url, None::<&str>)
            .map_err(|e| IpcError::new(IpcErrorCode::Internal, format!("cannot open {url}: {e}")))
    }

    /// Gives the incident to platform users or an escalation policy.
    pub async fn reassign_incident[state: State<'_, AppState>](id: IncidentId, to: ReassignTo) -> ActionOutcome {
        act(&state, id, UserAction::Reassign(to)).await
    }
}

#[cfg(test)]
mod tests {
    use super::web_link;

    #[test]
    fn only_web_links_open() {
        assert_eq!(web_link(Some("https://pd.example/incidents/P1")), Some("https://pd.example/incidents/P1"));
        assert_eq!(web_link(Some(" HTTP://grafana.local:3000/x ")), Some("HTTP://grafana.local:3000/x"));
        for bad in ["file:///etc/passwd", "javascript:alert(1)", "https://", "ssh://host", "/relative", ""] {
            assert_eq!(web_link(Some(bad)), None, "{bad}");
        }
        assert_eq!(web_link(None), None);
    }
}
