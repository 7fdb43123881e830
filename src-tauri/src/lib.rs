//! Klaxon's desktop app: a thin Tauri shell. Commands unpack arguments and call the engine;
//! engine events become Tauri events, notifications and tray changes.

mod commands;
mod delivery;
mod error;
mod events;
mod state;
#[cfg(desktop)]
mod tray;

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

/// What the app runs on: where its data is and how pages are delivered.
pub struct AppConfig {
    pub paths: Paths,
    /// `None`: the platform's notification path (notify-rust on Linux, the plugin elsewhere).
    pub deliveries: Option<Vec<Arc<dyn PageDelivery>>>,
    pub secrets: Arc<dyn SecretStore>,
    pub tick: Duration,
    /// When the process started (for the cold-start measurement reported by `ui_ready`).
    pub started: Instant,
}

impl std::fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let deliveries: Option<Vec<_>> = self.deliveries.as_ref().map(|d| d.iter().map(|x| x.name()).collect());
        f.debug_struct("AppConfig").field("paths", &self.paths).field("deliveries", &deliveries).finish()
    }
}

/// Registers Klaxon's commands, state and event plumbing on `builder`.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>, config: AppConfig) -> tauri::Builder<R> {
    let config = std::sync::Mutex::new(Some(config));
    builder
        .invoke_handler(commands::handler())
        .setup(move |app| {
            let config = config.lock().ok().and_then(|mut c| c.take()).ok_or("setup ran twice")?;
            let deliveries = config.deliveries.unwrap_or_else(|| delivery::platform(app.handle()));
            let options = EngineOptions { deliveries, secrets: config.secrets, tick: config.tick };
            let engine = tauri::async_runtime::block_on(async {
                let klaxon = Klaxon::open(config.paths, true).await?;
                Engine::start(klaxon, options).await
            })?;
            if let Some(addr) = engine.intake_addr() {
                tracing::info!(%addr, "Klaxon running; local intake listening");
            }
            events::forward(app.handle().clone(), engine.subscribe());
            app.manage(AppState::new(engine, config.started));
            #[cfg(desktop)]
            tray::create(app.handle())?;
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing the window keeps Klaxon paging from the tray.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                api.prevent_close();
                let _ = window.hide();
            }
        })
}

/// The app's entry point.
pub fn run() -> ExitCode {
    let started = Instant::now();
    let filter = tracing_subscriber::EnvFilter::try_from_env("KLAXON_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).init();
    let paths = match Paths::resolve(None, None) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("klaxon: {e}");
            return ExitCode::from(2);
        }
    };
    let config = AppConfig {
        paths,
        deliveries: None,
        secrets: klaxon_engine::secrets::os_store(),
        tick: Duration::from_secs(1),
        started,
    };
    let builder = tauri::Builder::default().plugin(tauri_plugin_notification::init());
    match run_app(builder, config).build(tauri::generate_context!()) {
        Ok(app) => {
            app.run(|handle, event| {
                if let tauri::RunEvent::Exit = event
                    && let Some(state) = handle.try_state::<AppState>()
                    && let Err(e) = tauri::async_runtime::block_on(state.engine.shutdown())
                {
                    tracing::error!(error = %e, "engine did not stop cleanly");
                }
            });
            ExitCode::SUCCESS
        }
        Err(e) => {
            let message = match &e {
                tauri::Error::Setup(inner) => inner.to_string(),
                other => other.to_string(),
            };
            eprintln!("klaxon: {message}");
            ExitCode::from(1)
        }
    }
}
