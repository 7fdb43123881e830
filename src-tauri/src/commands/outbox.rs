//! The outbox: actions on their way to their platform.

use super::signature::commands;
use crate::AppState;
use klaxon_engine::control::{DiscardOutbox, ListOutbox, RetryOutbox};
use klaxon_engine::core::OutboxEntry;
use tauri::State;

commands! {
    /// Actions waiting for, on their way to, or refused by their platform (with `all`, also the
    /// done ones), oldest first.
    pub async fn list_outbox[state: State<'_, AppState>](all: bool) -> Vec<OutboxEntry> {
        state.call(ListOutbox { all }).await
    }

    /// Queues a failed action again.
    pub async fn retry_outbox[state: State<'_, AppState>](id: i64 as "number") -> OutboxEntry {
        state.call(RetryOutbox { id }).await
    }

    /// Drops a failed or pending action; the platform's state wins at the next sync.
    pub async fn discard_outbox[state: State<'_, AppState>](id: i64 as "number") -> OutboxEntry {
        state.call(DiscardOutbox { id }).await
    }
}
