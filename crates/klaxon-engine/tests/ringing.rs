//! Loud pages ring until answered: queue, re-alerts, stop on answer (here or in another process),
//! restart without re-paging, mute, low urgency and quiet hours.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use common::{Recorder, Setup, post, wait_for};
use klaxon_engine::core::IncidentId;
use klaxon_engine::core::pager::PageKind;
use klaxon_engine::{EngineEvent, PageDelivery};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

async fn fire(engine: &klaxon_engine::Engine, setup: &Setup, title: &str, severity: &str) -> IncidentId {
    let resp = post(engine, &setup.token(), "/v1/alerts", json!({"title": title, "severity": severity})).await;
    let body: serde_json::Value = resp.json().await.unwrap();
    IncidentId(body["accepted"][0]["incident"].as_i64().unwrap())
}

fn ringing_id(rec: &Recorder) -> Option<IncidentId> {
    rec.ring().and_then(|r| r.current.map(|i| i.id))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loud_page_rings_until_acknowledged_and_the_queue_moves_on() {
    let setup = Setup::new("10m");
    let rec = Recorder::new("ringer", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let first = fire(&engine, &setup, "first", "sev1").await;
    wait_for(5, "ringing the first page", || async { ringing_id(&rec) == Some(first) }).await;
    let second = fire(&engine, &setup, "second", "sev2").await;
    wait_for(5, "two unanswered", || async { rec.ring().unwrap().unanswered == 2 }).await;
    assert_eq!(ringing_id(&rec), Some(first), "the oldest rings; the other queues");
    assert_eq!(engine.ring_state().unanswered, 2);
    assert!(rec.pages.lock().unwrap().iter().all(|p| p.kind == PageKind::Loud && p.realert == 0));

    engine.acknowledge(first).await.unwrap();
    assert_eq!(ringing_id(&rec), Some(second), "acknowledging moves the queue on at once");
    assert_eq!(rec.ring().unwrap().unanswered, 1);
    assert_eq!(*rec.answered.lock().unwrap(), [first]);
    engine.resolve(second).await.unwrap();
    assert_eq!(rec.ring().unwrap().current, None, "silence once everything is answered");
    assert_eq!(rec.ring().unwrap().unanswered, 0);
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_pages_realert_and_mute_does_not_stop_that() {
    let setup = Setup::with_extra("10m", "[pager]\nrealert_after = \"5s\"\n");
    let rec = Recorder::new("notification", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let id = fire(&engine, &setup, "unanswered", "sev1").await;
    wait_for(5, "the first alert", || async { rec.count() == 1 }).await;
    engine.mute_ringing(Duration::from_secs(300)).await;
    assert!(rec.ring().unwrap().muted, "paths are told ringing is muted");
    assert_eq!(ringing_id(&rec), Some(id), "muted is not answered");
    setup.clock.advance(Duration::from_secs(6));
    wait_for(10, "a re-alert", || async { rec.count() == 2 }).await;
    let realert = rec.pages.lock().unwrap()[1].clone();
    assert_eq!((realert.incident.id, realert.realert), (id, 1));
    let log = engine.klaxon().incident(id).await.unwrap().log;
    assert!(log.iter().any(|l| l.message.starts_with("Re-alerted Alex (#1) via notification")), "{log:?}");
    engine.acknowledge(id).await.unwrap();
    setup.clock.advance(Duration::from_secs(6));
    engine.ticks(2).await; // a whole tick after the clock moved past the next re-alert
    assert_eq!(rec.count(), 2, "no re-alert after the answer");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_from_another_process_stops_the_ringing() {
    let setup = Setup::new("10m");
    let rec = Recorder::new("ringer", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let id = fire(&engine, &setup, "x", "sev1").await;
    wait_for(5, "ringing", || async { ringing_id(&rec) == Some(id) }).await;
    let cli = setup.klaxon().await;
    cli.acknowledge(id).await.unwrap();
    wait_for(5, "silence after `klaxon ack`", || async { rec.ring().unwrap().current.is_none() }).await;
    cli.close().await;
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escalating_away_from_me_stops_my_ringing() {
    let setup = Setup::new("1m");
    let rec = Recorder::new("ringer", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let id = fire(&engine, &setup, "x", "sev1").await;
    wait_for(5, "ringing", || async { ringing_id(&rec) == Some(id) }).await;
    setup.clock.advance(std::time::Duration::from_secs(61));
    wait_for(5, "escalation to sam to silence me", || async { rec.ring().unwrap().current.is_none() }).await;
    assert_eq!(engine.klaxon().incident(id).await.unwrap().incident.assignees, ["sam"]);
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_unanswered_pages_ring_again_without_a_second_page() {
    let setup = Setup::new("10m");
    let rec = Recorder::new("ringer", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let id = fire(&engine, &setup, "x", "sev1").await;
    wait_for(5, "ringing", || async { ringing_id(&rec) == Some(id) }).await;
    engine.shutdown().await.unwrap();
    drop(engine);

    let rec2 = Recorder::new("ringer", false);
    let engine = setup.engine(vec![rec2.clone() as Arc<dyn PageDelivery>]).await;
    wait_for(5, "ringing again after restart", || async { ringing_id(&rec2) == Some(id) }).await;
    assert_eq!(rec2.count(), 0, "the trigger was paged before the restart: no new page");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn low_urgency_notifies_without_ringing_and_waits_out_quiet_hours() {
    let setup = Setup::new("10m");
    let rec = Recorder::new("notification", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let mut events = engine.subscribe();
    fire(&engine, &setup, "disk 80%", "sev3").await;
    wait_for(5, "the notification", || async { rec.count() == 1 }).await;
    assert_eq!(rec.pages.lock().unwrap()[0].kind, PageKind::Normal);
    engine.ticks(2).await;
    assert!(rec.ring().is_none_or(|r| r.current.is_none()), "low urgency never rings");
    while let Ok(ev) = events.try_recv() {
        assert!(!matches!(ev, EngineEvent::Ringing(ref r) if r.current.is_some()), "{ev:?}");
    }
    engine.shutdown().await.unwrap();

    // Quiet hours around the whole day except one minute: the page waits.
    let now = chrono::Local::now().time();
    let end = (now - chrono::Duration::minutes(2)).format("%H:%M");
    let start = (now - chrono::Duration::minutes(1)).format("%H:%M");
    let setup =
        Setup::with_extra("10m", &format!("[pager]\nquiet_hours = {{ start = \"{start}\", end = \"{end}\" }}\n"));
    let rec = Recorder::new("notification", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let id = fire(&engine, &setup, "disk 80%", "sev3").await;
    let loud = fire(&engine, &setup, "site down", "sev1").await;
    wait_for(5, "the loud page", || async { rec.count() == 1 }).await;
    engine.ticks(2).await; // held pages are released by ticks: two have passed
    let pages = rec.pages.lock().unwrap().clone();
    assert_eq!(pages.len(), 1, "the low-urgency page is held; the loud one is not");
    assert_eq!(pages[0].incident.id, loud);
    let log = engine.klaxon().incident(id).await.unwrap().log;
    assert!(log.iter().all(|l| l.kind != klaxon_engine::core::LogKind::Notified));
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_page_reaches_every_path_and_reports_failures() {
    let setup = Setup::new("10m");
    let ok = Recorder::new("notification", false);
    let broken = Recorder::new("sound", true);
    let engine = setup.engine(vec![ok.clone() as Arc<dyn PageDelivery>, broken.clone()]).await;
    let report = engine.test_page().await;
    assert_eq!(report, [("notification", Ok(())), ("sound", Err("no sound card".to_owned()))]);
    assert!(ok.pages.lock().unwrap()[0].test);
    assert!(engine.klaxon().incidents(true).await.unwrap().is_empty(), "a test page stores nothing");
    engine.shutdown().await.unwrap();
}

fn waiting_titles(rec: &Recorder) -> Vec<String> {
    rec.ring().map(|r| r.waiting.into_iter().map(|w| w.title).collect()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worst_page_rings_first_and_the_others_wait_in_ring_order() {
    let setup = Setup::new("10m");
    let rec = Recorder::new("ringer", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let disk = fire(&engine, &setup, "disk filling", "sev2").await;
    fire(&engine, &setup, "queue slow", "sev2").await; // sev3 and below are low urgency: no ringing
    wait_for(5, "two unanswered", || async { rec.ring().is_some_and(|r| r.unanswered == 2) }).await;
    assert_eq!(ringing_id(&rec), Some(disk));
    assert_eq!(waiting_titles(&rec), ["queue slow"]);
    let db = fire(&engine, &setup, "db down", "sev1").await;
    wait_for(5, "the Sev1 taking over", || async { ringing_id(&rec) == Some(db) }).await;
    assert!(rec.ring().unwrap().next_known, "the team file's policy decides for local pages");
    assert_eq!(waiting_titles(&rec), ["disk filling", "queue slow"], "severity, then age");
    assert_eq!(engine.ring_state().unanswered, 3);
    engine.acknowledge(db).await.unwrap();
    assert_eq!(ringing_id(&rec), Some(disk), "then the next worst");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mute_is_for_the_ringing_page_and_a_new_page_rings_at_once() {
    let setup = Setup::new("10m");
    let rec = Recorder::new("ringer", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let disk = fire(&engine, &setup, "disk filling", "sev2").await;
    wait_for(5, "ringing", || async { ringing_id(&rec) == Some(disk) }).await;
    engine.mute_ringing(Duration::from_secs(300)).await;
    let ring = rec.ring().unwrap();
    assert!(ring.muted, "{ring:?}");
    assert!(ring.muted_until.is_some_and(|t| t > setup.clock.now()), "{ring:?}");

    // A new page rings again at once, even one that waits behind the muted one.
    fire(&engine, &setup, "queue slow", "sev2").await;
    wait_for(5, "a new page unmutes", || async { rec.ring().is_some_and(|r| r.unanswered == 2 && !r.muted) }).await;
    assert_eq!(ringing_id(&rec), Some(disk));

    // Mute, then Unmute.
    engine.mute_ringing(Duration::from_secs(300)).await;
    assert!(rec.ring().unwrap().muted);
    engine.unmute_ringing().await;
    assert!(!rec.ring().unwrap().muted, "unmuted");
    assert_eq!(rec.ring().unwrap().muted_until, None);

    // Muted until the time runs out.
    engine.mute_ringing(Duration::from_secs(300)).await;
    setup.clock.advance(Duration::from_secs(301));
    engine.ticks(2).await;
    assert!(!rec.ring().unwrap().muted, "the mute ran out");
    engine.shutdown().await.unwrap();
}
