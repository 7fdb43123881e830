//! Shadow mode: someone else's pages reach me softly, never as my page, and land in the shadow log
//! with what the primary did.

mod common;

use common::{Recorder, Setup, post, wait_for};
use klaxon_engine::PageDelivery;
use klaxon_engine::core::pager::PageKind;
use klaxon_engine::core::{IncidentId, LogKind};
use serde_json::json;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn following_sam_shows_sams_pages_as_shadows_and_logs_what_sam_did() {
    // Level 1 is me (alex) for a minute, then level 2 is sam, whom I shadow.
    let setup = Setup::with_extra("1m", "[shadow]\nfollow = [\"person:sam\"]\n");
    let rec = Recorder::new("notification", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let resp = post(&engine, &setup.token(), "/v1/alerts", json!({"title": "DB down", "severity": "sev1"})).await;
    let id = IncidentId(resp.json::<serde_json::Value>().await.unwrap()["accepted"][0]["incident"].as_i64().unwrap());
    wait_for(10, "my own page", || async { rec.count() == 1 }).await;
    setup.clock.advance(std::time::Duration::from_secs(61));

    wait_for(10, "the shadow notification after escalation to sam", || async {
        rec.pages.lock().unwrap().iter().any(|p| p.kind == PageKind::Shadow)
    })
    .await;
    let shadow = rec.pages.lock().unwrap().iter().find(|p| p.kind == PageKind::Shadow).cloned().unwrap();
    assert_eq!(shadow.incident.assignees, ["sam"]);
    wait_for(5, "my own ringing to stop (it is sam's now)", || async { engine.ring_state().current.is_none() }).await;
    assert_eq!(engine.ring_state().unanswered, 0, "a shadow is never counted as my page");

    // Sam acknowledges (from their own Klaxon): the shadow log shows what the primary did.
    let k = engine.klaxon();
    let now = setup.clock.now();
    k.store().update_incident(id, |i| i.acknowledge(now, "sam").map(|l| vec![l])).await.unwrap();
    let log = k.shadow_log(1).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].incident, id);
    assert_eq!(log[0].followed, "person:sam");
    assert_eq!(log[0].primary, ["sam"]);
    let did: Vec<_> = log[0].responses.iter().map(|r| (r.kind, r.actor.clone())).collect();
    assert_eq!(did, [(LogKind::Acknowledged, Some("sam".to_owned()))]);
    let timeline = k.incident(id).await.unwrap().log;
    assert!(timeline.iter().any(|l| l.message.starts_with("Shadow notification to Alex (following person:sam)")));
    let shadows = rec.pages.lock().unwrap().iter().filter(|p| p.kind == PageKind::Shadow).count();
    engine.shutdown().await.unwrap();
    drop(engine);

    // Restart: the same trigger is not shown again.
    let rec2 = Recorder::new("notification", false);
    let engine = setup.engine(vec![rec2.clone() as Arc<dyn PageDelivery>]).await;
    engine.ready().await;
    assert_eq!(rec2.count(), 0, "the start-up scan did not show it again");
    assert_eq!(shadows, 1, "one shadow notification per trigger");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whom_i_shadow_can_be_chosen_from_another_process_and_reset_to_the_team_file() {
    // No [shadow] in the team file; level 2 is sam.
    let setup = Setup::new("1m");
    let rec = Recorder::new("notification", false);
    let engine = setup.engine(vec![rec.clone() as Arc<dyn PageDelivery>]).await;
    let settings = engine.klaxon().shadow_settings();
    assert_eq!(settings.source, klaxon_engine::core::ShadowSource::TeamFile);
    assert!(settings.follow.is_empty());
    assert!(settings.choices.iter().any(|c| c.target == "person:sam" && c.label == "Sam"), "{settings:?}");

    // Chosen with another Klaxon on the same data dir (the CLI, or the app's window).
    let other = setup.klaxon().await;
    let bad = other.set_shadow(Some(vec!["person:sam".into(), "person:nobody".into()])).await.unwrap_err();
    assert!(bad.to_string().starts_with("follow: cannot shadow `person:nobody`"), "{bad}");
    assert!(other.shadow_settings().follow.is_empty(), "a bad list saves nothing");
    let chosen = other.set_shadow(Some(vec!["person:sam".into()])).await.unwrap();
    assert_eq!(chosen.source, klaxon_engine::core::ShadowSource::App);
    assert_eq!(chosen.follow.iter().map(|c| c.target.as_str()).collect::<Vec<_>>(), ["person:sam"]);
    wait_for(5, "the engine to take the choice", || async {
        engine.klaxon().shadow_settings().source == klaxon_engine::core::ShadowSource::App
    })
    .await;

    post(&engine, &setup.token(), "/v1/alerts", json!({"title": "API down", "severity": "sev1"})).await;
    wait_for(10, "my own page", || async { rec.count() == 1 }).await;
    setup.clock.advance(std::time::Duration::from_secs(61));
    wait_for(10, "a shadow notification for sam's page", || async {
        rec.pages.lock().unwrap().iter().any(|p| p.kind == PageKind::Shadow)
    })
    .await;

    let reset = other.set_shadow(None).await.unwrap();
    assert_eq!(reset.source, klaxon_engine::core::ShadowSource::TeamFile);
    assert!(reset.follow.is_empty());
    other.close().await;
    engine.shutdown().await.unwrap();
}
