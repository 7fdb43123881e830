//! The intake against slow, idle and too many connections, over real loopback TCP.
#![allow(clippy::unwrap_used)] // the helpers below (and in common/) are test code outside #[test] functions

mod common;

use common::{Recorder, connect, good_alert_request, json_of, read_response, read_until_closed, send};
use klaxon_core::team_file::Grouping;
use klaxon_providers::intake::ConnectionLimits;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::sync::Semaphore;

const BOUND: Duration = Duration::from_secs(5);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Writes `line(i)` every 100 ms, at most 50 times, until the server closes the connection.
fn trickle(
    mut out: tokio::net::tcp::OwnedWriteHalf,
    line: impl Fn(usize) -> String + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        for i in 0..50 {
            if out.write_all(line(i).as_bytes()).await.is_err() {
                return;
            }
            tokio::time::sleep(ms(100)).await;
        }
    })
}

#[tokio::test]
async fn silent_and_slow_header_connections_are_closed() {
    let limits = ConnectionLimits { header_read_timeout: ms(500), ..Default::default() };
    let sink = Arc::new(Recorder::default());
    let intake = common::start(Grouping::Alert, sink.clone(), limits).await;
    let connected = Instant::now();
    let mut silent = connect(intake.local_addr()).await;
    let (mut slow, out) = connect(intake.local_addr()).await.into_split();
    let head = "POST /v1/alerts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer test-token-123\r\n";
    let writer = trickle(out, move |i| if i == 0 { head.to_owned() } else { format!("X-Slow-{i}: 1\r\n") });
    let (said, _) = read_until_closed(&mut silent, BOUND).await;
    assert_eq!(said, "", "a connection that never sent a request is closed without an answer");
    let took = connected.elapsed();
    assert!(took >= ms(490), "closed by the timeout, not at once ({took:?})");
    // A header line every 100 ms does not keep the connection: the timeout is for the whole head.
    let (said, took) = read_until_closed(&mut slow, BOUND).await;
    assert_eq!(said, "");
    assert!(took < ms(4000), "closed long before the client stopped sending ({took:?})");
    writer.abort();
    assert_eq!(sink.stored(), 0);
    intake.shutdown().await.unwrap();
}

