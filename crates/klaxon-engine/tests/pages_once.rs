//! Each trigger is paged once: a page is recorded as begun before its paths run, so after a crash
//! only the pages then in flight come again (saying so); the most severe labels in common use page
//! loudly; and the timeline names only the paths that delivered.
#![allow(clippy::unwrap_used)] // test helpers: a failed step is a failed test

mod common;

use chrono::Utc;
use common::{Recorder, Setup, post, wait_for};
use klaxon_engine::core::pager::{PageKey, PageKind};
use klaxon_engine::core::{Alert, AlertAction, Details, IncidentId, LogKind, Severity, Urgency};
use klaxon_engine::{EngineEvent, PageDelivery};
use serde_json::json;
use std::sync::Arc;

fn alert(title: &str) -> Alert {
    Alert {
        source: "webhook".into(),
        dedup_key: Some(title.into()),
        title: title.into(),
        severity: Severity::Sev1,
        urgency: None,
        service: None,
        details: Details::default(),
        web_url: None,
        action: AlertAction::Trigger,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_crash_only_the_page_in_flight_comes_again_and_says_so() {
    let setup = Setup::new("10m");
    // What a crash leaves behind: three stored triggers; one paged, one whose paging had begun
    // (its paths were running when the process died), one never paged.
    let k = setup.klaxon().await;
    let alerts = [alert("sent"), alert("in flight"), alert("waiting")];
    let stored = k.store().ingest_alerts(&alerts, k.team(), Utc::now()).await.unwrap();
    let ids: Vec<IncidentId> = stored.iter().map(|r| r.incident.as_ref().unwrap().id).collect();
    let key = |id: IncidentId| PageKey { incident: id, trigger_seq: 1 };
    let note = klaxon_engine::core::LogEntry::new(Utc::now(), LogKind::Notified, "Paged Alex via x", Some("klaxon"));
    assert!(k.store().begin_page(key(ids[0]), Utc::now(), "a crashed pager").await.unwrap());
    assert!(k.store().record_page(key(ids[0]), &note).await.unwrap());
    assert!(k.store().begin_page(key(ids[1]), Utc::now(), "a crashed pager").await.unwrap());
    assert!(!k.store().begin_page(key(ids[1]), Utc::now(), "a crashed pager").await.unwrap(), "begun once");
    k.close().await;

    let rec = Recorder::new("notification", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    wait_for(5, "the pages due after the restart", || async { rec.count() == 2 }).await;
    let pages = rec.pages.lock().unwrap().clone();
    let page = |id| pages.iter().find(|p| p.incident.id == id);
    assert!(page(ids[0]).is_none(), "a page recorded as sent is not sent again");
    assert!(page(ids[1]).unwrap().resent, "the page in flight at the crash comes again, marked");
    assert!(!page(ids[2]).unwrap().resent, "a page never begun is an ordinary first page");
    let log = engine.klaxon().incident(ids[1]).await.unwrap().log;
    let entry = log.iter().find(|l| l.kind == LogKind::Notified).unwrap();
    assert_eq!(entry.message, "Paged Alex (re-sent after a restart) via notification");
    engine.shutdown().await.unwrap();
    drop(engine);

    // Once delivered, both are recorded: another restart pages nothing.
    let rec = Recorder::new("notification", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let sentinel = post(&engine, &setup.token(), "/v1/alerts", json!({"title": "sentinel", "severity": "sev1"})).await;
    assert_eq!(sentinel.status(), 200);
    wait_for(5, "the sentinel's page", || async { rec.count() >= 1 }).await;
    engine.shutdown().await.unwrap();
    let titles: Vec<String> = rec.pages.lock().unwrap().iter().map(|p| p.incident.title.clone()).collect();
    assert_eq!(titles, ["sentinel"], "nothing from before was paged again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_most_severe_labels_page_loudly_and_unknown_ones_at_the_team_files_level() {
    // No `unknown_severity` in the team file: the default, sev2, pages loudly.
    let setup = Setup::new("10m");
    let rec = Recorder::new("notification", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let am = |fingerprint: &str, severity: Option<&str>| {
        let mut labels = json!({"alertname": fingerprint});
        if let Some(s) = severity {
            labels["severity"] = json!(s);
        }
        json!({"version": "4", "groupKey": fingerprint, "status": "firing",
               "alerts": [{"status": "firing", "labels": labels, "fingerprint": fingerprint}]})
    };
    let labels = [
        ("p0", Some("P0")),
        ("sev0", Some("sev0")),
        ("zero", Some("0")),
        ("urgent", Some("urgent")),
        ("page", Some("page")),
        ("odd", Some("blocker")),
        ("none", None),
    ];
    for (fingerprint, label) in labels {
        let resp = post(&engine, &setup.token(), "/v1/alertmanager", am(fingerprint, label)).await;
        assert_eq!(resp.status(), 200, "{fingerprint}");
    }
    let resp = post(&engine, &setup.token(), "/v1/alerts", json!({"title": "json P0", "severity": "P0"})).await;
    assert_eq!(resp.status(), 200, "the JSON endpoint takes P0 too");
    wait_for(5, "a page for each", || async { rec.count() == 8 }).await;
    for incident in engine.klaxon().incidents(false).await.unwrap() {
        let want = if ["odd", "none"].contains(&incident.title.as_str()) { Severity::Sev2 } else { Severity::Sev1 };
        assert_eq!(incident.severity, want, "{}", incident.title);
        assert_eq!(incident.urgency, Urgency::High, "{} pages loudly", incident.title);
    }
    assert!(rec.pages.lock().unwrap().iter().all(|p| p.kind == PageKind::Loud), "none held for quiet hours");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timeline_names_only_the_paths_that_delivered() {
    let setup = Setup::new("10m");
    let good = Recorder::new("desktop-notification", false);
    let bad = Recorder::new("ringtone", true);
    let engine = setup.engine(vec![good.clone() as Arc<dyn PageDelivery>, bad as Arc<dyn PageDelivery>]).await;
    let mut events = engine.subscribe();
    let resp = post(&engine, &setup.token(), "/v1/alerts", json!({"title": "x", "severity": "sev1"})).await;
    let id = IncidentId(resp.json::<serde_json::Value>().await.unwrap()["accepted"][0]["incident"].as_i64().unwrap());
    wait_for(5, "the page in the timeline", || async {
        engine.klaxon().incident(id).await.unwrap().log.iter().any(|l| l.kind == LogKind::Notified)
    })
    .await;
    let log = engine.klaxon().incident(id).await.unwrap().log;
    let entry = log.iter().find(|l| l.kind == LogKind::Notified).unwrap();
    assert_eq!(entry.message, "Paged Alex via desktop-notification; failed: ringtone (no sound card)");
    assert!(good.pages.lock().unwrap()[0].ring, "a loud, unmuted page is to ring");
    let mut failed = false;
    while let Ok(ev) = events.try_recv() {
        failed |= matches!(ev, EngineEvent::DeliveryFailed { path: "ringtone", .. });
    }
    assert!(failed, "the failure is an event for the window too");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_during_a_slow_sync_batch_does_not_page_an_old_incident_again() {
    use klaxon_engine::core::{AccountKind, Secret};
    use klaxon_engine::{Credentials, NewAccount};
    use klaxon_fakes::pagerduty::PagerDutyFake;

    let setup = Setup::new("10m");
    // An incident paged long ago (before this process): still triggered, still mine.
    let k = setup.klaxon().await;
    let old = k.store().ingest_alerts(&[alert("old")], k.team(), Utc::now()).await.unwrap()[0].incident.clone();
    let key = PageKey { incident: old.unwrap().id, trigger_seq: 1 };
    let note = klaxon_engine::core::LogEntry::new(Utc::now(), LogKind::Notified, "Paged Alex via x", Some("klaxon"));
    k.store().begin_page(key, Utc::now(), "a crashed pager").await.unwrap();
    k.store().record_page(key, &note).await.unwrap();

    // A platform whose first sync pages three incidents through a path that hangs: a slow batch.
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    for n in 0..3 {
        fake.state.trigger(&format!("platform {n}"), &["U_ME"], Utc::now());
    }
    let slow = Recorder::hanging("slow");
    let engine = setup.engine(vec![slow.clone() as Arc<dyn PageDelivery>]).await;
    let account = NewAccount {
        name: "pd".into(),
        kind: AccountKind::PagerDuty,
        base_url: Some(fake.url()),
        credentials: Credentials::Token(Secret::new(PagerDutyFake::TOKEN)),
        poll_secs: None,
    };
    engine.add_account(account).await.unwrap();
    wait_for(10, "the batch's first page", || async {
        slow.pages.lock().unwrap().iter().any(|p| p.incident.account == "pd")
    })
    .await;
    // Meanwhile another process writes (like `klaxon ack`): the engine rescans every incident.
    k.store().set_setting("test.poke", Some(&1)).await.unwrap();
    wait_for(20, "the batch's three pages recorded", || async {
        let list = engine.klaxon().store().incidents_of("pd").await.unwrap();
        let mut recorded = 0;
        for i in &list {
            let key = PageKey { incident: i.id, trigger_seq: i.trigger_seq };
            let state = engine.klaxon().store().page_state(key, "").await.unwrap();
            recorded += usize::from(state == Some(klaxon_store::PageRecord::Sent));
        }
        recorded == 3
    })
    .await;
    let titles: Vec<String> = slow.pages.lock().unwrap().iter().map(|p| p.incident.title.clone()).collect();
    assert!(!titles.contains(&"old".to_owned()), "the old incident was paged again: {titles:?}");
    assert_eq!(titles.len(), 3, "each platform page once: {titles:?}");
    k.close().await;
    engine.shutdown().await.unwrap();
}
