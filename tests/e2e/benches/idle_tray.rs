//! Benchmark: idle in the tray with no pages — memory (RSS and PSS of the app and its WebKit
//! processes) and CPU over a window (default 5 minutes; KLAXON_BENCH_IDLE_SECS to change).
//! Run: cargo build --release -p klaxon-app && cargo bench -p klaxon-e2e --bench idle_tray
//! Targets: ≤ 60 MB, ≤ 0.2 % CPU. Xvfb + private D-Bus session; the app is started `--hidden`.

use klaxon_e2e::dbus::Session;
use klaxon_e2e::process::{Guard, tree};
use klaxon_e2e::x11::Xvfb;
use klaxon_e2e::{free_port, profile_binary, team_file, wait_until};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After ')': state(0) ppid(1) ... utime(11) stime(12)
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

/// A `kB` field of /proc/<pid>/status or smaps_rollup.
fn kb(pid: u32, file: &str, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field).map(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().unwrap_or(0)))
        .unwrap_or(0)
}

fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

fn main() {
    let secs: u64 = std::env::var("KLAXON_BENCH_IDLE_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut session = Session::start(dir.path());
    session.start_keyring();
    session.start_notification_server();
    let xvfb = Xvfb::start();
    let port = free_port();
    let config = dir.path().join("klaxon.toml");
    std::fs::write(&config, team_file(port)).expect("team file");
    let app = Guard::spawn(
        "klaxon-app",
        session
            .command(profile_binary("release", "klaxon-app"))
            .arg("--hidden")
            .env("DISPLAY", &xvfb.display)
            .env("KLAXON_CONFIG", &config)
            .env("KLAXON_DATA_DIR", dir.path().join("data"))
            .env("HOME", dir.path())
            .env("KLAXON_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_until(60, "the app's intake", || std::net::TcpStream::connect(("127.0.0.1", port)).ok());
    std::thread::sleep(Duration::from_secs(10)); // let start-up settle
    let pid = app.child.id();
    let before: u64 = tree(pid).iter().map(|p| cpu_ticks(*p)).sum();
    let start = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let procs = tree(pid);
    let after: u64 = procs.iter().map(|p| cpu_ticks(*p)).sum();
    let wall = start.elapsed().as_secs_f64();
    let cpu = (after.saturating_sub(before)) as f64 / clock_ticks_per_second() / wall * 100.0;
    let rss: u64 = procs.iter().map(|p| kb(*p, "status", "VmRSS:")).sum();
    let pss: u64 = procs.iter().map(|p| kb(*p, "smaps_rollup", "Pss:")).sum();
    println!("idle in the tray (started --hidden, no pages), {} processes, {secs} s", procs.len());
    for p in &procs {
        let name = std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default();
        println!("  {:<22} RSS {:>7.1} MB", name.trim(), kb(*p, "status", "VmRSS:") as f64 / 1024.0);
    }
    println!("  RSS all processes {:>7.1} MB (target <= 60 MB)", rss as f64 / 1024.0);
    println!("  PSS all processes {:>7.1} MB", pss as f64 / 1024.0);
    println!("  CPU {cpu:.3} % of one core (target <= 0.2 %)");
}
