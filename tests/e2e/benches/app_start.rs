//! Benchmark: app cold start (release build) to the dashboard rendered, with 10,000 cached
//! incidents. Run: cargo build --release -p klaxon-app && cargo bench -p klaxon-e2e --bench app_start
//! Target: ≤ 1 s. The app reports when the UI has rendered its first incident list (`ui_ready`);
//! this measures from spawning the process to that line, on Xvfb with a private D-Bus session.

use chrono::Utc;
use klaxon_e2e::dbus::Session;
use klaxon_e2e::process::Guard;
use klaxon_e2e::x11::Xvfb;
use klaxon_e2e::{free_port, profile_binary, team_file};
use klaxon_engine::core::{Alert, AlertAction, Details, Severity};
use klaxon_engine::{Klaxon, Paths};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

const CACHED: usize = 10_000;
const RUNS: usize = 5;

fn alert(i: usize, action: AlertAction) -> Alert {
    Alert {
        source: "bench".into(),
        dedup_key: Some(format!("k{i}")),
        title: format!("Incident {i}: something is on fire"),
        severity: Severity::ALL[i % 4],
        urgency: None,
        service: Some(format!("svc{}", i % 20)),
        details: Details { text: Some("details".into()), labels: [("host".to_string(), format!("h{i}"))].into() },
        web_url: None,
        action,
    }
}

async fn seed(paths: &Paths, open: usize) -> Result<(), Box<dyn std::error::Error>> {
    let klaxon = Klaxon::open(paths.clone(), false).await?;
    let team = klaxon.team().clone();
    let all: Vec<Alert> = (0..CACHED).map(|i| alert(i, AlertAction::Trigger)).collect();
    for chunk in all.chunks(500) {
        klaxon.store().ingest_alerts(chunk, &team, Utc::now()).await?;
    }
    let resolves: Vec<Alert> = (open..CACHED).map(|i| alert(i, AlertAction::Resolve)).collect();
    for chunk in resolves.chunks(500) {
        klaxon.store().ingest_alerts(chunk, &team, Utc::now()).await?;
    }
    // Mark every trigger paged, so start-up measures rendering, not a page storm.
    for incident in klaxon.store().unpaged_triggers().await? {
        let key = klaxon_engine::core::pager::PageKey { incident: incident.id, trigger_seq: incident.trigger_seq };
        let log =
            klaxon_engine::core::LogEntry::new(Utc::now(), klaxon_engine::core::LogKind::Notified, "seeded", None);
        klaxon.store().record_page(key, &log).await?;
    }
    klaxon.close().await;
    Ok(())
}

fn cold_start(session: &Session, display: &str, paths: &Paths) -> Result<Duration, Box<dyn std::error::Error>> {
    let start = Instant::now();
    let mut app = Guard::spawn(
        "klaxon-app",
        session
            .command(profile_binary("release", "klaxon-app"))
            .env("DISPLAY", display)
            .env("KLAXON_CONFIG", &paths.config_file)
            .env("KLAXON_DATA_DIR", &paths.data_dir)
            .env("KLAXON_EXIT_WHEN_READY", "1")
            .env("KLAXON_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let stdout = app.child.stdout.take().ok_or("no stdout")?;
    for line in BufReader::new(stdout).lines() {
        if line?.contains("dashboard rendered") {
            let elapsed = start.elapsed();
            app.terminate(Duration::from_secs(5));
            return Ok(elapsed);
        }
    }
    Err("the app exited without rendering the dashboard".into())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let mut session = Session::start(dir.path());
    session.start_keyring();
    session.start_notification_server();
    let xvfb = Xvfb::start();
    println!("app cold start (release) to dashboard rendered, {CACHED} cached incidents, {RUNS} runs each");
    for open in [100, CACHED] {
        let case = dir.path().join(format!("open-{open}"));
        std::fs::create_dir_all(&case)?;
        let config_file = case.join("klaxon.toml");
        std::fs::write(&config_file, team_file(free_port()))?;
        let paths = Paths { data_dir: case.join("data"), config_file };
        seed(&paths, open).await?;
        let mut times = Vec::new();
        for _ in 0..RUNS {
            times.push(cold_start(&session, &xvfb.display, &paths)?);
        }
        times.sort();
        println!(
            "  {open:>5} open: median {:.0} ms, worst {:.0} ms (target <= 1000 ms)",
            times[RUNS / 2].as_secs_f64() * 1e3,
            times[RUNS - 1].as_secs_f64() * 1e3
        );
    }
    Ok(())
}
