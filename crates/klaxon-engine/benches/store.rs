//! Benchmark: store upserts of 10,000 incidents, and listing open incidents with 10,000 cached.
//! Run: cargo bench -p klaxon-engine --bench store
//! Target: ≤ 5 ms per list. Real SQLite file (WAL, synchronous=FULL).

use chrono::Utc;
use klaxon_engine::core::{Alert, AlertAction, Details, Severity, team_file};
use klaxon_engine::{Klaxon, Paths};
use std::time::{Duration, Instant};

const CACHED: usize = 10_000;
const LISTS: usize = 200;

fn alert(i: usize) -> Alert {
    Alert {
        source: "bench".into(),
        dedup_key: Some(format!("k{i}")),
        title: format!("Incident {i}"),
        severity: Severity::ALL[i % 4],
        urgency: None,
        service: Some(format!("svc{}", i % 20)),
        details: Details { text: Some("details".into()), labels: [("host".to_string(), format!("h{i}"))].into() },
        web_url: None,
        action: AlertAction::Trigger,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Times the dashboard's list (its first DASHBOARD_LIMIT open incidents and the total).
async fn list_timing(klaxon: &Klaxon) -> Result<(u64, Duration, Duration), Box<dyn std::error::Error>> {
    let mut times = Vec::with_capacity(LISTS);
    let mut count = 0;
    for _ in 0..LISTS {
        let start = Instant::now();
        count = klaxon.incident_page(false, klaxon_engine::DASHBOARD_LIMIT).await?.total;
        times.push(start.elapsed());
    }
    times.sort();
    Ok((count, times[LISTS / 2], times[LISTS * 99 / 100]))
}

/// Times the full list (`klaxon incidents`).
async fn full_list_timing(klaxon: &Klaxon) -> Result<(Duration, Duration), Box<dyn std::error::Error>> {
    let mut times = Vec::with_capacity(20);
    for _ in 0..20 {
        let start = Instant::now();
        klaxon.incidents(false).await?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok((times[10], times[19]))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("klaxon.toml");
    let team_text = "me = \"alex\"\n[[people]]\nid = \"alex\"\n";
    std::fs::write(&config, team_text)?;
    let team = team_file::parse(team_text).map_err(|e| e.to_string())?.team;
    let klaxon = Klaxon::open(Paths { data_dir: dir.path().join("data"), config_file: config }, false).await?;
    let store = klaxon.store();

    // One transaction per alert, as the intake does for single webhooks.
    let n_single = 1_000;
    let start = Instant::now();
    for i in 0..n_single {
        store.ingest_alert(&alert(i), &team, Utc::now()).await?;
    }
    let single = start.elapsed();
    println!(
        "upsert, one transaction each: {n_single} incidents in {:.0} ms ({:.2} ms each)",
        ms(single),
        ms(single) / n_single as f64
    );

    // The rest in batches of 100 (as one Alertmanager webhook with many alerts would).
    let start = Instant::now();
    let alerts: Vec<Alert> = (n_single..CACHED).map(alert).collect();
    for chunk in alerts.chunks(100) {
        store.ingest_alerts(chunk, &team, Utc::now()).await?;
    }
    let batched = start.elapsed();
    println!("upsert, 100 per transaction: {} incidents in {:.0} ms", CACHED - n_single, ms(batched));
    println!("upsert 10,000 incidents in all: {:.0} ms", ms(single + batched));

    let (count, p50, p99) = list_timing(&klaxon).await?;
    println!(
        "dashboard list, all {count} of {CACHED} cached open: p50 {:.2} ms, p99 {:.2} ms (target <= 5 ms)",
        ms(p50),
        ms(p99)
    );
    let (p50, worst) = full_list_timing(&klaxon).await?;
    println!("full list (klaxon incidents), all {count} open: p50 {:.1} ms, worst {:.1} ms", ms(p50), ms(worst));

    // The usual shape: most cached incidents resolved, a few open.
    let resolves: Vec<Alert> = (100..CACHED).map(|i| Alert { action: AlertAction::Resolve, ..alert(i) }).collect();
    for chunk in resolves.chunks(100) {
        store.ingest_alerts(chunk, &team, Utc::now()).await?;
    }
    let (count, p50, p99) = list_timing(&klaxon).await?;
    println!(
        "dashboard list, {count} open of {CACHED} cached: p50 {:.2} ms, p99 {:.2} ms (target <= 5 ms)",
        ms(p50),
        ms(p99)
    );
    klaxon.close().await;
    Ok(())
}
