//! Readiness checklists: where each stands, running one, ticking items answered by hand.

use super::signature::commands;
use crate::AppState;
use klaxon_engine::checklists::{ChecklistView, Readiness};
use klaxon_engine::control::{GetOnboarding, GetReadiness, MarkReviewed, RunChecklist, TickItem, TickTask};
use klaxon_engine::core::IncidentId;
use klaxon_engine::onboarding::Onboarding;
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

    /// Every onboarding plan with each task's progress and what is next.
    pub async fn get_onboarding[state: State<'_, AppState>]() -> Onboarding {
        state.call(GetOnboarding {}).await
    }

    /// Ticks (or takes back) a task done by hand; `part` is which link of a reading task; a
    /// sign-off counts only in the mentor's name (`by`).
    pub async fn tick_onboarding_task[state: State<'_, AppState>](
        plan: String,
        task: String,
        part: u32,
        by: Option<String>,
        ticked: bool,
    ) -> Onboarding {
        state.call(TickTask { plan, task, part, by, ticked }).await
    }

    /// Marks an incident reviewed (a new hire's review task counts these).
    pub async fn mark_incident_reviewed[state: State<'_, AppState>](id: IncidentId) -> () {
        state.call(MarkReviewed { id: id.0 }).await
    }
}
