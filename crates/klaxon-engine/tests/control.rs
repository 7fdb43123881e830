//! The control socket on a real Unix socket: a window in another process sees pages, acts on
//! them, is the only window, and bad input or a vanished pager never crashes either side.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use common::{Recorder, Setup, post, wait_for};
use klaxon_engine::control::{
    Act, ActionOutcome, AttachWindow, ControlClient, ControlServer, Dispatcher, EscalateRinging, GetRingState,
    IpcErrorCode, ListIncidents, Mute, PagerShell, Quit, Windows, WireEvent, socket_path,
};
use klaxon_engine::core::{IncidentPage, IncidentStatus};
use klaxon_engine::{RingState, UserAction};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::UnboundedReceiver;

async fn next_ringing(events: &mut UnboundedReceiver<WireEvent>, ringing: bool) -> RingState {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv()).await.expect("ringing event in time");
        if let Some(WireEvent::Ringing { ring }) = event
            && ring.current.is_some() == ringing
        {
            return ring;
        }
    }
}

struct Served {
    engine: Arc<klaxon_engine::Engine>,
    dispatcher: Arc<Dispatcher>,
    quit: Arc<tokio::sync::Notify>,
    server: ControlServer,
}

async fn served(setup: &Setup) -> Served {
    let engine = Arc::new(setup.engine(vec![Recorder::new("notification", false)]).await);
    let windows = Arc::new(Windows::new(None));
    let shell = Arc::new(PagerShell::new(windows.clone()));
    let quit = shell.quit_requested();
    let dispatcher = Arc::new(Dispatcher::new(engine.clone(), shell));
    let server = ControlServer::start(dispatcher.clone(), windows, &socket_path(&setup.paths)).await.unwrap();
    Served { engine, dispatcher, quit, server }
}

#[tokio::test]
async fn a_window_over_the_socket_sees_pages_and_acknowledges_them() {
    let setup = Setup::new("5m");
    let Served { engine, server, .. } = served(&setup).await;
    let (client, mut events) = ControlClient::connect(server.path()).await.unwrap();
    let attached = client.call(AttachWindow {}).await.unwrap();
    assert!(attached.first);

    let resp = post(&engine, &setup.token(), "/v1/alerts", json!({"title": "db down", "severity": "sev1"})).await;
    assert!(resp.status().is_success(), "{}", resp.status());
    let ring = next_ringing(&mut events, true).await;
    let id = ring.current.unwrap().id;

    let page: IncidentPage = client.call(ListIncidents { all: false }).await.unwrap();
    assert_eq!(page.incidents.iter().map(|i| i.title.as_str()).collect::<Vec<_>>(), ["db down"]);
    let outcome: ActionOutcome = client.call(Act { id: id.0, action: UserAction::Acknowledge }).await.unwrap();
    assert_eq!(outcome.incident.status, IncidentStatus::Acknowledged);
    assert!(next_ringing(&mut events, false).await.current.is_none());
    let stored = setup.klaxon().await.incident(id).await.unwrap();
    assert_eq!(stored.incident.status, IncidentStatus::Acknowledged, "in the store, not just the answer");
}

#[tokio::test]
async fn only_one_window_attaches_and_a_second_raises_the_first() {
    let setup = Setup::new("5m");
    let Served { server, .. } = served(&setup).await;
    let (first, mut first_events) = ControlClient::connect(server.path()).await.unwrap();
    let (second, _) = ControlClient::connect(server.path()).await.unwrap();
    assert!(first.call(AttachWindow {}).await.unwrap().first);
    assert!(!second.call(AttachWindow {}).await.unwrap().first);
    let shown = tokio::time::timeout(Duration::from_secs(5), first_events.recv()).await.unwrap();
    assert_eq!(shown, Some(WireEvent::ShowWindow));
    // The first window goes away: the next one attaches.
    drop(first);
    drop(first_events);
    wait_for(5, "the first window to detach", || async {
        let (c, _) = ControlClient::connect(server.path()).await.unwrap();
        c.call(AttachWindow {}).await.unwrap().first
    })
    .await;
}

