//! Shadowing: whom I follow as a new hire (the team file's list, or one chosen here).

use super::signature::commands;
use crate::AppState;
use klaxon_engine::control::{GetShadowSettings, ResetShadow, SetShadow};
use klaxon_engine::core::ShadowSettings;
use tauri::State;

commands! {
    /// Whom I shadow, where that list comes from, and everyone I could follow.
    pub async fn shadow_settings[state: State<'_, AppState>]() -> ShadowSettings {
        state.call(GetShadowSettings {}).await
    }

    /// Follows these targets (`person:…`, `rotation:…`, `level:…`) instead of the team file's list
    /// (all checked before anything is saved).
    pub async fn set_shadow[state: State<'_, AppState>](follow: Vec<String>) -> ShadowSettings {
        state.call(SetShadow { follow }).await
    }

    /// Drops the list chosen in the app: the team file's `[shadow]` list applies again.
    pub async fn reset_shadow[state: State<'_, AppState>]() -> ShadowSettings {
        state.call(ResetShadow {}).await
    }
}
