//! A fake paging platform in its own process (for benchmarks and trying Klaxon out without an
//! account): `klaxon-fake pagerduty|grafana-oncall|goalert [--incidents N] [--shift-days D]`.
//! Prints its URL and token on stdout and serves on 127.0.0.1 until stdin closes. Lines on stdin:
//! `count` prints `requests N` (how many requests it has answered); `trigger TITLE` adds a
//! triggered incident assigned to me and prints `triggered ID`; `resolve-all-but N` resolves all
//! but the newest N open incidents and prints `resolved COUNT`.

use chrono::Utc;
use klaxon_fakes::goalert::GoAlertFake;
use klaxon_fakes::grafana_oncall::GrafanaOncallFake;
use klaxon_fakes::pagerduty::PagerDutyFake;
use klaxon_fakes::{FakeServer, Shared};
use std::io::BufRead;
use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: klaxon-fake pagerduty|grafana-oncall|goalert [--incidents N] [--shift-days D]");
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(kind) = args.first().cloned() else { return usage() };
    let mut incidents = 0usize;
    let mut shift_days = 0i64;
    let mut rest = args[1..].iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().and_then(|v| v.parse::<i64>().ok());
        match (flag.as_str(), value) {
            ("--incidents", Some(n)) if n >= 0 => incidents = usize::try_from(n).unwrap_or(0),
            ("--shift-days", Some(d)) if d >= 0 => shift_days = d,
            _ => return usage(),
        }
    }
    let now = Utc::now();
    let started = match kind.as_str() {
        "pagerduty" => PagerDutyFake::start(now)
            .await
            .map(|f| (f.url(), PagerDutyFake::TOKEN, f.state.clone(), Box::new(f) as Box<dyn Server>)),
        "grafana-oncall" => GrafanaOncallFake::start(now)
            .await
            .map(|f| (f.url(), GrafanaOncallFake::TOKEN, f.state.clone(), Box::new(f) as Box<dyn Server>)),
        "goalert" => GoAlertFake::start(now)
            .await
            .map(|f| (f.url(), GoAlertFake::TOKEN, f.state.clone(), Box::new(f) as Box<dyn Server>)),
        _ => return usage(),
    };
    let (url, token, state, server): (String, &str, Shared, Box<dyn Server>) = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("klaxon-fake: cannot listen: {e}");
            return ExitCode::from(1);
        }
    };
    state.trigger_many(incidents, now);
    if shift_days > 0 {
        state.rolling_shifts(now, shift_days / 2, shift_days - shift_days / 2, 12);
    }
    println!("url {url}");
    println!("token {token}");
    // Served until whoever started us closes our stdin.
    let (lines, mut commands) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    while let Some(line) = commands.recv().await {
        match line.trim().split_once(' ').unwrap_or((line.trim(), "")) {
            ("count", _) => println!("requests {}", server.server().request_count()),
            ("resolve-all-but", n) => {
                let keep = n.trim().parse::<usize>().unwrap_or(0);
                let mut p = state.lock();
                let open: Vec<String> = p
                    .incidents
                    .values()
                    .filter(|i| i.status != klaxon_fakes::FakeStatus::Resolved)
                    .map(|i| i.id.clone())
                    .collect();
                let count = open.len().saturating_sub(keep);
                let now = Utc::now();
                for id in &open[..count] {
                    if let Some(i) = p.incidents.get_mut(id) {
                        i.status = klaxon_fakes::FakeStatus::Resolved;
                        i.resolved_at = Some(now);
                        i.updated_at = now;
                    }
                }
                println!("resolved {count}");
            }
            ("trigger", title) => println!("triggered {}", state.trigger(title, &["U_ME"], Utc::now())),
            _ => eprintln!("klaxon-fake: unknown command {line:?}"),
        }
    }
    ExitCode::SUCCESS
}

/// The part of each fake this program needs.
trait Server {
    fn server(&self) -> &FakeServer;
}

impl Server for PagerDutyFake {
    fn server(&self) -> &FakeServer {
        &self.server
    }
}

impl Server for GrafanaOncallFake {
    fn server(&self) -> &FakeServer {
        &self.server
    }
}

impl Server for GoAlertFake {
    fn server(&self) -> &FakeServer {
        &self.server
    }
}
