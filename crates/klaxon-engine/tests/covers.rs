//! "Cover my shift" on a platform, through the engine: the override is kept first and sent by the
//! account's outbox (also after the platform was unreachable), once; the platform's schedule then
//! shows the colleague; a refusal keeps the platform's reason; bad input is refused up front.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use chrono::{DateTime, Duration, DurationRound, Utc};
use common::{Recorder, Setup, wait_for};
use klaxon_engine::core::{AccountKind, OutboxState, OverrideEntry, Secret};
use klaxon_engine::{Credentials, Engine, NewAccount, PageDelivery};
use klaxon_fakes::pagerduty::PagerDutyFake;
use std::sync::Arc;

async fn start(fake: &PagerDutyFake) -> (Setup, Engine) {
    let setup = Setup::new("5m");
    let engine = setup.engine(vec![Recorder::new("recorder", false) as Arc<dyn PageDelivery>]).await;
    let account = NewAccount {
        name: "pd".into(),
        kind: AccountKind::PagerDuty,
        base_url: Some(fake.url()),
        credentials: Credentials::Token(Secret::new(PagerDutyFake::TOKEN)),
        poll_secs: None,
    };
    engine.add_account(account).await.unwrap();
    wait_for(20, "the first sync's shifts", || async {
        engine
            .klaxon()
            .store()
            .shifts(Utc::now(), Utc::now() + Duration::days(7))
            .await
            .unwrap()
            .iter()
            .any(|(a, _)| a == "pd")
    })
    .await;
    (setup, engine)
}

/// Hours 12 to 24 from a whole minute an hour ahead.
fn range() -> (DateTime<Utc>, DateTime<Utc>) {
    let base = Utc::now().duration_trunc(Duration::minutes(1)).unwrap() + Duration::hours(1);
    (base + Duration::hours(12), base + Duration::hours(24))
}

async fn settled(engine: &Engine, id: i64) -> OverrideEntry {
    let mut last = None;
    for _ in 0..300 {
        let o = engine.klaxon().store().override_entry(id).await.unwrap();
        if matches!(o.state, OutboxState::Done | OutboxState::Failed) {
            return o;
        }
        last = Some(o);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("override {id} not settled: {last:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cover_is_sent_once_and_the_platform_schedule_shows_the_colleague() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let (_setup, engine) = start(&fake).await;
    let (from, to) = range();
    let o = engine.add_override("pd:S_PRIMARY", None, "U_OTHER", from, to).await.unwrap();
    assert_eq!((o.account.as_str(), o.state), ("pd", OutboxState::Pending), "kept first, then sent");
    let done = settled(&engine, o.cover.id).await;
    assert_eq!(done.state, OutboxState::Done, "{done:?}");
    assert!(done.remote_id.is_some());
    let on_platform = fake.state.lock().schedules.iter().find(|s| s.id == "S_PRIMARY").unwrap().overrides.clone();
    assert_eq!(on_platform.len(), 1, "sent once");
    assert_eq!((on_platform[0].user.as_str(), on_platform[0].start, on_platform[0].end), ("U_OTHER", from, to));
    // The sync re-reads the rendered schedule: the colleague holds that range.
    wait_for(20, "the synced schedule to show the cover", || async {
        engine
            .klaxon()
            .store()
            .shifts(from, to)
            .await
            .unwrap()
            .iter()
            .any(|(a, s)| a == "pd" && s.person_id == "U_OTHER" && s.start <= from && s.end >= to)
    })
    .await;
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cover_made_offline_waits_and_a_refusal_keeps_the_reason() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let (_setup, engine) = start(&fake).await;
    let (from, to) = range();

    // Refused up front: nothing kept.
    let bad = engine.add_override("pd:NOPE", None, "U_OTHER", from, to).await.unwrap_err();
    assert!(bad.to_string().contains("schedule: `NOPE`"), "{bad}");
    let backwards = engine.add_override("pd:S_PRIMARY", None, "U_OTHER", to, from).await.unwrap_err();
    assert!(backwards.to_string().starts_with("to: "), "{backwards}");
    let layered = engine.add_override("pd:S_PRIMARY", Some("x"), "U_OTHER", from, to).await.unwrap_err();
    assert!(layered.to_string().starts_with("layer: "), "{layered}");
    assert!(engine.klaxon().overrides().await.unwrap().is_empty());

    // The platform is unreachable: the cover waits, with the error shown, and is not dropped.
    let (addr, state) = (fake.server.addr(), fake.state.clone());
    drop(fake);
    let o = engine.add_override("pd:S_PRIMARY", None, "U_OTHER", from, to).await.unwrap();
    wait_for(10, "a failed attempt to be recorded", || async {
        engine.klaxon().store().override_entry(o.cover.id).await.unwrap().last_error.is_some()
    })
    .await;
    let waiting = engine.klaxon().store().override_entry(o.cover.id).await.unwrap();
    assert_ne!(waiting.state, OutboxState::Failed, "offline is not a refusal: {waiting:?}");
    let fake = PagerDutyFake::start_on(addr, state).await.unwrap();
    assert_eq!(settled(&engine, o.cover.id).await.state, OutboxState::Done);
    let count = fake.state.lock().schedules.iter().find(|s| s.id == "S_PRIMARY").unwrap().overrides.len();
    assert_eq!(count, 1, "sent once");

    // The platform refuses an unknown user: failed, with its reason.
    let refused = engine.add_override("pd:S_PRIMARY", None, "U_NOBODY", from, to).await.unwrap();
    let failed = settled(&engine, refused.cover.id).await;
    assert_eq!(failed.state, OutboxState::Failed);
    assert!(failed.last_error.as_deref().is_some_and(|e| !e.is_empty()), "{failed:?}");
    engine.shutdown().await.unwrap();
}
