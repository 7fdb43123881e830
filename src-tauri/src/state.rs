use klaxon_engine::Engine;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// The one piece of state the app manages.
#[derive(Debug)]
pub struct AppState {
    pub engine: Engine,
    pub started: Instant,
    /// Whether the UI has reported its first render.
    pub ui_ready: AtomicBool,
}

impl AppState {
    pub fn new(engine: Engine, started: Instant) -> Self {
        Self { engine, started, ui_ready: AtomicBool::new(false) }
    }
}
