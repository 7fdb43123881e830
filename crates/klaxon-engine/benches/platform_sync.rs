//! Benchmark: a PagerDuty account against the PagerDuty fake in its own process (`klaxon-fake`),
//! so this process's CPU time is Klaxon's alone.
//! Run: cargo build --release -p klaxon-fakes && cargo bench -p klaxon-engine --bench platform_sync
//! 1. full first sync of 5,000 incidents + 90 days of shifts (target ≤ 2 s);
//! 2. idle poll with nothing changed (target: 1 request per account, ≤ 5 ms CPU);
//! 3. outbox replay of 1,000 actions (notes) queued while no engine ran;
//! 4. a change on the platform (a new incident for me) → page delivered, polling at the
//!    platform's floor of 10 s (target ≤ poll interval + 1 s).

use chrono::Utc;
use klaxon_engine::core::{AccountKind, OutboxState, Secret};
use klaxon_engine::secrets::{MemoryStore, SecretStore};
use klaxon_engine::{
    Credentials, DeliveryError, Engine, EngineOptions, Klaxon, NewAccount, Page, PageDelivery, Paths, UserAction,
};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const INCIDENTS: usize = 5_000;
const SHIFT_DAYS: u32 = 90;
const IDLE_POLLS: u32 = 200;
const REPLAY: usize = 1_000;
const FIRST_SYNC_RUNS: usize = 3;
const CHANGE_SAMPLES: usize = 5;
const IDLE_OPEN: usize = 50;

/// Notes when each page's notification would be sent.
#[derive(Default)]
struct Stopwatch(Mutex<HashMap<String, Instant>>);

impl PageDelivery for Stopwatch {
    fn name(&self) -> &'static str {
        "stopwatch"
    }
    fn deliver(&self, page: &Page) -> Result<(), DeliveryError> {
        self.0.lock().map_err(|e| DeliveryError(e.to_string()))?.insert(page.incident.title.clone(), Instant::now());
        Ok(())
    }
}

struct Fake {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    url: String,
    token: String,
}

