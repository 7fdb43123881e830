//! The engine end to end: real SQLite, real loopback HTTP, recording delivery paths.

mod common;

use common::{Recorder, Setup, post, wait_for};
use klaxon_engine::core::{IncidentStatus, LogKind};
use klaxon_engine::{EngineError, EngineEvent, PageDelivery};
use serde_json::json;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_pages_me_once_also_across_restarts() {
    let setup = Setup::new("10m");
    let rec = Recorder::new("recorder", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let mut events = engine.subscribe();
    let alert = json!({"title": "Checkout down", "severity": "critical", "service": "shop", "dedup_key": "co"});
    let resp = post(&engine, &setup.token(), "/v1/alerts", alert.clone()).await;
    assert_eq!(resp.status(), 200);
    let id = resp.json::<serde_json::Value>().await.unwrap()["accepted"][0]["incident"].as_i64().unwrap();

    wait_for(5, "the page", || async { rec.count() == 1 }).await;
    let page = rec.pages.lock().unwrap()[0].clone();
    assert_eq!(page.incident.title, "Checkout down");
    assert_eq!(page.incident.id.0, id);
    let mut saw_paged = false;
    while let Ok(ev) = events.try_recv() {
        saw_paged |= matches!(ev, EngineEvent::Paged(_));
    }
    assert!(saw_paged, "shell was told about the page");

    // The same alert again updates the incident and does not page again: once the page it
    // began is done, there is still one.
    post(&engine, &setup.token(), "/v1/alerts", alert).await;
    engine.intake_paged().await;
    assert_eq!(rec.count(), 1, "no second page for the same trigger");
    let d = engine.klaxon().incident(klaxon_engine::core::IncidentId(id)).await.unwrap();
    let kinds: Vec<_> = d.log.iter().map(|l| l.kind).collect();
    assert_eq!(kinds, [LogKind::Triggered, LogKind::Notified, LogKind::AlertRepeated]);
    engine.shutdown().await.unwrap();
    drop(engine);

    // Restart: nothing is paged twice.
    let rec2 = Recorder::new("recorder", false);
    let engine = setup.engine(vec![rec2.clone() as Arc<dyn PageDelivery>]).await;
    engine.ready().await;
    assert_eq!(rec2.count(), 0, "no re-page after restart (the start-up scan is done)");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_engine_on_the_same_data_dir_is_refused() {
    let setup = Setup::new("10m");
    let engine = setup.engine(vec![]).await;
    let options = klaxon_engine::EngineOptions::new(vec![], setup.secrets.clone());
    let err = klaxon_engine::Engine::start(setup.klaxon().await, options).await.unwrap_err();
    assert!(matches!(err, EngineError::Locked { .. }), "{err}");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_failing_path_does_not_silence_the_others() {
    let setup = Setup::new("10m");
    let broken = Recorder::new("sound", true);
    let working = Recorder::new("notification", false);
    let engine = setup.engine(vec![broken.clone() as Arc<dyn PageDelivery>, working.clone()]).await;
    let mut events = engine.subscribe();
    post(&engine, &setup.token(), "/v1/alerts", json!({"title": "x", "severity": "sev1"})).await;
    wait_for(5, "both paths", || async { broken.count() == 1 && working.count() == 1 }).await;
    let k = engine.klaxon();
    wait_for(5, "the notified entry", || async {
        let list = k.incidents(false).await.unwrap();
        let d = k.incident(list[0].id).await.unwrap();
        d.log.iter().any(|l| l.kind == LogKind::Notified)
    })
    .await;
    let list = k.incidents(false).await.unwrap();
    let d = k.incident(list[0].id).await.unwrap();
    let note = d.log.iter().find(|l| l.kind == LogKind::Notified).unwrap();
    assert_eq!(note.message, "Paged Alex via notification; failed: sound (no sound card)");
    let mut failure = None;
    while let Ok(ev) = events.try_recv() {
        if let EngineEvent::DeliveryFailed { path, error, .. } = ev {
            failure = Some((path, error));
        }
    }
    assert_eq!(failure, Some(("sound", "no sound card".to_owned())), "the failure is visible");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unacknowledged_incidents_escalate_and_ack_elsewhere_stops_it() {
    let setup = Setup::new("1m");
    let engine = setup.engine(vec![]).await;
    post(&engine, &setup.token(), "/v1/alerts", json!({"title": "first", "dedup_key": "a"})).await;
    post(&engine, &setup.token(), "/v1/alerts", json!({"title": "second", "dedup_key": "b"})).await;
    let k = engine.klaxon();
    let list = k.incidents(false).await.unwrap();
    let first = list.iter().find(|i| i.title == "first").unwrap().id;
    let second = list.iter().find(|i| i.title == "second").unwrap().id;

    // Acknowledge the second from another process's view of the same data dir (like `klaxon ack`).
    let cli = setup.klaxon().await;
    cli.acknowledge(second).await.unwrap();
    assert_eq!(k.incident(first).await.unwrap().incident.escalation_level, 1, "not before its delay");

    setup.clock.advance(std::time::Duration::from_secs(61));
    wait_for(5, "escalation of the first", || async {
        k.incident(first).await.unwrap().incident.escalation_level == 2
    })
    .await;
    let d = k.incident(first).await.unwrap();
    assert_eq!(d.incident.assignees, ["sam"]);
    assert_eq!(d.incident.status, IncidentStatus::Triggered);
    let entry = d.log.iter().find(|l| l.kind == LogKind::Escalated).unwrap();
    assert_eq!(entry.message, "Escalated to level 2 (Sam) after its delay passed unacknowledged");

    // The timer pass that escalated the first one saw the second as well.
    let d = k.incident(second).await.unwrap();
    assert_eq!(d.incident.escalation_level, 1, "acknowledged elsewhere: no escalation");
    assert_eq!(d.incident.status, IncidentStatus::Acknowledged);
    assert!(d.log.iter().all(|l| l.kind != LogKind::Escalated));
    cli.close().await;
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_from_another_process_are_noticed() {
    let setup = Setup::new("10m");
    let engine = setup.engine(vec![]).await;
    let mut events = engine.subscribe();
    post(&engine, &setup.token(), "/v1/alerts", json!({"title": "x"})).await;
    let id = engine.klaxon().incidents(false).await.unwrap()[0].id;
    while events.try_recv().is_ok() {}
    let cli = setup.klaxon().await;
    cli.resolve(id).await.unwrap();
    let got = tokio::time::timeout(std::time::Duration::from_secs(3), async {
        loop {
            if let Ok(EngineEvent::Changed(what)) = events.recv().await
                && what.contains(&klaxon_engine::Resource::Incidents)
            {
                return;
            }
        }
    })
    .await;
    assert!(got.is_ok(), "engine noticed the other process's change");
    cli.close().await;
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_refuse_what_does_not_apply() {
    let setup = Setup::new("10m");
    let k = setup.klaxon().await;
    let err = k.acknowledge(klaxon_engine::core::IncidentId(42)).await.unwrap_err();
    assert_eq!(err.to_string(), "incident 42 not found");
    let engine = setup.engine(vec![]).await;
    post(&engine, &setup.token(), "/v1/alerts", json!({"title": "x"})).await;
    let id = engine.klaxon().incidents(false).await.unwrap()[0].id;
    engine.resolve(id).await.unwrap();
    let err = engine.acknowledge(id).await.unwrap_err();
    assert!(matches!(err, EngineError::InvalidState { .. }), "{err}");
    assert_eq!(err.to_string(), format!("incident {id}: incident is resolved; cannot acknowledge"));
    k.close().await;
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_path_times_out_and_the_rest_still_page() {
    let setup = Setup::new("10m");
    let stuck = Recorder::hanging("stuck");
    let working = Recorder::new("notification", false);
    let engine = setup.engine(vec![stuck.clone() as Arc<dyn PageDelivery>, working.clone()]).await;
    post(&engine, &setup.token(), "/v1/alerts", json!({"title": "x", "severity": "sev1"})).await;
    wait_for(5, "the working path", || async { working.count() == 1 }).await;
    let k = engine.klaxon();
    wait_for(5, "the page to be recorded despite the stuck path", || async {
        let list = k.incidents(false).await.unwrap();
        let d = k.incident(list[0].id).await.unwrap();
        d.log.iter().any(|l| l.kind == LogKind::Notified && l.message.contains("stuck (no answer within 0.5 s)"))
    })
    .await;
    engine.shutdown().await.unwrap();
}
