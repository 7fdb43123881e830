//! The tcp probe against real loopback sockets: a listener, a closed port, a full backlog.

use klaxon_core::checklist::Outcome;
use klaxon_probes::tcp;
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket, TcpStream};

const GENEROUS: Duration = Duration::from_secs(5);

#[tokio::test]
async fn a_listener_passes_by_address_and_by_name() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let f = tcp("127.0.0.1", port, GENEROUS).await;
    assert_eq!(f.outcome, Outcome::Pass, "{f:?}");
    assert_eq!(f.evidence.checked, format!("tcp 127.0.0.1:{port}"));
    assert!(f.evidence.result.starts_with("connected in ") && f.evidence.result.ends_with(" ms"), "{f:?}");
    assert!(f.evidence.took_ms < 5000);
    let named = tcp("localhost", port, GENEROUS).await;
    assert_eq!(named.outcome, Outcome::Pass, "{named:?}");
    assert!(named.evidence.result.ends_with(" to 127.0.0.1"), "says where it connected: {named:?}");
}

#[tokio::test]
async fn a_closed_port_is_refused() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let f = tcp("127.0.0.1", port, GENEROUS).await;
    assert_eq!(f.outcome, Outcome::Fail);
    assert_eq!(f.evidence.result, "connection refused");
}

#[tokio::test]
async fn a_name_that_does_not_resolve_says_so() {
    // `.invalid` never resolves (RFC 6761); a resolver that cannot be reached times out instead.
    let f = tcp("no-such-host.invalid", 443, GENEROUS).await;
    assert_eq!(f.outcome, Outcome::Fail);
    assert!(
        f.evidence.result == "no-such-host.invalid does not resolve" || f.evidence.result.starts_with("timed out"),
        "{f:?}"
    );
}

/// A listener whose accept queue is full drops further SYNs (Linux), so a connect hangs until
/// the probe's timeout: a deterministic timeout on loopback.
#[tokio::test]
async fn a_full_backlog_times_out() {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();
    let _listener = socket.listen(0).unwrap();
    // Fill the queue (never accepted): keep connecting until one hangs.
    let mut held = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(Duration::from_millis(500), TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => held.push(stream),
            Ok(Err(e)) => panic!("filling the backlog: {e}"),
            Err(_) => break,
        }
    }
    assert!(held.len() < 8, "the backlog never filled");
    let f = tcp("127.0.0.1", addr.port(), Duration::from_millis(300)).await;
    assert_eq!(f.outcome, Outcome::Fail, "{f:?}");
    assert_eq!(f.evidence.result, "timed out after 300 ms");
    assert!((300..3000).contains(&f.evidence.took_ms), "{f:?}");
}
