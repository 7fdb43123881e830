//! `klaxon watch`: the pager (until SIGINT/SIGTERM, `klaxon stop` or the tray's Quit). It owns the data dir's engine (intake, sync, timers, outbox), pages
//! through desktop notifications and the ringtone, and serves the control socket that the app's
//! window attaches to. With `--tray` (what the app starts) it also shows the tray icon and opens
//! the window for pages.

use super::tray::Tray;
use crate::output::out;
use klaxon_desktop::launch::window_launcher;
use klaxon_desktop::{DesktopNotification, NotificationAction, Ringtone};
use klaxon_engine::control::{ControlServer, Dispatcher, PagerShell, Windows, WireEvent, socket_path};
use klaxon_engine::{Engine, EngineError, EngineEvent, EngineOptions, Klaxon, PageDelivery, Paths};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};

/// How often the tray re-reads whether I am on call (shifts change without events).
const ON_CALL_REFRESH: Duration = Duration::from_secs(60);

/// The paths a page takes without a window (notification buttons not wired).
pub fn deliveries() -> Vec<Arc<dyn PageDelivery>> {
    vec![Arc::new(DesktopNotification::new()), Arc::new(Ringtone::default())]
}

/// The pager until SIGINT, SIGTERM or the tray's Quit. With the tray (the desktop app), a pager
/// that cannot start says so in a critical notification too: nobody may be reading its output.
pub async fn run(paths: Paths, with_tray: bool) -> Result<ExitCode, EngineError> {
    let result = serve(paths, with_tray).await;
    if let Err(e) = &result
        && with_tray
        && !matches!(e, EngineError::Locked { .. })
    {
        let body = format!("Pages will not ring on this machine until this is fixed: {e}");
        if let Err(n) = klaxon_desktop::notify_problem("Klaxon is not paging: it could not start", &body) {
            tracing::warn!(error = %n, "could not show that Klaxon failed to start");
        }
    }
    result
}

async fn serve(paths: Paths, with_tray: bool) -> Result<ExitCode, EngineError> {
    let klaxon = Klaxon::open(paths, true).await?;
    let paths = klaxon.paths().clone();
    let (actions_tx, mut actions) = tokio::sync::mpsc::unbounded_channel();
    let windows = Arc::new(Windows::new(with_tray.then(|| window_launcher(&paths))));
    let mut deliveries: Vec<Arc<dyn PageDelivery>> =
        vec![Arc::new(DesktopNotification::with_actions(actions_tx)), Arc::new(Ringtone::default())];
    if with_tray {
        deliveries.push(windows.clone());
    }
    let secrets = klaxon_engine::secrets::os_store();
    let ntfy = klaxon_ntfy::NtfyClient::new().map_err(|e| EngineError::Phone(e.to_string()))?;
    let mut options = EngineOptions::new(deliveries, secrets.clone());
    options.phone = Some(Arc::new(ntfy.clone()));
    // Locked, or idle this long: `when_locked` pushes pages to the phone at once.
    options.screen = Some(Arc::new(klaxon_desktop::ScreenState::new(Duration::from_secs(300))));
    let engine = Arc::new(Engine::start(klaxon, options).await?);
    let shell = Arc::new(PagerShell::new(windows.clone()));
    let quit = shell.quit_requested();
    let dispatcher = Dispatcher::new(engine.clone(), shell);
    let dispatcher = Arc::new(dispatcher);
    let server = ControlServer::start(dispatcher.clone(), windows.clone(), &socket_path(&paths)).await?;
    // The phone's answers come back through the same dispatcher as every other action.
    let (stop_phone, phone_stopped) = tokio::sync::watch::channel(false);
    let phone = tokio::spawn(klaxon_ntfy::ReplyListener::new(ntfy, dispatcher.clone(), secrets).run(phone_stopped));
    match engine.intake_addr() {
        Some(addr) => out!("klaxon: watching; intake on http://{addr}"),
        None => out!("klaxon: watching; intake disabled"),
    }
    out!("klaxon: team file {}, data {}", paths.config_file.display(), paths.data_dir.display());
    let (tray_tx, mut tray_actions) = tokio::sync::mpsc::unbounded_channel();
    let tray = if with_tray { Some(Tray::start(&engine, tray_tx).await) } else { None };
    let io = |e: std::io::Error| EngineError::Internal(e.to_string());
    let mut term = signal(SignalKind::terminate()).map_err(io)?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(io)?;
    let mut events = engine.subscribe();
    let mut refresh = tokio::time::interval(ON_CALL_REFRESH);
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = quit.notified() => break,
            _ = interrupt.recv() => break,
            Some(action) = tray_actions.recv() => {
                if let Err(e) = klaxon_tray::perform(&dispatcher, action).await {
                    eprintln!("klaxon: tray {action:?}: {e}");
                }
            }
            _ = refresh.tick() => {
                if let Some(tray) = &tray {
                    tray.update(&engine, &engine.ring_state()).await;
                }
            }
            Some(action) = actions.recv() => notification_action(&dispatcher, action).await,
            event = events.recv() => match event {
                Ok(EngineEvent::Ringing(ring)) => {
                    print_ringing(&ring);
                    if let Some(tray) = &tray {
                        tray.update(&engine, &ring).await;
                    }
                }
                Ok(EngineEvent::Changed(what)) if what.contains(&klaxon_engine::Resource::Readiness) => {
                    if let Some(tray) = &tray {
                        tray.update(&engine, &engine.ring_state()).await;
                    }
                    print_event(EngineEvent::Changed(what));
                }
                Ok(event) => print_event(event),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "event listener lagged");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
        }
    }
    out!("klaxon: stopping");
    windows.tell(WireEvent::Quit);
    if let Some(tray) = tray {
        tray.stop().await;
    }
    server.stop();
    let _ = stop_phone.send(true);
    let _ = phone.await;
    engine.shutdown().await?;
    Ok(ExitCode::SUCCESS)
}

async fn notification_action(dispatcher: &Dispatcher, action: NotificationAction) {
    let verb = match action {
        NotificationAction::Acknowledge(_) => "acknowledged",
        NotificationAction::Escalate(_) => "escalated",
    };
    match dispatcher.call(action.call()).await {
        Ok(outcome) => out!("#{} {verb} from the notification", outcome.incident.id),
        Err(e) => eprintln!("klaxon: {e}"),
    }
}

fn print_ringing(ring: &klaxon_engine::RingState) {
    match &ring.current {
        Some(incident) => {
            let muted = if ring.muted { " (muted)" } else { "" };
            out!("RINGING #{} {}{muted} — {} unanswered", incident.id, incident.title, ring.unanswered);
        }
        None => out!("SILENT — no unanswered pages"),
    }
}

fn print_event(event: EngineEvent) {
    match event {
        EngineEvent::Paged(page) => {
            let (summary, body) = klaxon_engine::page_text(&page.incident);
            let what = match (page.realert, page.resent) {
                (0, false) => "PAGE".to_owned(),
                (0, true) => "PAGE (re-sent after a restart)".to_owned(),
                (n, _) => format!("RE-ALERT #{n}"),
            };
            out!("{what} {summary} — {body}");
        }
        EngineEvent::DeliveryFailed { path, incident, error } => {
            eprintln!("klaxon: page #{incident} could not be delivered via {path}: {error}");
        }
        EngineEvent::Ringing(ring) => print_ringing(&ring),
        EngineEvent::Changed(_) => {}
    }
}
