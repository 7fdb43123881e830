//! Fetching feeds from a loopback HTTP server (conditional requests, errors, limits) and from
//! files.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod support;

use axum::Router;
use axum::http::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use klaxon_ical::{Fetched, IcalError, MAX_FEED_BYTES, Validators, fetch};
use std::net::SocketAddr;
use support::fixture;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

const ETAG_V1: &str = "\"v1\"";
const MODIFIED: &str = "Wed, 01 Jan 2025 05:00:00 GMT";

/// The feed, answered 304 when the request names its ETag or its date.
async fn feed(headers: HeaderMap) -> Response {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if header(IF_NONE_MATCH) == Some(ETAG_V1) || header(IF_MODIFIED_SINCE) == Some(MODIFIED) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    (
        [(CONTENT_TYPE, "text/calendar; charset=utf-8"), (ETAG, ETAG_V1), (LAST_MODIFIED, MODIFIED)],
        fixture("goalert.ics"),
    )
        .into_response()
}

/// A loopback server with the feed under a secret path, a failing path, a login page and a huge feed.
async fn serve() -> SocketAddr {
    let app = Router::new()
        .route("/private/{token}/feed", get(feed))
        .route("/private/{token}/boom", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .route("/login", get(|| async { ([(CONTENT_TYPE, "text/html")], "<!DOCTYPE html><html>Sign in</html>") }))
        .route("/huge", get(|| async { format!("BEGIN:VCALENDAR\r\n{}", "X".repeat(MAX_FEED_BYTES)) }));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

fn fresh(fetched: Fetched) -> (String, Validators) {
    match fetched {
        Fetched::Fresh { body, validators } => (body, validators),
        Fetched::NotModified => panic!("expected a fresh feed"),
    }
}

#[tokio::test]
async fn a_feed_then_not_modified_by_etag_or_date() {
    let addr = serve().await;
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/private/s3cr3t/feed");
    let (body, validators) = fresh(fetch(&client, &url, &Validators::default()).await.unwrap());
    assert_eq!(body, fixture("goalert.ics"));
    assert_eq!(validators, Validators { etag: Some(ETAG_V1.into()), last_modified: Some(MODIFIED.into()) });
    assert_eq!(klaxon_ical::validate(&body).unwrap(), 3);

    assert_eq!(fetch(&client, &url, &validators).await.unwrap(), Fetched::NotModified);
    let by_date = Validators { etag: None, last_modified: Some(MODIFIED.into()) };
    assert_eq!(fetch(&client, &url, &by_date).await.unwrap(), Fetched::NotModified);
    let stale = Validators { etag: Some("\"v0\"".into()), last_modified: None };
    assert!(matches!(fetch(&client, &url, &stale).await.unwrap(), Fetched::Fresh { .. }));
}

#[tokio::test]
async fn server_errors_and_other_bodies_are_errors_that_keep_the_token_secret() {
    let addr = serve().await;
    let client = reqwest::Client::new();
    let none = Validators::default();

    let error = fetch(&client, &format!("http://{addr}/private/s3cr3t/boom"), &none).await.unwrap_err();
    assert!(matches!(error, IcalError::HttpStatus { status: 500, .. }), "{error:?}");
    assert_eq!(error.to_string(), format!("http://127.0.0.1:{}/…: the server answered HTTP 500", addr.port()));

    let error = fetch(&client, &format!("http://{addr}/private/s3cr3t/missing"), &none).await.unwrap_err();
    assert!(matches!(error, IcalError::HttpStatus { status: 404, .. }), "{error:?}");

    let error = fetch(&client, &format!("http://{addr}/login"), &none).await.unwrap_err();
    assert!(
        matches!(&error, IcalError::NotCalendarBody { content_type, start, .. } if content_type == "text/html" && start.starts_with("<!DOCTYPE html>")),
        "{error:?}"
    );

    let error = fetch(&client, &format!("http://{addr}/huge"), &none).await.unwrap_err();
    assert!(matches!(error, IcalError::TooLarge { .. }), "{error:?}");

    // Nothing listens there any more.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let error = fetch(&client, &format!("http://{closed}/private/s3cr3t/feed"), &none).await.unwrap_err();
    assert!(matches!(error, IcalError::Network { .. }), "{error:?}");
    assert!(!error.to_string().contains("s3cr3t"), "{error}");

    let error = fetch(&client, "ftp://example.com/private/s3cr3t/feed.ics", &none).await.unwrap_err();
    assert!(matches!(error, IcalError::UnsupportedSource { .. }), "{error:?}");
    assert!(!error.to_string().contains("s3cr3t"), "{error}");
}

#[tokio::test]
async fn a_body_without_a_length_is_bounded_while_it_streams() {
    // A server that streams a chunked body past the limit, never saying how long it is.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await.unwrap();
        socket.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").await.unwrap();
        let chunk = format!("BEGIN:VCALENDAR\r\n{}", "X".repeat(1 << 20));
        for _ in 0..16 {
            let framed = format!("{:x}\r\n{chunk}\r\n", chunk.len());
            if socket.write_all(framed.as_bytes()).await.is_err() {
                return; // the client stopped reading
            }
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
    });
    let error =
        fetch(&reqwest::Client::new(), &format!("http://{addr}/feed"), &Validators::default()).await.unwrap_err();
    assert!(matches!(error, IcalError::TooLarge { limit: MAX_FEED_BYTES, .. }), "{error:?}");
}

#[tokio::test]
async fn a_file_by_path_or_url_and_not_modified_while_it_stays_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oncall.ics");
    std::fs::write(&path, fixture("pagerduty.ics")).unwrap();
    let client = reqwest::Client::new();

    let (body, validators) = fresh(fetch(&client, path.to_str().unwrap(), &Validators::default()).await.unwrap());
    assert_eq!(body, fixture("pagerduty.ics"));
    assert!(validators.etag.is_some() && validators.last_modified.is_some(), "{validators:?}");
    assert_eq!(fetch(&client, path.to_str().unwrap(), &validators).await.unwrap(), Fetched::NotModified);

    let url = url::Url::from_file_path(&path).unwrap().to_string();
    assert_eq!(fetch(&client, &url, &validators).await.unwrap(), Fetched::NotModified);
    std::fs::write(&path, fixture("goalert.ics")).unwrap();
    let (body, _) = fresh(fetch(&client, &url, &validators).await.unwrap());
    assert_eq!(body, fixture("goalert.ics"));

    let error = fetch(&client, dir.path().join("missing.ics").to_str().unwrap(), &validators).await.unwrap_err();
    assert!(matches!(error, IcalError::File { .. }), "{error:?}");
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a calendar").unwrap();
    let error = fetch(&client, notes.to_str().unwrap(), &Validators::default()).await.unwrap_err();
    assert!(matches!(error, IcalError::NotCalendarBody { .. }), "{error:?}");
}
