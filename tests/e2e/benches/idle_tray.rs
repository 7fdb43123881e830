//! Benchmark: idle in the tray with no pages — memory (RSS and PSS of every process measured) and
//! CPU over a window. On Linux the app started `--hidden` (as start-at-login does) execs into the
//! pager, `klaxon watch --tray`, so its pid is the pager's; the bench measures that pid's process
//! tree in two states:
//! 1. just started `--hidden` (KLAXON_BENCH_IDLE_SECS, default 300 s);
//! 2. after the window was opened once and closed: `klaxon-app` started, its dashboard rendered,
//!    then the window process ended with SIGTERM (KLAXON_BENCH_IDLE_AFTER_SECS, default 60 s).
//!
//! Run: cargo build --release -p klaxon-app -p klaxon-cli && cargo bench -p klaxon-e2e --bench idle_tray
//! Targets: ≤ 60 MB RSS of all processes, ≤ 0.2 % CPU. Xvfb + private D-Bus session (keyring and
//! notification server running).

use klaxon_e2e::dbus::Session;
use klaxon_e2e::process::{Guard, lock_pid, pid_alive, terminate_pid, tree};
use klaxon_e2e::x11::Xvfb;
use klaxon_e2e::{free_port, profile_binary, team_file, wait_until};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long start-up (and the window's going) gets to settle before measuring.
const SETTLE: Duration = Duration::from_secs(10);
/// How long the window gets to render its dashboard.
const WINDOW_RENDER_SECS: u64 = 60;

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

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_owned()
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// Measures `root`'s process tree over `secs` and prints the result under `title`.
fn measure_and_print(root: u32, secs: u64, title: &str) {
    let before: u64 = tree(root).iter().map(|p| cpu_ticks(*p)).sum();
    let start = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let procs = tree(root);
    let after: u64 = procs.iter().map(|p| cpu_ticks(*p)).sum();
    let wall = start.elapsed().as_secs_f64();
    let cpu = (after.saturating_sub(before)) as f64 / clock_ticks_per_second() / wall * 100.0;
    let rss: u64 = procs.iter().map(|p| kb(*p, "status", "VmRSS:")).sum();
    let pss: u64 = procs.iter().map(|p| kb(*p, "smaps_rollup", "Pss:")).sum();
    let names: Vec<String> = procs.iter().map(|p| comm(*p)).collect();
    println!("{title}");
    println!("  {} process(es) measured over {secs} s: {}", procs.len(), names.join(", "));
    for p in &procs {
        println!(
            "  {:<22} pid {:>7}  RSS {:>7.1} MB  PSS {:>7.1} MB",
            comm(*p),
            p,
            mb(kb(*p, "status", "VmRSS:")),
            mb(kb(*p, "smaps_rollup", "Pss:"))
        );
    }
    println!("  RSS all processes {:>7.1} MB (target <= 60 MB)", mb(rss));
    println!("  PSS all processes {:>7.1} MB", mb(pss));
    println!("  CPU {cpu:.3} % of one core over {wall:.0} s (target <= 0.2 %)");
}

/// Running processes with `address` as their session bus (the bench's helpers, the pager, the
/// window, and whatever the session bus started for them, e.g. the accessibility bus).
fn on_bus(address: &str) -> Vec<u32> {
    let entry = format!("DBUS_SESSION_BUS_ADDRESS={address}");
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_string_lossy().parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == entry.as_bytes()))
        })
        .filter(|pid| pid_alive(*pid))
        .collect()
}

