use klaxon_engine::desktop::{DesktopNotification, NotificationAction};
use klaxon_engine::sound::Ringtone;
use klaxon_engine::{Engine, EngineError, EngineEvent, EngineOptions, Klaxon, PageDelivery, Paths};
use std::process::ExitCode;
use std::sync::Arc;
use tokio::signal::unix::{SignalKind, signal};

/// The paths a page takes without a window (notification buttons not wired).
pub fn deliveries() -> Vec<Arc<dyn PageDelivery>> {
    vec![Arc::new(DesktopNotification::new()), Arc::new(Ringtone::default())]
}

/// The headless engine until SIGINT or SIGTERM.
pub async fn run(paths: Paths) -> Result<ExitCode, EngineError> {
    let klaxon = Klaxon::open(paths, true).await?;
    let (actions_tx, mut actions) = tokio::sync::mpsc::unbounded_channel();
    let notification: Arc<dyn PageDelivery> = Arc::new(DesktopNotification::with_actions(actions_tx));
    let options =
        EngineOptions::new(vec![notification, Arc::new(Ringtone::default())], klaxon_engine::secrets::os_store());
    let engine = Engine::start(klaxon, options).await?;
    let paths = engine.klaxon().paths().clone();
    match engine.intake_addr() {
        Some(addr) => println!("klaxon: watching; intake on http://{addr}"),
        None => println!("klaxon: watching; intake disabled"),
    }
    println!("klaxon: team file {}, data {}", paths.config_file.display(), paths.data_dir.display());
    let io = |e: std::io::Error| EngineError::Internal(e.to_string());
    let mut term = signal(SignalKind::terminate()).map_err(io)?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(io)?;
    let mut events = engine.subscribe();
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = interrupt.recv() => break,
            Some(action) = actions.recv() => {
                let (verb, result) = match action {
                    NotificationAction::Acknowledge(id) => ("acknowledged", engine.acknowledge(id).await),
                    NotificationAction::Escalate(id) => ("escalated", engine.escalate(id).await),
                };
                match result {
                    Ok(i) => println!("#{} {verb} from the notification", i.id),
                    Err(e) => eprintln!("klaxon: {e}"),
                }
            }
            event = events.recv() => match event {
                Ok(EngineEvent::Paged(page)) => {
                    let (summary, body) = klaxon_engine::desktop::page_text(&page.incident);
                    let what = if page.realert > 0 { format!("RE-ALERT #{}", page.realert) } else { "PAGE".to_owned() };
                    println!("{what} {summary} — {body}");
                }
                Ok(EngineEvent::DeliveryFailed { path, incident, error }) => {
                    eprintln!("klaxon: page #{incident} could not be delivered via {path}: {error}");
                }
                Ok(EngineEvent::Ringing(ring)) => match ring.current {
                    Some(incident) => {
                        let muted = if ring.muted { " (muted)" } else { "" };
                        println!("RINGING #{} {}{muted} — {} unanswered", incident.id, incident.title, ring.unanswered);
                    }
                    None => println!("SILENT — no unanswered pages"),
                },
                Ok(EngineEvent::IncidentsChanged) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "event listener lagged");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
        }
    }
    println!("klaxon: stopping");
    engine.shutdown().await?;
    Ok(ExitCode::SUCCESS)
}
