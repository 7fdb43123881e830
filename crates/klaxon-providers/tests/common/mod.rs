//! Shared by the intake's integration tests: a recording sink, a started intake, raw connections.
#![allow(dead_code, reason = "each test file uses a different part")]

use klaxon_core::team_file::Grouping;
use klaxon_core::{Alert, IncidentId, Secret};
use klaxon_providers::intake::{Accepted, AlertSink, Change, ConnectionLimits, IntakeConfig, IntakeHandle, serve};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, Semaphore};

pub const TOKEN: &str = "test-token-123";

/// Stores what it is given; optionally fails, or holds each ingest until `gate` gives a permit.
#[derive(Default)]
pub struct Recorder {
    pub alerts: Mutex<Vec<Alert>>,
    pub fail: bool,
    pub gate: Option<Semaphore>,
    /// Notified when an ingest starts waiting at the gate.
    pub waiting: Notify,
}

impl AlertSink for Recorder {
    async fn ingest(&self, alerts: Vec<Alert>) -> Result<Vec<Accepted>, Box<dyn std::error::Error + Send + Sync>> {
        if self.fail {
            return Err("disk on fire".into());
        }
        if let Some(gate) = &self.gate {
            self.waiting.notify_one();
            gate.acquire().await?.forget();
        }
        let mut all = self.alerts.lock().unwrap();
        let out = alerts
            .iter()
            .enumerate()
            .map(|(i, _)| Accepted { incident: Some(IncidentId((all.len() + i + 1) as i64)), change: Change::Created })
            .collect();
        all.extend(alerts);
        Ok(out)
    }
}

impl Recorder {
    pub fn stored(&self) -> usize {
        self.alerts.lock().unwrap().len()
    }
}

pub async fn start(grouping: Grouping, sink: Arc<Recorder>, limits: ConnectionLimits) -> IntakeHandle {
    let config =
        IntakeConfig { limits, ..IntakeConfig::new("127.0.0.1:0".parse().unwrap(), Secret::new(TOKEN), grouping) };
    serve(config, sink).await.unwrap()
}

/// A complete, authenticated `POST /v1/alerts` with a good alert, as raw HTTP/1.1.
pub fn good_alert_request(title: &str) -> String {
    let body = serde_json::json!({ "title": title }).to_string();
    format!(
        "POST /v1/alerts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Reads until the server closes the connection (EOF or reset), at most `bound`: what it sent, and
/// how long that took. Panics if the connection is still open after `bound`.
pub async fn read_until_closed(stream: &mut (impl AsyncRead + Unpin), bound: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at((started + bound).into(), stream.read(&mut buf)).await {
            Err(_) => {
                panic!("the intake kept the connection open for {bound:?} (got {:?})", String::from_utf8_lossy(&got))
            }
            Ok(Ok(0) | Err(_)) => return (String::from_utf8_lossy(&got).into_owned(), started.elapsed()),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Reads one response whose body is `Content-Length` long, within `bound`; the connection stays open.
pub async fn read_response(stream: &mut (impl AsyncRead + Unpin), bound: Duration) -> String {
    let read = async {
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let text = String::from_utf8_lossy(&got).into_owned();
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end]
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                    .map_or(0, |v| v.parse::<usize>().unwrap());
                if got.len() >= end + 4 + length {
                    return text;
                }
            }
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "closed mid-response: {text:?}");
            got.extend_from_slice(&buf[..n]);
        }
    };
    tokio::time::timeout(bound, read).await.expect("no complete response in time")
}

/// The JSON body of a raw response.
pub fn json_of(response: &str) -> serde_json::Value {
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {response:?}"))
}

pub async fn connect(addr: std::net::SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.unwrap()
}

pub async fn send(stream: &mut (impl AsyncWriteExt + Unpin), bytes: &str) {
    stream.write_all(bytes.as_bytes()).await.unwrap();
}
