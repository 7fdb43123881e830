//! Linux: the window is a client of the pager process. WebKitGTK and GTK keep ~100 MB resident
//! even with no window, so the part that must always run — notifications, ringtone, tray, sync,
//! outbox — lives in `klaxon watch --tray` (no GTK), and this process runs only while the window
//! is open. Started at login (`--hidden`), the app becomes the pager at once.

use crate::{Backend, Follow, ShellOptions, run_app};
use klaxon_desktop::launch::companion_command;
use klaxon_engine::Paths;
use klaxon_engine::control::{AttachWindow, Attached, ControlClient, WireEvent, socket_path};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;

/// The argument autostart launches Klaxon with: start hidden in the tray.
pub const HIDDEN_ARG: &str = "--hidden";
/// Overrides where the pager (`klaxon`) binary is.
pub const ENV_PAGER: &str = "KLAXON_PAGER";
/// How long a freshly started pager has to open its control socket.
const PAGER_START: Duration = Duration::from_secs(20);

fn pager_command(paths: &Paths) -> std::io::Result<Command> {
    let mut cmd = companion_command(ENV_PAGER, "klaxon", paths)?;
    cmd.args(["watch", "--tray"]);
    Ok(cmd)
}

/// Connects to the data dir's pager, starting it (detached, output in `pager.log` of the data
/// dir) if none runs.
pub async fn connect_or_start(paths: &Paths) -> Result<(ControlClient, UnboundedReceiver<WireEvent>), String> {
    let socket = socket_path(paths);
    if let Ok(connected) = ControlClient::connect(&socket).await {
        return Ok(connected);
    }
    paths.create_data_dir().map_err(|e| e.to_string())?;
    let log_path = paths.data_dir.join("pager.log");
    let log = std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let err_log = log.try_clone().map_err(|e| e.to_string())?;
    let mut child = pager_command(paths)
        .and_then(|mut c| c.stdin(Stdio::null()).stdout(log).stderr(err_log).process_group(0).spawn())
        .map_err(|e| format!("cannot start Klaxon's pager: {e}"))?;
    tracing::info!(pid = child.id(), log = %log_path.display(), "started Klaxon's pager");
    let deadline = Instant::now() + PAGER_START;
    loop {
        if let Ok(connected) = ControlClient::connect(&socket).await {
            // The pager outlives this window; reap it if it ends first.
            std::thread::spawn(move || child.wait());
            return Ok(connected);
        }
        if let Ok(Some(status)) = child.try_wait() {
            let output = std::fs::read_to_string(&log_path).unwrap_or_default();
            return Err(format!("Klaxon's pager stopped ({status}):\n{}", output.trim_end()));
        }
        if Instant::now() > deadline {
            return Err(format!("Klaxon's pager did not start in {PAGER_START:?}; see {}", log_path.display()));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Starts another `klaxon-app` (after the pager died: it starts a new pager and attaches).
pub fn relaunch_app() -> std::io::Result<()> {
    Command::new(std::env::current_exe()?).stdin(Stdio::null()).process_group(0).spawn().map(drop)
}

/// The Linux entry point: `--hidden` becomes the pager; otherwise the window attaches to the
/// pager (a second window only brings the first to the front).
pub fn run_window(paths: Paths, started: Instant) -> ExitCode {
    if std::env::args().any(|a| a == HIDDEN_ARG) {
        // Replaces this process (and the GTK/WebKit libraries it loaded) with the pager.
        let error = match pager_command(&paths) {
            Ok(mut cmd) => cmd.exec(),
            Err(e) => e,
        };
        eprintln!("klaxon: cannot start Klaxon's pager: {error}");
        return ExitCode::from(1);
    }
    let (client, events) = match tauri::async_runtime::block_on(connect_or_start(&paths)) {
        Ok(connected) => connected,
        Err(e) => {
            eprintln!("klaxon: {e}");
            return ExitCode::from(1);
        }
    };
    match tauri::async_runtime::block_on(client.call(AttachWindow {})) {
        Ok(Attached { first: true }) => {}
        Ok(Attached { first: false }) => {
            println!("klaxon: Klaxon's window is already open; brought it to the front");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("klaxon: {e}");
            return ExitCode::from(1);
        }
    }
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_autostart::Builder::new().arg(HIDDEN_ARG).build());
    let builder = crate::window::remember_state(builder);
    let follow = Follow { page_screen: true, tray: false };
    let shell = ShellOptions { started, tray: false, show_window: true, follow };
    match run_app(builder, Backend::Remote(client), events, shell).build(tauri::generate_context!()) {
        // Closing the window ends this process; the pager keeps paging and shows the tray.
        Ok(app) => {
            app.run(|_, _| {});
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("klaxon: cannot start the app: {e}");
            ExitCode::from(1)
        }
    }
}
