//! Schedules: who is on call, the Schedule view, and overrides ("cover my shift").

use super::signature::commands;
use crate::AppState;
use chrono::{DateTime, Utc};
use klaxon_engine::control::{AddOverride, ExportShifts, GetOnCall, GetSchedule, RemoveOverride};
use klaxon_engine::core::{OnCallStatus, OverrideEntry};
use klaxon_engine::schedule_view::ScheduleView;
use tauri::State;

commands! {
    /// Who is on call now (team file and every platform account), and whether that is me.
    pub async fn on_call_status[state: State<'_, AppState>]() -> OnCallStatus {
        state.call(GetOnCall {}).await
    }

    /// The Schedule view over `[from, to)`: every schedule's rows with gaps, my shifts, each
    /// policy's levels and who holds them now, the overrides, and the next 12 weeks' fairness.
    pub async fn get_schedule[state: State<'_, AppState>](from: DateTime<Utc>, to: DateTime<Utc>) -> ScheduleView {
        state.call(GetSchedule { from, to }).await
    }

    /// `person` holds `layer` (the first when none) of team-file schedule `schedule` over
    /// `[start, end)`: "cover my shift".
    pub async fn add_override[state: State<'_, AppState>](
        schedule: String,
        layer: Option<String>,
        person: String,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> OverrideEntry {
        state.call(AddOverride { schedule, layer, person, start, end }).await
    }

    /// Removes an override; answers it as it was.
    pub async fn remove_override[state: State<'_, AppState>](id: i64 as "number") -> OverrideEntry {
        state.call(RemoveOverride { id }).await
    }

    /// Writes my shifts of the next `days` days (every source) as `klaxon-shifts.ics` in the
    /// Downloads folder; answers its path.
    pub async fn export_shifts[state: State<'_, AppState>](days: u32) -> String {
        state.call(ExportShifts { days, folder: None }).await
    }
}
