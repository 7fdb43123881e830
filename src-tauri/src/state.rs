//! The one app state: the backend the commands call, and start-up facts.

use klaxon_engine::Engine;
use klaxon_engine::control::{IpcError, IpcErrorCode, Request, WireEvent};
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;
use tokio::sync::mpsc;

/// Where the commands' requests go.
#[derive(Debug)]
pub enum Backend {
    /// The engine runs in this process (macOS, Windows, mobile; the mock-runtime tests).
    Local(Arc<Engine>),
    /// The engine runs in the pager process (`klaxon watch --tray`, Linux): the window is a client.
    #[cfg(unix)]
    Remote(klaxon_engine::control::ControlClient),
}

impl Backend {
    /// An in-process engine, and its events as the window sees them.
    pub fn local(engine: Arc<Engine>) -> (Self, mpsc::UnboundedReceiver<WireEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        tauri::async_runtime::spawn(klaxon_engine::control::pump_events(engine.subscribe(), move |e| {
            tx.send(e).is_ok()
        }));
        (Self::Local(engine), rx)
    }

    /// Carries out `request` and decodes its answer.
    pub async fn call<T: DeserializeOwned>(&self, request: Request) -> Result<T, IpcError> {
        match self {
            Backend::Local(engine) => {
                let value = klaxon_engine::control::handle(engine, request).await?;
                serde_json::from_value(value).map_err(|e| IpcError::new(IpcErrorCode::Internal, e.to_string()))
            }
            #[cfg(unix)]
            Backend::Remote(client) => client.call(request).await,
        }
    }

    /// The in-process engine, if there is one.
    pub fn engine(&self) -> Option<&Arc<Engine>> {
        match self {
            Backend::Local(engine) => Some(engine),
            #[cfg(unix)]
            Backend::Remote(_) => None,
        }
    }
}

#[derive(Debug)]
pub struct AppState {
    pub backend: Backend,
    pub started: Instant,
    pub ui_ready: AtomicBool,
}

impl AppState {
    pub fn new(backend: Backend, started: Instant) -> Self {
        Self { backend, started, ui_ready: AtomicBool::new(false) }
    }

    /// Carries out `request` on the backend.
    pub async fn call<T: DeserializeOwned>(&self, request: Request) -> Result<T, IpcError> {
        self.backend.call(request).await
    }
}
