//! Shadowing: whom I follow as a new hire (the team file's list, or one chosen here).

use crate::{AppState, IpcError};
use klaxon_engine::control::{GetShadowSettings, ResetShadow, SetShadow};
use klaxon_engine::core::ShadowSettings;
use tauri::State;

/// Whom I shadow, where that list comes from, and whom I could shadow.
#[tauri::command]
pub async fn shadow_settings(state: State<'_, AppState>) -> Result<ShadowSettings, IpcError> {
    state.call(GetShadowSettings {}).await
}

/// Follows these targets instead of the team file's list (all checked before anything is saved).
#[tauri::command]
pub async fn set_shadow(state: State<'_, AppState>, follow: Vec<String>) -> Result<ShadowSettings, IpcError> {
    state.call(SetShadow { follow }).await
}

/// Goes back to the team file's `[shadow]` list.
#[tauri::command]
pub async fn reset_shadow(state: State<'_, AppState>) -> Result<ShadowSettings, IpcError> {
    state.call(ResetShadow {}).await
}
