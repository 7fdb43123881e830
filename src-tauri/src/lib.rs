//! Klaxon's desktop app: a thin Tauri shell. Commands unpack arguments and send requests to the
//! engine — in this process, or (Linux) in the pager process over its control socket; engine
//! events become Tauri events, notifications, the page screen and tray changes.

mod commands;
#[cfg(not(target_os = "linux"))]
mod delivery;
#[cfg(all(desktop, not(target_os = "linux")))]
mod desktop;
mod events;
mod page_screen;
#[cfg(target_os = "linux")]
mod pager;
mod state;
#[cfg(desktop)]
pub mod tray;
pub mod window;

#[cfg(test)]
mod bindings;

pub use events::Follow;
pub use klaxon_engine::control::{IpcError, IpcErrorCode};
pub use page_screen::PageScreen;
pub use state::{AppState, Backend};

use klaxon_engine::control::WireEvent;
use klaxon_engine::secrets::SecretStore;
use klaxon_engine::{Engine, EngineOptions, Klaxon, PageDelivery, Paths};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tauri::{Manager, Runtime};
use tokio::sync::mpsc::UnboundedReceiver;

/// What an in-process engine runs on: where its data is and how pages are delivered.
pub struct AppConfig {
    pub paths: Paths,
    pub deliveries: Vec<Arc<dyn PageDelivery>>,
    pub secrets: Arc<dyn SecretStore>,
    pub tick: Duration,
}

impl std::fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let deliveries: Vec<_> = self.deliveries.iter().map(|d| d.name()).collect();
        f.debug_struct("AppConfig").field("paths", &self.paths).field("deliveries", &deliveries).finish()
    }
}

/// Opens the team file and store and starts an in-process engine (before any window exists, so
/// that a config error or a second instance ends with a clear message, not a panic).
pub async fn start_engine(config: AppConfig) -> Result<Engine, klaxon_engine::EngineError> {
    let klaxon = Klaxon::open(config.paths, true).await?;
    let mut options = EngineOptions { tick: config.tick, ..EngineOptions::new(config.deliveries, config.secrets) };
    // The phone is one more path where the engine runs in the app (on Linux the pager has it).
    match klaxon_ntfy::NtfyClient::new() {
        Ok(client) => options.phone = Some(Arc::new(client)),
        Err(e) => tracing::error!(error = %e, "no phone path: cannot make an HTTP client"),
    }
    Engine::start(klaxon, options).await
}

/// Follows the phone's reply topic for an in-process engine, handing presses to `dispatcher`,
/// for as long as the app runs.
pub fn follow_phone_replies(dispatcher: Arc<klaxon_engine::control::Dispatcher>, secrets: Arc<dyn SecretStore>) {
    let Ok(client) = klaxon_ntfy::NtfyClient::new() else { return };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tauri::async_runtime::spawn(async move {
        let _running = stop; // never told to stop: the app's exit ends it
        klaxon_ntfy::ReplyListener::new(client, dispatcher, secrets).run(stopped).await;
    });
}

/// How the shell is put together around the backend.
#[derive(Debug, Clone, Copy)]
pub struct ShellOptions {
    /// When the process started (for the cold-start time reported by `ui_ready`).
    pub started: Instant,
    /// Build the Tauri tray icon (in-process engine on a real desktop).
    pub tray: bool,
    /// Show the window at start (off when started at login: hidden in the tray).
    pub show_window: bool,
    /// What the window does itself about ringing.
    pub follow: Follow,
}

/// Registers Klaxon's commands, state and event plumbing on `builder` around a backend.
pub fn run_app<R: Runtime>(
    builder: tauri::Builder<R>,
    backend: Backend,
    events: UnboundedReceiver<WireEvent>,
    shell: ShellOptions,
) -> tauri::Builder<R> {
    let parts = std::sync::Mutex::new(Some((backend, events)));
    builder.invoke_handler(commands::handler()).setup(move |app| {
        let (backend, events) = parts.lock().ok().and_then(|mut p| p.take()).ok_or("setup ran twice")?;
        if let Some(addr) = backend.engine().and_then(|e| e.intake_addr()) {
            tracing::info!(%addr, "Klaxon running; local intake listening");
        }
        events::forward(app.handle().clone(), events, shell.follow);
        app.manage(AppState::new(backend, shell.started));
        if shell.show_window {
            window::show_main(app.handle());
        }
        if shell.follow.page_screen {
            follow_current_ring(app.handle().clone());
        }
        #[cfg(desktop)]
        if shell.tray {
            tray::create(app.handle())?;
        }
        Ok(())
    })
}