/// `klaxon-app` (release) with this bench's session, display, team file and data dir.
fn app_command(session: &Session, display: &str, dir: &Path, config: &Path, data: &Path) -> Command {
    let mut cmd = session.command(profile_binary("release", "klaxon-app"));
    cmd.env("DISPLAY", display)
        .env("KLAXON_CONFIG", config)
        .env("KLAXON_DATA_DIR", data)
        .env("HOME", dir)
        .env("KLAXON_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn env_secs(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// Opens the window once (a `klaxon-app` attached to the running pager), waits until its dashboard
/// has rendered, then ends it with SIGTERM, as closing the window does, and checks that it and
/// every process it started (WebKit's) are gone.
///
/// Returns the processes the session bus started for the window (e.g. the accessibility bus,
/// at-spi) that outlived it; they are not part of the pager's tree.
fn open_and_close_window(session: &Session, display: &str, dir: &Path, config: &Path, data: &Path) -> Vec<u32> {
    let before = on_bus(&session.address);
    let mut cmd = app_command(session, display, dir, config, data);
    // `ui_ready` logs "dashboard rendered" at info level once the first incident list is shown.
    cmd.env("KLAXON_LOG", "info").stderr(Stdio::piped());
    let mut window = Guard::spawn("klaxon-app (window)", &mut cmd);
    let pid = window.child.id();
    let rendered = Arc::new(AtomicBool::new(false));
    if let Some(stderr) = window.child.stderr.take() {
        let rendered = rendered.clone();
        // Reads (and drains) the window's log until it ends.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("dashboard rendered") {
                    rendered.store(true, Ordering::SeqCst);
                }
            }
        });
    }
    let started = Instant::now();
    let webkit = |pid: u32| tree(pid).iter().any(|p| comm(*p).starts_with("WebKitWebProces"));
    let deadline = started + Duration::from_secs(WINDOW_RENDER_SECS);
    while !rendered.load(Ordering::SeqCst) && Instant::now() < deadline {
        if let Ok(Some(status)) = window.child.try_wait() {
            panic!("the window exited ({status}) before its dashboard rendered");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if rendered.load(Ordering::SeqCst) {
        println!("window opened: dashboard rendered {:.1} s after start", started.elapsed().as_secs_f64());
    } else {
        assert!(webkit(pid), "the window neither rendered nor started WebKit in {WINDOW_RENDER_SECS} s");
        println!("window opened: WebKitWebProcess running, no \"dashboard rendered\" in {WINDOW_RENDER_SECS} s");
    }
    std::thread::sleep(Duration::from_secs(2)); // let it finish drawing
    let window_procs = tree(pid);
    let rss: u64 = window_procs.iter().map(|p| kb(*p, "status", "VmRSS:")).sum();
    let names: Vec<String> = window_procs.iter().map(|p| comm(*p)).collect();
    println!("  while open (not measured as idle): {} RSS {:.1} MB", names.join(" + "), mb(rss));
    let status = window.terminate(Duration::from_secs(10));
    println!("window closed (SIGTERM): {}", status.map_or_else(|| "needed SIGKILL".to_owned(), |s| s.to_string()));
    // WebKit's processes end when the window process does; make sure, and say so if not.
    let left = Instant::now() + Duration::from_secs(15);
    while window_procs.iter().any(|p| pid_alive(*p)) && Instant::now() < left {
        std::thread::sleep(Duration::from_millis(100));
    }
    for p in window_procs.iter().filter(|p| pid_alive(**p)) {
        println!("  WARNING: {} (pid {p}) outlived the window by 15 s; stopping it", comm(*p));
        terminate_pid(*p, Duration::from_secs(5));
    }
    on_bus(&session.address).into_iter().filter(|p| !before.contains(p)).collect()
}

fn main() {
    let secs = env_secs("KLAXON_BENCH_IDLE_SECS", 300);
    let after_secs = env_secs("KLAXON_BENCH_IDLE_AFTER_SECS", 60);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut session = Session::start(dir.path());
    session.start_keyring();
    session.start_notification_server();
    let xvfb = Xvfb::start();
    let port = free_port();
    let config = dir.path().join("klaxon.toml");
    let data = dir.path().join("data");
    std::fs::write(&config, team_file(port)).expect("team file");
    // Started at login: `klaxon-app --hidden` execs into the pager, so the child is the pager.
    let mut pager = Guard::spawn(
        "klaxon-app --hidden (the pager)",
        app_command(&session, &xvfb.display, dir.path(), &config, &data).arg("--hidden"),
    );
    let pid = pager.child.id();
    wait_until(60, "the pager's intake", || std::net::TcpStream::connect(("127.0.0.1", port)).ok());
    assert_eq!(comm(pid), "klaxon", "klaxon-app --hidden did not become the pager");
    assert_eq!(lock_pid(&data), Some(pid), "the pager does not own the data dir");
    std::thread::sleep(SETTLE);
    measure_and_print(
        pid,
        secs,
        "idle in the tray: klaxon-app --hidden, now the pager `klaxon watch --tray` (no pages, 10 s settle)",
    );

    let activated = open_and_close_window(&session, &xvfb.display, dir.path(), &config, &data);
    std::thread::sleep(SETTLE);
    measure_and_print(
        pid,
        after_secs,
        &format!(
            "idle in the tray after the window was opened and closed (pager only, 10 s settle, \
             {after_secs} s window; KLAXON_BENCH_IDLE_AFTER_SECS to change)"
        ),
    );

    if !activated.is_empty() {
        let rss: u64 = activated.iter().map(|p| kb(*p, "status", "VmRSS:")).sum();
        let pss: u64 = activated.iter().map(|p| kb(*p, "smaps_rollup", "Pss:")).sum();
        let names: Vec<String> = activated.iter().map(|p| comm(*p)).collect();
        println!(
            "  not in the pager's tree, still running: started by the session bus for the window \
             (a desktop session runs its own): {}; RSS {:.1} MB, PSS {:.1} MB",
            names.join(", "),
            mb(rss),
            mb(pss)
        );
    }

    let leftovers: Vec<u32> = tree(pid).into_iter().filter(|p| *p != pid).collect();
    for p in &leftovers {
        println!("WARNING: the pager has a child {} (pid {p}); stopping it", comm(*p));
        terminate_pid(*p, Duration::from_secs(5));
    }
    match pager.terminate(Duration::from_secs(15)) {
        Some(status) => println!("pager stopped (SIGTERM): {status}"),
        None => println!("WARNING: the pager did not stop on SIGTERM in 15 s; killed"),
    }
    // The bus would end them when it goes; stop them first, so the bench leaves nothing behind.
    for p in &activated {
        if !terminate_pid(*p, Duration::from_secs(5)) {
            println!("WARNING: {} (pid {p}) needed SIGKILL", comm(*p));
        }
    }
    if let Some(other) = lock_pid(&data) {
        println!("WARNING: pid {other} ({}) still owns the data dir; stopping it", comm(other));
        terminate_pid(other, Duration::from_secs(5));
    }
}
