use crate::{AppState, IpcError};
use klaxon_engine::control::{DiscardOutbox, ListOutbox, RetryOutbox};
use klaxon_engine::core::OutboxEntry;
use tauri::State;

/// Actions waiting for, on their way to, or refused by their platform (with `all`, also the
/// done ones), oldest first.
#[tauri::command]
pub async fn list_outbox(state: State<'_, AppState>, all: bool) -> Result<Vec<OutboxEntry>, IpcError> {
    state.call(ListOutbox { all }).await
}

/// Queues a failed action again.
#[tauri::command]
pub async fn retry_outbox(state: State<'_, AppState>, id: i64) -> Result<OutboxEntry, IpcError> {
    state.call(RetryOutbox { id }).await
}

/// Drops a failed or pending action; the platform's state wins at the next sync.
#[tauri::command]
pub async fn discard_outbox(state: State<'_, AppState>, id: i64) -> Result<OutboxEntry, IpcError> {
    state.call(DiscardOutbox { id }).await
}
