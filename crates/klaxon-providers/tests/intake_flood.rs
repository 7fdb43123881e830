//! Floods of connections against an intake whose process has fewer file descriptors than the
//! flood has connections. The intake runs in a child process (this test binary again, under
//! util-linux `prlimit`), so only it has the lowered limit; the flood comes from this process.
#![cfg(target_os = "linux")] // prlimit and /proc
#![allow(clippy::unwrap_used)] // the helpers below (and in common/) are test code outside #[test] functions

mod common;

use common::Recorder;
use klaxon_core::team_file::Grouping;
use klaxon_providers::intake::ConnectionLimits;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const CHILD: &str = "KLAXON_INTAKE_FLOOD_CHILD";
const BOUND: Duration = Duration::from_secs(20);

/// Not a test of its own: the intake process the tests below start. Does nothing unless they set
/// `KLAXON_INTAKE_FLOOD_CHILD` to `<max_connections>,<header_read_timeout_ms>`.
#[test]
fn flood_child() {
    let Ok(spec) = std::env::var(CHILD) else { return };
    let (max, header_ms) = spec.split_once(',').unwrap();
    let limits = ConnectionLimits {
        max_connections: max.parse().unwrap(),
        header_read_timeout: Duration::from_millis(header_ms.parse().unwrap()),
        body_timeout: Duration::from_secs(5),
    };
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_ansi(false).with_env_filter("info").init();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let intake = common::start(Grouping::Alert, Arc::new(Recorder::default()), limits).await;
        let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
        let files = limits.lines().find(|l| l.starts_with("Max open files")).unwrap();
        println!("files={}", files.split_whitespace().nth(3).unwrap());
        println!("listening={}", intake.local_addr());
        // Serve until the test closes stdin.
        tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await.unwrap().unwrap();
        intake.shutdown().await.unwrap();
    });
}

/// The intake process; killed when dropped.
struct Child {
    process: std::process::Child,
    addr: SocketAddr,
    /// The intake's log, line by line.
    log: Receiver<String>,
    started: Instant,
}

impl Child {
    fn start(files: u32, max_connections: usize, header_read_timeout: Duration) -> Self {
        let started = Instant::now();
        let mut process = Command::new("prlimit")
            .arg(format!("--nofile={files}:{files}"))
            .arg("--")
            .arg(std::env::current_exe().unwrap())
            .args(["flood_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, format!("{max_connections},{}", header_read_timeout.as_millis()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot run prlimit (util-linux)");
        let (out, stdout) = channel();
        let lines = BufReader::new(process.stdout.take().unwrap()).lines();
        std::thread::spawn(move || lines.map_while(Result::ok).try_for_each(|l| out.send(l)));
        let (err, log) = channel();
        let lines = BufReader::new(process.stderr.take().unwrap()).lines();
        std::thread::spawn(move || lines.map_while(Result::ok).try_for_each(|l| err.send(l)));
        let mut child = Self { process, addr: "0.0.0.0:0".parse().unwrap(), log, started };
        let mut limit = None;
        while child.addr.port() == 0 {
            let line = stdout.recv_timeout(BOUND).expect("the intake process did not start");
            // The harness may print `test flood_child ... ` on the same line first.
            if let Some((_, n)) = line.split_once("files=") {
                limit = Some(n.to_owned());
            } else if let Some((_, addr)) = line.split_once("listening=") {
                child.addr = addr.parse().unwrap();
            }
        }
        assert_eq!(limit, Some(files.to_string()), "the intake runs with the lowered file limit");
        child
    }

    /// Waits (at most `BOUND`) for a log line containing all of `words`.
    fn wait_for_log(&self, words: &[&str]) -> String {
        let deadline = Instant::now() + BOUND;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.log.recv_timeout(left).unwrap_or_else(|_| panic!("no log line with {words:?}"));
            if words.iter().all(|w| line.contains(w)) {
                return line;
            }
        }
    }

    /// CPU time the process has used (user + system), from /proc (in USER_HZ = 1/100 s ticks).
    fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.process.id())).unwrap();
        let fields: Vec<&str> = stat.rsplit_once(") ").unwrap().1.split(' ').collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        Duration::from_millis(ticks * 10)
    }

    fn still_running(&mut self) -> bool {
        self.process.try_wait().unwrap().is_none()
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// `count` connections that never finish a request: every other one silent, the rest stopping
/// partway through the headers. They stay open on this side until dropped. Connecting stalls
/// once the listen backlog is full, so an intake that stops accepting fails here.
async fn flood(addr: SocketAddr, count: usize) -> Vec<TcpStream> {
    let connect_all = async {
        let mut open = Vec::with_capacity(count);
        for i in 0..count {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            if i % 2 == 1 {
                let _ = stream.write_all(b"POST /v1/alerts HTTP/1.1\r\nHost: 127.0.0.1\r\n").await;
            }
            open.push(stream);
        }
        open
    };
    tokio::time::timeout(BOUND, connect_all).await.expect("the intake stopped accepting connections")
}

/// A good, authenticated alert sent the ordinary way: its status, and how long it took.
async fn good_alert(addr: SocketAddr) -> (reqwest::StatusCode, Duration) {
    let started = Instant::now();
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/v1/alerts"))
        .bearer_auth(common::TOKEN)
        .json(&serde_json::json!({"title": "real alert during a flood"}))
        .timeout(BOUND)
        .send()
        .await
        .expect("the real alert got no answer");
    (response.status(), started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_over_the_file_limit_does_not_starve_real_senders() {
    // 128 descriptors, 32 connections at most, and a header timeout far longer than the test:
    // the flood's connections are only ever closed to make room.
    let child = Child::start(128, 32, Duration::from_secs(120));
    let held = flood(child.addr, 300).await;
    let (status, took) = good_alert(child.addr).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(took < Duration::from_secs(10), "answered in {took:?}");
    child.wait_for_log(&["connection limit reached", "limit=32"]);
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_file_descriptors_the_intake_backs_off_and_keeps_serving() {
    // A cap above the file limit: `accept` itself fails (EMFILE) once the flood holds them all.
    let mut child = Child::start(64, 10_000, Duration::from_secs(120));
    let held = flood(child.addr, 200).await;
    let line = child.wait_for_log(&["cannot accept connections", "os error 24"]);
    assert!(line.contains("WARN"), "{line}");
    let (status, took) = good_alert(child.addr).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(took < Duration::from_secs(10), "answered in {took:?}");
    assert!(child.still_running());
    let (cpu, wall) = (child.cpu_time(), child.started.elapsed());
    assert!(cpu < wall / 2, "no busy loop: {cpu:?} of CPU in {wall:?}");
    drop(held);
}
