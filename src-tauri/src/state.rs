//! The one app state: the backend the commands call, and start-up facts.

use klaxon_engine::Engine;
use klaxon_engine::control::{Call, Dispatcher, IpcError, Shell, WireEvent};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;
use tokio::sync::mpsc;

/// Where the commands' calls go.
#[derive(Debug)]
pub enum Backend {
    /// The engine runs in this process (macOS, Windows, mobile; the mock-runtime tests).
    Local(Arc<Dispatcher>),
    /// The engine runs in the pager process (`klaxon watch --tray`, Linux): the window is a client.
    #[cfg(unix)]
    Remote(klaxon_engine::control::ControlClient),
}

/// The in-process shell: showing the window and quitting are events to this app, handled where
/// the pager's own `show_window` and `quit` events are (`events::forward`).
struct EventShell(mpsc::UnboundedSender<WireEvent>);

impl Shell for EventShell {
    fn show_window(&self) -> Result<(), String> {
        self.0.send(WireEvent::ShowWindow).map_err(|_| "the app is stopping".to_owned())
    }

    fn quit(&self) {
        let _ = self.0.send(WireEvent::Quit);
    }
}

impl Backend {
    /// An in-process engine behind its dispatcher, and its events as the window sees them.
    pub fn local(engine: Arc<Engine>) -> (Self, mpsc::UnboundedReceiver<WireEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let shell = Arc::new(EventShell(tx.clone()));
        tauri::async_runtime::spawn(klaxon_engine::control::pump_events(engine.subscribe(), move |e| {
            tx.send(e).is_ok()
        }));
        (Self::Local(Arc::new(Dispatcher::new(engine, shell))), rx)
    }

    /// Carries out `call` and returns its answer.
    pub async fn call<C: Call>(&self, call: C) -> Result<C::Reply, IpcError> {
        match self {
            Backend::Local(dispatcher) => dispatcher.call(call).await,
            #[cfg(unix)]
            Backend::Remote(client) => client.call(call).await,
        }
    }

    /// The in-process dispatcher, if the engine runs here.
    pub fn dispatcher(&self) -> Option<&Arc<Dispatcher>> {
        match self {
            Backend::Local(dispatcher) => Some(dispatcher),
            #[cfg(unix)]
            Backend::Remote(_) => None,
        }
    }

    /// The in-process engine, if there is one.
    pub fn engine(&self) -> Option<&Arc<Engine>> {
        self.dispatcher().map(|d| d.engine())
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

    /// Carries out `call` on the backend.
    pub async fn call<C: Call>(&self, call: C) -> Result<C::Reply, IpcError> {
        self.backend.call(call).await
    }
}
