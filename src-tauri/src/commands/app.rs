//! The app itself: start-up facts.

use super::signature::commands;
use crate::AppState;
use std::sync::atomic::Ordering;
use tauri::State;

commands! {
    /// The UI rendered its first incident list: log the cold-start time once.
    pub async fn ui_ready[state: State<'_, AppState>]() -> () {
        if !state.ui_ready.swap(true, Ordering::SeqCst) {
            let ms = state.started.elapsed().as_millis();
            tracing::info!(ms, "dashboard rendered");
            if std::env::var_os("KLAXON_EXIT_WHEN_READY").is_some() {
                println!("klaxon: dashboard rendered in {ms} ms");
                std::process::exit(0);
            }
        }
        Ok(())
    }
}
