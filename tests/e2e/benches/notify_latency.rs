//! Benchmark: an alert POSTed to the intake until its `Notify` call is on the session bus, end to
//! end: the release `klaxon watch` on a private D-Bus session with a notification server
//! (python-dbusmock), the time of each call as `dbus-monitor` stamps it. Alerts are sent one at a
//! time (each answered before the next), all loud, each a new incident.
//!
//! Run: cargo build --release -p klaxon-cli && cargo bench -p klaxon-e2e --bench notify_latency
//! (KLAXON_BENCH_ALERTS, default 300). Target (issue 10): p99 ≤ 5 ms.
#![allow(clippy::unwrap_used)] // a benchmark fails loudly

use klaxon_e2e::dbus::Session;
use klaxon_e2e::process::Guard;
use klaxon_e2e::{free_port, profile_binary, team_file, wait_until};
use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The `time=` stamp (seconds since the epoch) of every `Notify` call, by summary.
fn notify_times(log: &str) -> HashMap<String, f64> {
    let mut times = HashMap::new();
    for block in log.split("method call time=").skip(1) {
        if !block.contains("member=Notify") {
            continue;
        }
        let Some(time) = block.split_whitespace().next().and_then(|t| t.parse::<f64>().ok()) else { continue };
        let strings: Vec<&str> = block
            .lines()
            .filter_map(|l| l.trim().strip_prefix("string \"").and_then(|s| s.strip_suffix('"')))
            .collect();
        if let Some(summary) = strings.get(2) {
            times.entry((*summary).to_owned()).or_insert(time);
        }
    }
    times
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count: usize = std::env::var("KLAXON_BENCH_ALERTS").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(dir.path());
    session.start_keyring();
    session.start_notification_server();
    session.start_monitor();
    let port = free_port();
    let config = dir.path().join("klaxon.toml");
    std::fs::write(&config, team_file(port) + "[pager]\nrealert_after = \"30m\"\n").unwrap();
    let klaxon = || {
        let mut cmd = session.command(profile_binary("release", "klaxon"));
        cmd.env("KLAXON_CONFIG", &config).env("KLAXON_DATA_DIR", dir.path().join("data"));
        cmd
    };
    let _pager = Guard::spawn(
        "klaxon watch",
        klaxon()
            .arg("watch")
            .stdout(std::fs::File::create(dir.path().join("watch.out")).unwrap())
            .stderr(std::fs::File::create(dir.path().join("watch.err")).unwrap()),
    );
    wait_until(30, "the intake", || std::net::TcpStream::connect(("127.0.0.1", port)).ok().map(drop));
    let token = String::from_utf8(klaxon().args(["intake", "token"]).output().unwrap().stdout).unwrap();
    let (http, url) = (reqwest::Client::new(), format!("http://127.0.0.1:{port}/v1/alerts"));
    let mut sent = Vec::with_capacity(count);
    for n in 0..count {
        let title = format!("latency {n}");
        let at = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
        let body = serde_json::json!({"title": title, "severity": "sev1"});
        let status = http.post(&url).bearer_auth(token.trim()).json(&body).send().await.unwrap().status();
        assert_eq!(status, 200);
        sent.push((format!("[SEV1] {title}"), at));
        // One at a time, as a sender that waits: let the page go out before the next alert.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let times = wait_until(60, "every Notify on the bus", || {
        let times = notify_times(&std::fs::read_to_string(session.dir.join("notify-monitor.log")).ok()?);
        sent.iter().all(|(s, _)| times.contains_key(s)).then_some(times)
    });
    let mut ms: Vec<f64> = sent.iter().map(|(s, at)| (times[s] - at) * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    println!("intake POST -> Notify on the session bus, {count} alerts (release build, end to end)");
    println!("  p50 {:7.2} ms", percentile(&ms, 0.5));
    println!("  p99 {:7.2} ms   (target <= 5 ms)", percentile(&ms, 0.99));
    println!("  max {:7.2} ms", ms[ms.len() - 1]);
}
