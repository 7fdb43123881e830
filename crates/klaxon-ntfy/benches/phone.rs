//! The phone path's speed on loopback (issue 14's targets):
//! - page → ntfy publish received by the server: p99 ≤ 20 ms over 200 pages;
//! - phone press → incident acknowledged in the store: p99 ≤ 50 ms over 200 presses.
//!
//! `cargo bench -p klaxon-ntfy --bench phone` (release build; the real SQLite file, the intake
//! over HTTP, the ntfy fake, the reply listener and the dispatcher, as the pager runs them).
#![allow(clippy::unwrap_used, clippy::print_stdout)] // a benchmark binary: fail loudly, print results

#[path = "../tests/common/mod.rs"]
mod common;

use common::{Pager, TOPIC};
use klaxon_engine::core::IncidentStatus;
use klaxon_engine::secrets::SecretStore;
use std::time::{Duration, Instant};

const N: usize = 200;

fn p99(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let median = samples[samples.len() / 2];
    let p99 = samples[(samples.len() * 99).div_ceil(100) - 1];
    (median, p99)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let pager = Pager::start("").await;
    let token = pager.secrets.get(klaxon_engine::INTAKE_TOKEN_KEY).unwrap().unwrap();
    let url = format!("http://{}/v1/alerts", pager.engine.intake_addr().unwrap());
    let http = reqwest::Client::new();
    let mut publish = Vec::with_capacity(N);
    let mut pushes = Vec::with_capacity(N);
    for i in 0..N {
        let title = format!("bench page {i}");
        let body = serde_json::json!({"title": title, "severity": "sev1", "dedup_key": title});
        let started = Instant::now();
        let sent = http.post(&url).bearer_auth(token.expose()).json(&body).send().await.unwrap();
        assert!(sent.status().is_success());
        let wanted = title.clone();
        let push = pager.ntfy.wait_for(TOPIC, move |m| m.title == wanted, Duration::from_secs(10)).await.unwrap();
        publish.push(started.elapsed());
        pushes.push(push);
    }
    let incidents = pager.engine.klaxon().incident_page(false, 1000).await.unwrap().incidents;
    let mut acknowledge = Vec::with_capacity(N);
    for push in &pushes {
        let id = incidents.iter().find(|i| i.title == push.title).unwrap().id;
        let started = Instant::now();
        pager.ntfy.press(push.action("Acknowledge").unwrap()).await.unwrap();
        loop {
            if pager.engine.klaxon().store().incident(id).await.unwrap().status == IncidentStatus::Acknowledged {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "press not carried out");
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        acknowledge.push(started.elapsed());
    }
    let (m1, p1) = p99(publish);
    let (m2, p2) = p99(acknowledge);
    println!("page → ntfy publish received, {N} pages: median {:.2} ms, p99 {:.2} ms (target ≤ 20 ms)", ms(m1), ms(p1));
    println!(
        "phone press → acknowledged in the store, {N} presses: median {:.2} ms, p99 {:.2} ms (target ≤ 50 ms)",
        ms(m2),
        ms(p2)
    );
    pager.stop().await;
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