#[tokio::test]
async fn bad_requests_get_errors_naming_the_field_and_the_connection_lives_on() {
    let setup = Setup::new("5m");
    let Served { server, .. } = served(&setup).await;
    let stream = tokio::net::UnixStream::connect(server.path()).await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"this is not json\n").await.unwrap();
    let reply: serde_json::Value = serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
    assert_eq!(reply["reply"]["id"], 0);
    assert_eq!(reply["reply"]["result"]["Err"]["code"], "invalid_input", "{reply}");
    write.write_all(b"{\"id\": 5, \"request\": {\"call\": \"mute\", \"minutes\": 0}}\n").await.unwrap();
    let reply: serde_json::Value = serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
    assert_eq!(reply["reply"]["id"], 5);
    assert!(reply["reply"]["result"]["Err"]["message"].as_str().unwrap().starts_with("minutes:"), "{reply}");
    write.write_all(b"{\"id\": 6, \"request\": {\"call\": \"get_ring_state\"}}\n").await.unwrap();
    let reply: serde_json::Value = serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
    assert_eq!(reply["reply"]["id"], 6);
    assert!(reply["reply"]["result"]["Ok"].is_object(), "{reply}");
}

#[tokio::test]
async fn the_socket_is_private_and_a_stale_one_is_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let setup = Setup::new("5m");
    std::fs::create_dir_all(&setup.paths.data_dir).unwrap();
    // A crashed pager's socket file: nobody listens on it.
    drop(std::os::unix::net::UnixListener::bind(socket_path(&setup.paths)).unwrap());
    let Served { server, .. } = served(&setup).await;
    let mode = std::fs::metadata(server.path()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let (client, _) = ControlClient::connect(server.path()).await.unwrap();
    client.call(GetRingState {}).await.unwrap();
    server.stop();
    assert!(!server.path().exists(), "stopping removes the socket");
}

#[tokio::test]
async fn a_pager_that_goes_away_fails_calls_with_the_pager_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klaxon.sock");
    let listener = tokio::net::UnixListener::bind(&path).unwrap();
    tokio::spawn(async move {
        // Reads one request, then dies without answering.
        let (stream, _) = listener.accept().await.unwrap();
        let mut lines = BufReader::new(stream).lines();
        let _ = lines.next_line().await;
    });
    let (client, mut events) = ControlClient::connect(&path).await.unwrap();
    let err = client.call(GetRingState {}).await.unwrap_err();
    assert_eq!(err.code, IpcErrorCode::Pager, "{err:?}");
    assert_eq!(tokio::time::timeout(Duration::from_secs(5), events.recv()).await.unwrap(), None, "events end");
}

#[tokio::test]
async fn the_trays_calls_and_quit_go_through_the_dispatcher() {
    let setup = Setup::new("5m");
    let Served { engine, dispatcher, quit, server } = served(&setup).await;
    let (client, mut events) = ControlClient::connect(server.path()).await.unwrap();
    assert_eq!(dispatcher.call(EscalateRinging {}).await.unwrap(), None, "nothing rings: nothing escalated");
    let resp = post(&engine, &setup.token(), "/v1/alerts", json!({"title": "disk full", "severity": "sev1"})).await;
    assert!(resp.status().is_success(), "{}", resp.status());
    let id = next_ringing(&mut events, true).await.current.unwrap().id;

    let muted = dispatcher.call(Mute { minutes: 5 }).await.unwrap();
    assert!(muted.muted, "{muted:?}");
    let escalated = dispatcher.call(EscalateRinging {}).await.unwrap().expect("the ringing page escalated");
    assert_eq!(escalated.incident.id, id);
    assert_eq!(escalated.incident.escalation_level, 2, "{escalated:?}");

    // Quit from a client (`klaxon stop`) reaches the pager's loop through its shell.
    let quitting = tokio::spawn(async move { quit.notified().await });
    client.call(Quit {}).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), quitting).await.expect("quit requested").unwrap();
}

#[tokio::test]
async fn change_events_name_what_changed() {
    let setup = Setup::new("5m");
    let Served { engine, server, .. } = served(&setup).await;
    let (client, mut events) = ControlClient::connect(server.path()).await.unwrap();
    client.call(GetRingState {}).await.unwrap();
    post(&engine, &setup.token(), "/v1/alerts", json!({"title": "queue slow", "severity": "sev3"})).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let what = loop {
        match tokio::time::timeout_at(deadline, events.recv()).await.expect("a change event in time") {
            Some(WireEvent::Changed { what }) => break what,
            Some(_) => {}
            None => panic!("events ended"),
        }
    };
    assert_eq!(what, [klaxon_engine::Resource::Incidents], "a new alert changes incidents only");
}
