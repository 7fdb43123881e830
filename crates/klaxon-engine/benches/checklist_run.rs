//! Benchmark: a 50-probe checklist on loopback — 30 TCP connects, 10 HTTP requests, 10 commands
//! that hang past their 2 s timeout — run the way `klaxon check` and the pager run it.
//! Run: cargo bench -p klaxon-engine --bench checklist_run
//! Target: wall time ≤ the longest probe timeout (2 s) + 1 s; CPU time per run reported.

use klaxon_engine::checklists::{CheckContext, HttpProbeOptions};
use klaxon_engine::core::checklist::RunTrigger;
use klaxon_engine::{HttpOptions, Klaxon, Paths};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const RUNS: usize = 5;
const TIMEOUT_SECS: u64 = 2;

/// This process's user + system CPU time (from /proc/self/stat, in clock ticks of 10 ms).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the command come state, ppid, …; utime and stime are the 14th and 15th fields overall.
    let field = |n: usize| fields.get(n).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    let ticks = field(11) + field(12);
    Duration::from_millis(ticks * 10)
}

/// A loopback HTTP server answering 200 to everything.
async fn http_server() -> std::io::Result<u16> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 2048];
                let _ = stream.read(&mut buf).await;
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").await;
            });
        }
    });
    Ok(port)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("klaxon.toml");
    std::fs::write(&config, "me = \"alex\"\n[[people]]\nid = \"alex\"\n")?;
    // A server that accepts (and closes) what connects, as a real one does.
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let tcp_port = tcp.local_addr()?.port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = tcp.accept().await {
            drop(stream);
        }
    });
    let http_port = http_server().await?;
    let mut text = String::from("title = \"Bench\"\n");
    for n in 0..30 {
        write!(
            text,
            "[[items]]\nid = \"tcp{n}\"\ntitle = \"T\"\ntimeout = \"{TIMEOUT_SECS}s\"\ntcp = {{ host = \"127.0.0.1\", port = {tcp_port} }}\n"
        )?;
    }
    for n in 0..10 {
        write!(
            text,
            "[[items]]\nid = \"http{n}\"\ntitle = \"H\"\ntimeout = \"{TIMEOUT_SECS}s\"\nhttp = {{ url = \"http://127.0.0.1:{http_port}/health\" }}\n"
        )?;
    }
    for n in 0..10 {
        write!(
            text,
            "[[items]]\nid = \"hang{n}\"\ntitle = \"C\"\ntimeout = \"{TIMEOUT_SECS}s\"\ncommand = {{ argv = [\"sleep\", \"60\"] }}\n"
        )?;
    }
    let lists = dir.path().join("checklists");
    std::fs::create_dir_all(&lists)?;
    let path = lists.join("bench.toml");
    std::fs::write(&path, text)?;
    let klaxon = Arc::new(Klaxon::open(Paths { data_dir: dir.path().join("data"), config_file: config }, false).await?);
    klaxon.allow_checklist(&path).await?;
    let list = klaxon.checklist("bench")?;
    let ctx = CheckContext {
        secrets: klaxon_engine::secrets::os_store(),
        http: HttpOptions::default(),
        deliveries: vec![],
        probes: HttpProbeOptions::default(),
        phone: None,
    };

    let (mut walls, mut cpus) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let (cpu, began) = (cpu_time(), Instant::now());
        let report = klaxon.run_checklist(&list, RunTrigger::Asked, None, &ctx).await?.ok_or("an asked run ran")?;
        walls.push(began.elapsed());
        cpus.push(cpu_time().saturating_sub(cpu));
        let passed =
            report.results.iter().filter(|r| r.outcome == klaxon_engine::core::checklist::Outcome::Pass).count();
        if passed != 40 {
            return Err(format!("40 probes should pass, {passed} did: {:?}", report.results).into());
        }
    }
    walls.sort();
    cpus.sort();
    let worst = walls[RUNS - 1];
    println!("50 probes (30 tcp, 10 http, 10 commands hanging past {TIMEOUT_SECS} s), {RUNS} runs:");
    println!(
        "  wall: median {:.2} s, worst {:.2} s (target ≤ {} s)",
        walls[RUNS / 2].as_secs_f64(),
        worst.as_secs_f64(),
        TIMEOUT_SECS + 1
    );
    println!("  CPU time per run: median {} ms, worst {} ms", cpus[RUNS / 2].as_millis(), cpus[RUNS - 1].as_millis());
    klaxon.close().await;
    if worst > Duration::from_secs(TIMEOUT_SECS + 1) {
        return Err("a run took longer than the longest timeout plus a second".into());
    }
    Ok(())
}
