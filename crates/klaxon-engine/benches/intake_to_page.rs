//! Benchmark: intake POST → pager decision → delivery paths started.
//! Run: cargo bench -p klaxon-engine --bench intake_to_page
//! 1. notification call issued, over 1,000 alerts (target p99 ≤ 50 ms);
//! 2. every path started (the notification's `deliver` and the ringing paths' `ringing`), over 200
//!    alerts each acknowledged once it rings (target p99 ≤ 50 ms).
//!
//! Real SQLite file (WAL, synchronous=FULL), real loopback HTTP; the paths record when they are
//! called instead of talking to a notification server or a sound card.

use klaxon_engine::secrets::{MemoryStore, SecretStore};
use klaxon_engine::{DeliveryError, Engine, EngineOptions, Klaxon, Page, PageDelivery, Paths, RingState};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ALERTS: usize = 1_000;
const RINGS: usize = 200;

#[derive(Default)]
struct Stopwatch(Mutex<HashMap<String, Instant>>, Mutex<HashMap<String, Instant>>);

impl PageDelivery for Stopwatch {
    fn name(&self) -> &'static str {
        "stopwatch"
    }
    fn deliver(&self, page: &Page) -> Result<(), DeliveryError> {
        self.0.lock().map_err(|e| DeliveryError(e.to_string()))?.insert(page.incident.title.clone(), Instant::now());
        Ok(())
    }
    fn ringing(&self, state: &RingState) -> Result<(), DeliveryError> {
        if let Some(incident) = &state.current {
            self.1
                .lock()
                .map_err(|e| DeliveryError(e.to_string()))?
                .entry(incident.title.clone())
                .or_insert_with(Instant::now);
        }
        Ok(())
    }
}

fn report(what: &str, mut latencies: Vec<Duration>) {
    latencies.sort();
    println!("{what}");
    println!("  p50 {:>8.2} ms", percentile(&latencies, 0.50).as_secs_f64() * 1e3);
    println!("  p99 {:>8.2} ms   (target <= 50 ms)", percentile(&latencies, 0.99).as_secs_f64() * 1e3);
    println!("  max {:>8.2} ms", latencies[latencies.len() - 1].as_secs_f64() * 1e3);
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("klaxon.toml");
    std::fs::write(
        &config,
        "me = \"alex\"\n[[people]]\nid = \"alex\"\n[intake]\nlisten = \"127.0.0.1:0\"\ntoken = \"bench\"\n",
    )?;
    let paths = Paths { data_dir: dir.path().join("data"), config_file: config };
    let stopwatch = Arc::new(Stopwatch::default());
    let options = EngineOptions::new(
        vec![stopwatch.clone() as Arc<dyn PageDelivery>],
        Arc::new(MemoryStore::default()) as Arc<dyn SecretStore>,
    );
    let engine = Engine::start(Klaxon::open(paths, false).await?, options).await?;
    let url = format!("http://{}/v1/alerts", engine.intake_addr().ok_or("intake off")?);
    let http = reqwest::Client::new();
    let mut sent = Vec::with_capacity(ALERTS);
    for i in 0..ALERTS {
        let title = format!("alert {i}");
        let body = serde_json::json!({"title": title, "severity": "sev1"});
        let start = Instant::now();
        let resp = http.post(&url).bearer_auth("bench").json(&body).send().await?;
        if !resp.status().is_success() {
            return Err(format!("intake answered {}", resp.status()).into());
        }
        sent.push((title, start));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while stopwatch.0.lock().map_err(|e| e.to_string())?.len() < ALERTS {
        if Instant::now() > deadline {
            return Err("not every alert was paged".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let delivered = stopwatch.0.lock().map_err(|e| e.to_string())?.clone();
    let latencies: Vec<Duration> = sent.iter().map(|(t, start)| delivered[t].duration_since(*start)).collect();
    report(&format!("intake POST -> notification call, {ALERTS} alerts (one at a time)"), latencies);
    engine.acknowledge_all_mine().await?;

    // Every path started: the notification (deliver) and the ringing paths (ringing), one page at
    // a time so that each becomes the ringing one; acknowledged once it rings.
    let mut all = Vec::with_capacity(RINGS);
    for i in 0..RINGS {
        let title = format!("ring {i}");
        let body = serde_json::json!({"title": title, "severity": "sev1"});
        let start = Instant::now();
        let resp: serde_json::Value = http.post(&url).bearer_auth("bench").json(&body).send().await?.json().await?;
        let id = resp["accepted"][0]["incident"].as_i64().ok_or("no incident id")?;
        let deadline = Instant::now() + Duration::from_secs(10);
        let started = loop {
            let d = stopwatch.0.lock().map_err(|e| e.to_string())?.get(&title).copied();
            let r = stopwatch.1.lock().map_err(|e| e.to_string())?.get(&title).copied();
            if let (Some(d), Some(r)) = (d, r) {
                break d.max(r);
            }
            if Instant::now() > deadline {
                return Err(format!("{title} never started every path").into());
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        };
        all.push(started.duration_since(start));
        engine.acknowledge(klaxon_engine::core::IncidentId(id)).await?;
    }
    report(&format!("intake POST -> every delivery path started, {RINGS} loud pages"), all);
    engine.shutdown().await?;
    Ok(())
}
