//! What a tray menu item does: one call on the engine's dispatcher each, the same calls the
//! window's commands and the control socket make.

use crate::{MUTE_FOR, TrayAction};
use klaxon_engine::control::{AcknowledgeAll, Dispatcher, EscalateRinging, IpcError, Mute, Quit, ShowWindow};

/// Carries out `action` (Quit asks the dispatcher's shell to stop Klaxon).
pub async fn perform(dispatcher: &Dispatcher, action: TrayAction) -> Result<(), IpcError> {
    match action {
        TrayAction::Open => dispatcher.call(ShowWindow {}).await,
        TrayAction::AcknowledgeAll => dispatcher.call(AcknowledgeAll {}).await.map(drop),
        TrayAction::Escalate => dispatcher.call(EscalateRinging {}).await.map(drop),
        TrayAction::Mute => {
            let minutes = u32::try_from(MUTE_FOR.as_secs() / 60).unwrap_or(u32::MAX);
            dispatcher.call(Mute { minutes }).await.map(drop)
        }
        TrayAction::Quit => dispatcher.call(Quit {}).await,
    }
}