impl Fake {
    fn start(incidents: usize, shift_days: u32) -> Result<Self, Box<dyn std::error::Error>> {
        let exe = std::env::current_exe()?;
        let bin = exe.parent().and_then(|d| d.parent()).map(|d| d.join("klaxon-fake")).unwrap_or_default();
        let bin = if bin.exists() { bin } else { PathBuf::from("target/release/klaxon-fake") };
        let mut child = Command::new(&bin)
            .args(["pagerduty", "--incidents", &incidents.to_string(), "--shift-days", &shift_days.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{}: {e} (cargo build --release -p klaxon-fakes first)", bin.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let mut stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let mut line = |prefix: &str| -> Result<String, Box<dyn std::error::Error>> {
            let mut l = String::new();
            stdout.read_line(&mut l)?;
            Ok(l.trim().strip_prefix(prefix).ok_or(format!("fake said {l:?}"))?.to_owned())
        };
        let url = line("url ")?;
        let token = line("token ")?;
        Ok(Self { child, stdin, stdout, url, token })
    }

    fn trigger(&mut self, title: &str) -> Result<(), Box<dyn std::error::Error>> {
        writeln!(self.stdin, "trigger {title}")?;
        let mut l = String::new();
        self.stdout.read_line(&mut l)?;
        Ok(())
    }

    fn command(&mut self, line: &str) -> Result<String, Box<dyn std::error::Error>> {
        writeln!(self.stdin, "{line}")?;
        let mut l = String::new();
        self.stdout.read_line(&mut l)?;
        Ok(l.trim().to_owned())
    }

    fn requests(&mut self) -> Result<u64, Box<dyn std::error::Error>> {
        writeln!(self.stdin, "count")?;
        let mut l = String::new();
        self.stdout.read_line(&mut l)?;
        Ok(l.trim().strip_prefix("requests ").ok_or("bad count")?.parse()?)
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// This process's user + system CPU time (from /proc; 10 ms ticks, so measured over many polls).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: u64 = fields.get(11).and_then(|u| u.parse().ok()).unwrap_or(0)
        + fields.get(12).and_then(|s| s.parse().ok()).unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

fn setup(dir: &std::path::Path) -> Result<Paths, Box<dyn std::error::Error>> {
    let config = dir.join("klaxon.toml");
    std::fs::write(&config, "me = \"alex\"\n[[people]]\nid = \"alex\"\n[intake]\nenabled = false\n")?;
    Ok(Paths { data_dir: dir.join("data"), config_file: config })
}

async fn start_engine(paths: &Paths, secrets: &Arc<MemoryStore>) -> Result<Engine, Box<dyn std::error::Error>> {
    start_with(paths, secrets, Vec::new()).await
}

async fn start_with(
    paths: &Paths,
    secrets: &Arc<MemoryStore>,
    deliveries: Vec<Arc<dyn PageDelivery>>,
) -> Result<Engine, Box<dyn std::error::Error>> {
    let options = EngineOptions::new(deliveries, secrets.clone() as Arc<dyn SecretStore>);
    Ok(Engine::start(Klaxon::open(paths.clone(), false).await?, options).await?)
}

/// Waits for the first sync to finish (it stamps `last_synced_at` last), checking cheaply so the
/// wait does not compete with the sync for CPU; then checks what it cached.
async fn synced(engine: &Engine) -> Result<(), Box<dyn std::error::Error>> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let accounts = engine.klaxon().accounts().await?;
        if accounts.first().is_some_and(|a| a.last_synced_at.is_some()) {
            break;
        }
        if let Some(e) = accounts.first().and_then(|a| a.last_error.clone()) {
            return Err(format!("sync failed: {e}").into());
        }
        if Instant::now() > deadline {
            return Err("first sync took over 120 s".into());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut fake = Fake::start(INCIDENTS, SHIFT_DAYS)?;
    let account = |url: &str, token: &str| NewAccount {
        name: "pd".into(),
        kind: AccountKind::PagerDuty,
        base_url: Some(url.to_owned()),
        credentials: Credentials::Token(Secret::new(token)),
        poll_secs: Some(3600),
    };

    // 1. First sync, each time into a fresh data dir.
    let mut firsts = Vec::new();
    let mut kept = None;
    for _ in 0..FIRST_SYNC_RUNS {
        let dir = tempfile::tempdir()?;
        let paths = setup(dir.path())?;
        let secrets = Arc::new(MemoryStore::default());
        let engine = start_engine(&paths, &secrets).await?;
        let before = fake.requests()?;
        let start = Instant::now();
        engine.add_account(account(&fake.url, &fake.token)).await?;
        synced(&engine).await?;
        let elapsed = start.elapsed();
        let cached = engine.klaxon().store().incidents_of("pd").await?.len();
        if cached != INCIDENTS {
            return Err(format!("first sync cached {cached} incidents, not {INCIDENTS}").into());
        }
        let shifts = engine
            .klaxon()
            .store()
            .shifts(Utc::now() - chrono::Duration::days(7), Utc::now() + chrono::Duration::days(14))
            .await?
            .len();
        firsts.push((elapsed, fake.requests()? - before - 1, shifts));
        kept = Some((dir, paths, secrets, engine));
    }
    println!(
        "first sync of {INCIDENTS} incidents + {SHIFT_DAYS} days of shifts ({FIRST_SYNC_RUNS} runs, fresh data dir each)"
    );
    for (t, requests, shifts) in &firsts {
        println!(
            "  {:>8.0} ms  {requests} requests, {shifts} shifts cached in the horizon   (target <= 2000 ms)",
            t.as_secs_f64() * 1e3
        );
    }

    // 2. Idle polls: nothing changes on the platform, where a realistic 50 incidents are open
    // (the other 4,950 resolved, and cached as such after a full poll).
    let (_dir, paths, secrets, engine) = kept.ok_or("no run")?;
    fake.command(&format!("resolve-all-but {IDLE_OPEN}"))?;
    engine.poll_once("pd", true).await?;
    engine.poll_once("pd", false).await?;
    let before = fake.requests()?;
    let (cpu0, wall0) = (cpu_time(), Instant::now());
    for _ in 0..IDLE_POLLS {
        engine.poll_once("pd", false).await?;
    }
    let (cpu, wall) = (cpu_time() - cpu0, wall0.elapsed());
    let requests = fake.requests()? - before - 1;
    println!("idle poll, {INCIDENTS} cached, {IDLE_OPEN} open, nothing changed ({IDLE_POLLS} polls)");
    println!("  {:.2} requests per poll   (target 1)", requests as f64 / f64::from(IDLE_POLLS));
    println!("  {:.2} ms CPU per poll      (target <= 5 ms)", cpu.as_secs_f64() * 1e3 / f64::from(IDLE_POLLS));
    println!("  {:.2} ms wall per poll", wall.as_secs_f64() * 1e3 / f64::from(IDLE_POLLS));
    engine.shutdown().await?;
    drop(engine);

    // 3. Outbox replay: 1,000 notes queued with no engine running, then one starts.
    let klaxon = Klaxon::open(paths.clone(), false).await?;
    let ids: Vec<_> = klaxon.store().incidents_of("pd").await?.into_iter().take(REPLAY).map(|i| i.id).collect();
    for id in &ids {
        klaxon.act(*id, UserAction::Note("replayed".into())).await?;
    }
    klaxon.close().await;
    let start = Instant::now();
    let engine = start_engine(&paths, &secrets).await?;
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let left = engine.klaxon().store().outbox(false).await?;
        if left.is_empty() {
            break;
        }
        if left.iter().any(|e| e.state == OutboxState::Failed) || Instant::now() > deadline {
            return Err(format!("replay did not finish: {:?}", left.first()).into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let t = start.elapsed();
    println!("outbox replay of {REPLAY} notes (engine start to outbox empty)");
    println!("  {:>8.0} ms  ({:.0} actions/s)", t.as_secs_f64() * 1e3, REPLAY as f64 / t.as_secs_f64());
    engine.shutdown().await?;

    // 4. A new incident on the platform → page delivered, by the account's own polling.
    let mut quiet = Fake::start(0, 0)?;
    let dir = tempfile::tempdir()?;
    let paths = setup(dir.path())?;
    let secrets = Arc::new(MemoryStore::default());
    let stopwatch = Arc::new(Stopwatch::default());
    let engine = start_with(&paths, &secrets, vec![stopwatch.clone() as Arc<dyn PageDelivery>]).await?;
    let mut polled = account(&quiet.url, &quiet.token);
    polled.poll_secs = Some(10);
    engine.add_account(polled).await?;
    let mut latencies = Vec::new();
    for n in 0..CHANGE_SAMPLES {
        // Land at a different point of the poll cycle each time.
        tokio::time::sleep(Duration::from_millis(3_100 * (n as u64 + 1))).await;
        let title = format!("platform change {n}");
        let start = Instant::now();
        quiet.trigger(&title)?;
        let deadline = start + Duration::from_secs(60);
        let delivered = loop {
            if let Some(at) = stopwatch.0.lock().map_err(|e| e.to_string())?.get(&title) {
                break *at;
            }
            if Instant::now() > deadline {
                return Err("no page within 60 s".into());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        };
        latencies.push(delivered - start);
    }
    latencies.sort();
    println!("platform change → page delivered, polling every 10 s ({CHANGE_SAMPLES} samples)");
    println!(
        "  median {:.2} s, worst {:.2} s   (target <= 11 s)",
        latencies[latencies.len() / 2].as_secs_f64(),
        latencies[latencies.len() - 1].as_secs_f64()
    );
    engine.shutdown().await?;
    Ok(())
}