/// A window that attaches while a page rings shows it at once (later changes arrive as events).
fn follow_current_ring<R: Runtime>(app: tauri::AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        match state.call(klaxon_engine::control::GetRingState {}).await {
            Ok(ring) if ring.current.is_some() => {
                if let Err(e) = page_screen::follow(&app, &ring) {
                    tracing::error!(error = %e, "cannot raise the page screen");
                }
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "cannot read what rings"),
        }
    });
}

/// Carries out the buttons pressed on page notifications (in-process engine) through the
/// dispatcher, like the commands.
#[cfg(all(desktop, not(target_os = "linux")))]
fn notification_actions<R: Runtime>(
    app: tauri::AppHandle<R>,
    mut actions: UnboundedReceiver<klaxon_desktop::NotificationAction>,
) {
    tauri::async_runtime::spawn(async move {
        while let Some(action) = actions.recv().await {
            let Some(state) = app.try_state::<AppState>() else { continue };
            if let Err(e) = state.call(action.call()).await {
                tracing::warn!(error = %e, ?action, "notification action failed");
            }
        }
    });
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KLAXON_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).init();
}

/// The Android and iOS entry point (Tauri's mobile template calls it): the engine runs in the
/// app's process, as on macOS and Windows. Not built on these machines: see docs/mobile.md.
#[cfg(mobile)]
#[tauri::mobile_entry_point]
pub fn mobile_main() {
    let _ = run();
}

/// The app's entry point. On Linux the window is a client of the pager process (started if it is
/// not running); elsewhere (macOS, Windows, Android, iOS) the engine runs in this process.
pub fn run() -> ExitCode {
    let started = Instant::now();
    init_logging();
    let paths = match Paths::resolve(None, None) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("klaxon: {e}");
            return ExitCode::from(2);
        }
    };
    #[cfg(target_os = "linux")]
    return pager::run_window(paths, started);
    #[cfg(not(target_os = "linux"))]
    return run_in_process(paths, started);
}

/// The engine, tray and window in this process.
#[cfg(not(target_os = "linux"))]
fn run_in_process(paths: Paths, started: Instant) -> ExitCode {
    let context = tauri::generate_context!();
    #[cfg(desktop)]
    let (actions_tx, actions) = tokio::sync::mpsc::unbounded_channel();
    #[cfg(mobile)]
    let actions_tx = ();
    let (deliveries, bind_deliveries) = delivery::platform(actions_tx);
    let config = AppConfig {
        paths: paths.clone(),
        deliveries,
        secrets: klaxon_engine::secrets::os_store(),
        tick: Duration::from_secs(1),
    };
    let engine = match tauri::async_runtime::block_on(start_engine(config)) {
        Ok(engine) => Arc::new(engine),
        #[cfg(desktop)]
        Err(locked @ klaxon_engine::EngineError::Locked { .. }) => return desktop::hand_over(&paths, context, locked),
        Err(e) => {
            eprintln!("klaxon: {e}");
            return ExitCode::from(if e.is_usage() { 2 } else { 1 });
        }
    };
    #[cfg(desktop)]
    let show_window = !std::env::args().any(|a| a == desktop::HIDDEN_ARG);
    #[cfg(not(desktop))]
    let show_window = true;
    let builder = tauri::Builder::default().plugin(tauri_plugin_notification::init());
    #[cfg(desktop)]
    let builder = window::remember_state(builder.plugin(desktop::single_instance(&paths)).plugin(desktop::autostart()));
    let (backend, events) = Backend::local(engine.clone());
    #[cfg(desktop)]
    if let Some(dispatcher) = backend.dispatcher() {
        follow_phone_replies(dispatcher.clone(), klaxon_engine::secrets::os_store());
    }
    let follow = Follow { page_screen: false, tray: true };
    match run_app(builder, backend, events, ShellOptions { started, tray: true, show_window, follow }).build(context) {
        Ok(app) => {
            bind_deliveries(app.handle());
            #[cfg(desktop)]
            notification_actions(app.handle().clone(), actions);
            app.run(move |_, event| match event {
                // Closing the window destroys it; Klaxon keeps paging from the tray. Only Quit
                // (an explicit exit code) ends the app.
                tauri::RunEvent::ExitRequested { code: None, api, .. } => api.prevent_exit(),
                tauri::RunEvent::Exit => {
                    if let Err(e) = tauri::async_runtime::block_on(engine.shutdown()) {
                        tracing::error!(error = %e, "engine did not stop cleanly");
                    }
                }
                _ => {}
            });
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("klaxon: cannot start the app: {e}");
            ExitCode::from(1)
        }
    }
}