#[tokio::test]
async fn slow_bodies_get_408_and_unauthenticated_ones_are_not_read() {
    let limits = ConnectionLimits { body_timeout: ms(500), ..Default::default() };
    let sink = Arc::new(Recorder::default());
    let intake = common::start(Grouping::Alert, sink.clone(), limits).await;
    let head = |token: &str| {
        format!(
            "POST /v1/alerts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"title\": \""
        )
    };
    let (mut slow, out) = connect(intake.local_addr()).await.into_split();
    let first = head(common::TOKEN);
    // One byte every 100 ms keeps arriving: the limit is on the whole body, not between bytes.
    let writer = trickle(out, move |i| if i == 0 { first.clone() } else { "x".to_owned() });
    let (response, took) = read_until_closed(&mut slow, BOUND).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response:?}");
    let error = &json_of(&response)["error"];
    assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("request_timeout"), None), "{response:?}");
    assert!(took < ms(4000), "answered long before the client stopped sending ({took:?})");
    writer.abort();
    // Without the token the body is never waited for.
    let mut stranger = connect(intake.local_addr()).await;
    send(&mut stranger, &head("wrong")).await;
    let response = read_response(&mut stranger, BOUND).await;
    assert!(response.starts_with("HTTP/1.1 401"), "not a 408: the body was never read ({response:?})");
    assert_eq!(sink.stored(), 0);
    intake.shutdown().await.unwrap();
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed() {
    let limits = ConnectionLimits { header_read_timeout: ms(500), ..Default::default() };
    let intake = common::start(Grouping::Alert, Arc::new(Recorder::default()), limits).await;
    let mut conn = connect(intake.local_addr()).await;
    let mut last_request = Instant::now();
    for _ in 0..2 {
        last_request = Instant::now();
        send(&mut conn, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await;
        let response = read_response(&mut conn, BOUND).await;
        assert!(response.starts_with("HTTP/1.1 200"), "kept alive between requests: {response:?}");
    }
    let (said, _) = read_until_closed(&mut conn, BOUND).await;
    assert_eq!(said, "");
    let idle = last_request.elapsed();
    assert!(idle >= ms(490), "idle for the timeout first ({idle:?})");
    intake.shutdown().await.unwrap();
}

#[tokio::test]
async fn at_the_cap_the_longest_idle_connection_makes_room_and_busy_ones_finish() {
    // Long header timeout: only the cap frees places here.
    let limits =
        ConnectionLimits { max_connections: 3, header_read_timeout: Duration::from_secs(30), ..Default::default() };
    let sink = Arc::new(Recorder { gate: Some(Semaphore::new(0)), ..Default::default() });
    let intake = common::start(Grouping::Alert, sink.clone(), limits).await;
    let addr = intake.local_addr();
    let mut busy = connect(addr).await;
    send(&mut busy, &good_alert_request("held in the sink")).await;
    sink.waiting.notified().await;
    let mut oldest = connect(addr).await;
    let mut younger = connect(addr).await;
    // The cap is reached (busy, oldest, younger): a fourth connection takes the oldest idle one's place.
    let mut newcomer = connect(addr).await;
    send(&mut newcomer, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await;
    assert!(read_response(&mut newcomer, BOUND).await.starts_with("HTTP/1.1 200"));
    let (said, _) = read_until_closed(&mut oldest, BOUND).await;
    assert_eq!(said, "");
    send(&mut younger, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await;
    assert!(read_response(&mut younger, BOUND).await.starts_with("HTTP/1.1 200"), "the younger one stays");
    // The connection with a request in flight was never a candidate.
    sink.gate.as_ref().unwrap().add_permits(1);
    let response = read_response(&mut busy, BOUND).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response:?}");
    assert_eq!(sink.stored(), 1);
    intake.shutdown().await.unwrap();
}

#[tokio::test]
async fn shutdown_closes_idle_connections_and_finishes_requests_in_flight() {
    let limits = ConnectionLimits { header_read_timeout: Duration::from_secs(30), ..Default::default() };
    let sink = Arc::new(Recorder { gate: Some(Semaphore::new(0)), ..Default::default() });
    let intake = common::start(Grouping::Alert, sink.clone(), limits).await;
    let addr = intake.local_addr();
    let mut silent = connect(addr).await;
    let mut kept_alive = connect(addr).await;
    send(&mut kept_alive, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await;
    assert!(read_response(&mut kept_alive, BOUND).await.starts_with("HTTP/1.1 200"));
    let mut busy = connect(addr).await;
    send(&mut busy, &good_alert_request("in flight at shutdown")).await;
    sink.waiting.notified().await;
    let stopping = tokio::spawn(intake.shutdown());
    assert_eq!(read_until_closed(&mut silent, BOUND).await.0, "");
    assert_eq!(read_until_closed(&mut kept_alive, BOUND).await.0, "");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "no longer accepting");
    assert!(!stopping.is_finished(), "shutdown waits for the request in flight");
    sink.gate.as_ref().unwrap().add_permits(1);
    let (response, _) = read_until_closed(&mut busy, BOUND).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response:?}");
    tokio::time::timeout(BOUND, stopping).await.unwrap().unwrap().unwrap();
    assert_eq!(sink.stored(), 1);
}

/// What hyper refuses before any handler runs gets hyper's bare status (no JSON: hyper 1 has no
/// hook for it); what fails once a handler reads the body gets the JSON shape.
#[tokio::test]
async fn errors_below_the_handlers() {
    let intake = common::start(Grouping::Alert, Arc::new(Recorder::default()), ConnectionLimits::default()).await;
    let auth = "Authorization: Bearer test-token-123\r\nContent-Type: application/json\r\n";
    let many: String = (0..101).map(|i| format!("X-{i}: y\r\n")).collect();
    let cases = [
        ("a malformed request line", "GARBAGE\r\n\r\n".to_owned(), "400"),
        (
            "two different Content-Lengths",
            format!("POST /v1/alerts HTTP/1.1\r\nHost: h\r\n{auth}Content-Length: 13\r\nContent-Length: 5\r\n\r\n"),
            "400",
        ),
        ("101 headers", format!("GET /healthz HTTP/1.1\r\nHost: h\r\n{many}\r\n"), "431"),
    ];
    for (what, request, status) in cases {
        let mut conn = connect(intake.local_addr()).await;
        send(&mut conn, &request).await;
        let (response, _) = read_until_closed(&mut conn, BOUND).await;
        assert!(response.starts_with(&format!("HTTP/1.1 {status} ")), "{what}: {response:?}");
        assert_eq!(response.split_once("\r\n\r\n").map(|(_, body)| body), Some(""), "{what}: {response:?}");
    }
    let mut conn = connect(intake.local_addr()).await;
    let broken =
        format!("POST /v1/alerts HTTP/1.1\r\nHost: h\r\n{auth}Transfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n");
    send(&mut conn, &broken).await;
    let response = read_response(&mut conn, BOUND).await;
    assert!(response.starts_with("HTTP/1.1 400 "), "{response:?}");
    assert_eq!(json_of(&response)["error"]["code"], "invalid_body", "{response:?}");
    intake.shutdown().await.unwrap();
}
