//! Klaxon's desktop app: a thin Tauri shell. Commands unpack arguments and call the engine;
//! engine events become Tauri events, notifications and tray changes.

mod commands;
mod delivery;
#[cfg(desktop)]
mod desktop;
mod error;
mod events;
mod page_screen;
mod state;
#[cfg(desktop)]
pub mod tray;
pub mod window;

#[cfg(test)]
mod bindings;

pub use error::{IpcError, IpcErrorCode};
pub use state::AppState;

use klaxon_engine::secrets::SecretStore;
use klaxon_engine::{Engine, EngineOptions, Klaxon, PageDelivery, Paths};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tauri::{Manager, Runtime};

/// What the app's engine runs on: where its data is and how pages are delivered.
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

/// Opens the team file and store and starts the engine (before any window exists, so that a
/// config error or a second instance ends with a clear message, not a panic).
pub async fn start_engine(config: AppConfig) -> Result<Engine, klaxon_engine::EngineError> {
    let klaxon = Klaxon::open(config.paths, true).await?;
    let options = EngineOptions { tick: config.tick, ..EngineOptions::new(config.deliveries, config.secrets) };
    Engine::start(klaxon, options).await
}

/// How the shell is put together around the engine.
#[derive(Debug, Clone, Copy)]
pub struct ShellOptions {
    /// When the process started (for the cold-start time reported by `ui_ready`).
    pub started: Instant,
    /// Build the tray icon (needs a real desktop; off on tauri's mock runtime).
    pub tray: bool,
    /// Show the window at start (off when started at login: hidden in the tray).
    pub show_window: bool,
}

/// Registers Klaxon's commands, state and event plumbing on `builder` around a started engine.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>, engine: Engine, shell: ShellOptions) -> tauri::Builder<R> {
    let engine = std::sync::Mutex::new(Some(engine));
    builder.invoke_handler(commands::handler()).setup(move |app| {
        let engine = engine.lock().ok().and_then(|mut e| e.take()).ok_or("setup ran twice")?;
        if let Some(addr) = engine.intake_addr() {
            tracing::info!(%addr, "Klaxon running; local intake listening");
        }
        events::forward(app.handle().clone(), engine.subscribe());
        app.manage(AppState::new(engine, shell.started));
        if shell.show_window {
            window::show_main(app.handle());
        }
        #[cfg(desktop)]
        if shell.tray {
            tray::create(app.handle())?;
        }
        Ok(())
    })
}

/// Carries out the buttons pressed on page notifications, through the same engine calls as the
/// commands.
fn notification_actions<R: Runtime>(
    app: tauri::AppHandle<R>,
    mut actions: tokio::sync::mpsc::UnboundedReceiver<klaxon_engine::desktop::NotificationAction>,
) {
    use klaxon_engine::desktop::NotificationAction;
    tauri::async_runtime::spawn(async move {
        while let Some(action) = actions.recv().await {
            let Some(state) = app.try_state::<AppState>() else { continue };
            let result = match action {
                NotificationAction::Acknowledge(id) => state.engine.acknowledge(id).await,
                NotificationAction::Escalate(id) => state.engine.escalate(id).await,
            };
            if let Err(e) = result {
                tracing::warn!(error = %e, ?action, "notification action failed");
            }
        }
    });
}

/// The app's entry point.
pub fn run() -> ExitCode {
    let started = Instant::now();
    let filter = tracing_subscriber::EnvFilter::try_from_env("KLAXON_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).init();
    let context = tauri::generate_context!();
    let paths = match Paths::resolve(None, None) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("klaxon: {e}");
            return ExitCode::from(2);
        }
    };
    let (actions_tx, actions) = tokio::sync::mpsc::unbounded_channel();
    let (deliveries, bind_deliveries) = delivery::platform(actions_tx);
    let config = AppConfig {
        paths: paths.clone(),
        deliveries,
        secrets: klaxon_engine::secrets::os_store(),
        tick: Duration::from_secs(1),
    };
    let engine = match tauri::async_runtime::block_on(start_engine(config)) {
        Ok(engine) => engine,
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
    let builder = builder.plugin(desktop::single_instance(&paths)).plugin(desktop::autostart());
    match run_app(builder, engine, ShellOptions { started, tray: true, show_window }).build(context) {
        Ok(app) => {
            bind_deliveries(app.handle());
            notification_actions(app.handle().clone(), actions);
            app.run(|handle, event| match event {
                // Closing the window destroys it; Klaxon keeps paging from the tray. Only Quit
                // (an explicit exit code) ends the app.
                tauri::RunEvent::ExitRequested { code: None, api, .. } => api.prevent_exit(),
                tauri::RunEvent::Exit => {
                    if let Some(state) = handle.try_state::<AppState>()
                        && let Err(e) = tauri::async_runtime::block_on(state.engine.shutdown())
                    {
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
