//! Paging: what rings, muting it, and test pages.

use super::signature::commands;
use crate::AppState;
use klaxon_engine::RingState;
use klaxon_engine::control::{AcknowledgeAll, GetRingState, Mute, TestPage, TestPagePath, Unmute};
use tauri::State;

commands! {
    /// What rings now; the page screen shows `current`.
    pub async fn ring_state[state: State<'_, AppState>]() -> RingState {
        state.call(GetRingState {}).await
    }

    /// Silences the ringtone for `minutes` (1–60); pages stay unanswered and re-alerts still
    /// happen. Returns the new state.
    pub async fn mute_ringing[state: State<'_, AppState>](minutes: u32) -> RingState {
        state.call(Mute { minutes }).await
    }

    /// Lets the muted page ring again; returns the new state.
    pub async fn unmute_ringing[state: State<'_, AppState>]() -> RingState {
        state.call(Unmute {}).await
    }

    /// Acknowledges every page ringing for me; answers how many.
    pub async fn acknowledge_all[state: State<'_, AppState>]() -> usize {
        state.call(AcknowledgeAll {}).await
    }

    /// Sends a test page through every delivery path; one result per path, in order.
    pub async fn test_page[state: State<'_, AppState>]() -> Vec<TestPagePath> {
        state.call(TestPage {}).await
    }
}
