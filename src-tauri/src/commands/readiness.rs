//! Readiness checklists: where each stands, running one, ticking items answered by hand.

use super::signature::commands;
use crate::AppState;
use klaxon_engine::checklists::{ChecklistView, Readiness};
use klaxon_engine::control::{GetReadiness, RunChecklist, TickItem};
use tauri::State;

commands! {
    /// Every checklist with its items' latest results, the files that did not load, and the badge.
    pub async fn get_readiness[state: State<'_, AppState>]() -> Readiness {
        state.call(GetReadiness {}).await
    }

    /// Runs the checklist now (its probes at once); answers it as it stands afterwards.
    pub async fn run_checklist[state: State<'_, AppState>](name: String) -> ChecklistView {
        state.call(RunChecklist { name }).await
    }

    /// Ticks (or with `ticked` false takes back) an item answered by hand, then checks it again.
    pub async fn tick_checklist_item[state: State<'_, AppState>](
        checklist: String,
        item: String,
        ticked: bool,
        note: Option<String>,
    ) -> ChecklistView {
        state.call(TickItem { checklist, item, ticked, note }).await
    }
}
