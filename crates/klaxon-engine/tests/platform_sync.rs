//! A platform account end to end inside the engine, against the PagerDuty fake on loopback:
//! sync pages me, actions go through the outbox exactly once, offline actions are replayed in
//! order, refusals are surfaced, and a failed sync never erases the cache.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use chrono::Utc;
use common::{Recorder, Setup, wait_for};
use klaxon_engine::core::{AccountKind, IncidentId, IncidentStatus, OutboxState, Secret};
use klaxon_engine::{Credentials, Engine, NewAccount, PageDelivery, UserAction};
use klaxon_fakes::pagerduty::PagerDutyFake;
use klaxon_fakes::{FakeStatus, Fault, Shared};
use std::sync::Arc;
use std::time::Duration;

fn new_account(url: &str) -> NewAccount {
    NewAccount {
        name: "pd".into(),
        kind: AccountKind::PagerDuty,
        base_url: Some(url.into()),
        credentials: Credentials::Token(Secret::new(PagerDutyFake::TOKEN)),
        poll_secs: None,
    }
}

async fn start(fake: &PagerDutyFake) -> (Setup, Engine, Arc<Recorder>) {
    let setup = Setup::new("5m");
    let recorder = Recorder::new("recorder", false);
    let engine = setup.engine(vec![recorder.clone() as Arc<dyn PageDelivery>]).await;
    engine.add_account(new_account(&fake.url())).await.unwrap();
    (setup, engine, recorder)
}

/// The cached incident for the platform's `provider_ref`, once synced.
async fn cached(engine: &Engine, provider_ref: &str) -> IncidentId {
    for _ in 0..400 {
        let list = engine.klaxon().store().incidents_of("pd").await.unwrap();
        if let Some(i) = list.iter().find(|i| i.provider_ref == provider_ref) {
            return i.id;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("incident {provider_ref} was not synced within 20 s");
}

async fn outbox_settled(engine: &Engine) {
    wait_for(30, "the outbox to drain", || async {
        engine.klaxon().store().outbox(false).await.unwrap().iter().all(|e| e.state == OutboxState::Failed)
    })
    .await;
}

fn writes_of(state: &Shared, incident: &str) -> Vec<String> {
    state.writes().into_iter().filter(|w| w.incident == incident).map(|w| w.action).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_page_rings_and_one_ack_reaches_the_platform_once() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let remote_id = fake.state.trigger("Checkout 5xx", &["U_ME"], Utc::now());
    fake.state.trigger("Someone else's", &["U_OTHER"], Utc::now());
    let (_setup, engine, recorder) = start(&fake).await;

    let id = cached(&engine, &remote_id).await;
    wait_for(10, "the page", || async { recorder.count() == 1 }).await;
    assert_eq!(recorder.pages.lock().unwrap()[0].incident.id, id);
    assert_eq!(engine.ring_state().current.map(|i| i.id), Some(id), "a high-urgency page rings");
    wait_for(10, "the first sync to finish", || async {
        engine.klaxon().accounts().await.unwrap()[0].last_synced_at.is_some()
    })
    .await;
    // Whom it escalates to comes from the platform's on-call at the policy's next level (the
    // team file's policy has nobody named Other Person), once the sync has cached it.
    let ring = engine.ring_state();
    assert!(ring.next_known && ring.next_up == ["Other Person"], "the platform's policy decides: {ring:?}");
    let accounts = engine.klaxon().accounts().await.unwrap();
    assert_eq!((accounts[0].user_id.as_deref(), accounts[0].last_error.as_deref()), (Some("U_ME"), None));

    // The platform's schedule and on-call are cached and merged with the team file's.
    let on_call = engine.klaxon().on_call_everywhere().await.unwrap();
    let platform: Vec<_> = on_call.entries.iter().filter(|e| e.policy.starts_with("pd: ")).collect();
    assert!(!platform.is_empty(), "{on_call:?}");
    let shifts = engine.klaxon().shifts(14).await.unwrap();
    assert!(shifts.iter().any(|(account, s)| account == "pd" && s.person_id == "U_ME"), "{shifts:?}");

    let incident = engine.acknowledge(id).await.unwrap();
    assert_eq!(incident.status, IncidentStatus::Acknowledged, "applied to the cache at once");
    assert!(engine.ring_state().current.is_none(), "ringing stops on ack, before the platform hears of it");
    outbox_settled(&engine).await;
    assert_eq!(fake.state.incident(&remote_id).unwrap().status, FakeStatus::Acknowledged);
    assert_eq!(writes_of(&fake.state, &remote_id), ["acknowledge"]);
    let sent = engine.klaxon().store().outbox(true).await.unwrap();
    assert_eq!((sent.len(), sent[0].state, sent[0].attempts), (1, OutboxState::Done, 1));

    // Acking again is refused locally; nothing more is queued or sent.
    assert!(engine.acknowledge(id).await.is_err());
    assert_eq!(engine.klaxon().store().outbox(true).await.unwrap().len(), 1, "nothing more queued");
    engine.poll_once("pd", false).await.unwrap(); // and a sync after it writes nothing either
    assert_eq!(writes_of(&fake.state, &remote_id), ["acknowledge"]);
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_taken_offline_reach_the_platform_in_order_when_it_returns() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let a = fake.state.trigger("A", &["U_ME"], Utc::now());
    let b = fake.state.trigger("B", &["U_ME"], Utc::now());
    let (_setup, engine, _recorder) = start(&fake).await;
    let (ia, ib) = (cached(&engine, &a).await, cached(&engine, &b).await);

    let (addr, state) = (fake.server.addr(), fake.state.clone());
    drop(fake); // the platform is unreachable from here on
    engine.acknowledge(ia).await.unwrap();
    engine.act(ia, UserAction::Note("looking at the LB".into())).await.unwrap();
    engine.acknowledge(ib).await.unwrap();
    engine.resolve(ia).await.unwrap();
    wait_for(10, "a failed attempt to be recorded", || async {
        engine.klaxon().store().outbox(false).await.unwrap().iter().any(|e| e.last_error.is_some())
    })
    .await;
    let queued = engine.klaxon().store().outbox(false).await.unwrap();
    assert_eq!(queued.len(), 4, "nothing dropped while offline: {queued:?}");
    assert!(queued.iter().all(|e| e.state != OutboxState::Failed), "offline is not a refusal: {queued:?}");

    let fake = PagerDutyFake::start_on(addr, state).await.unwrap();
    outbox_settled(&engine).await;
    assert_eq!(writes_of(&fake.state, &a), ["acknowledge", "note", "resolve"], "in order, once each");
    assert_eq!(writes_of(&fake.state, &b), ["acknowledge"]);
    assert_eq!(fake.state.incident(&a).unwrap().notes.len(), 1);
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_action_is_marked_failed_with_the_reason_and_the_cache_is_reread() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let remote_id = fake.state.trigger("Resolved elsewhere", &["U_ME"], Utc::now());
    let (_setup, engine, _recorder) = start(&fake).await;
    let id = cached(&engine, &remote_id).await;

    // Someone resolves it on the platform before my ack (queued locally) is sent.
    fake.state.update(&remote_id, |i| {
        i.status = FakeStatus::Resolved;
        i.resolved_at = Some(Utc::now());
    });
    engine.acknowledge(id).await.unwrap();
    wait_for(20, "the refusal", || async {
        engine.klaxon().store().outbox(false).await.unwrap().iter().any(|e| e.state == OutboxState::Failed)
    })
    .await;
    let failed = engine.klaxon().store().outbox(false).await.unwrap();
    assert!(failed[0].last_error.as_deref().unwrap_or("").contains("Already Resolved"), "{failed:?}");
    wait_for(20, "the cache to show the platform's state", || async {
        engine.klaxon().store().incident(id).await.map(|i| i.status == IncidentStatus::Resolved).unwrap_or(false)
    })
    .await;
    assert!(writes_of(&fake.state, &remote_id).is_empty());

    // Discarding the failed action leaves nothing behind.
    engine.klaxon().store().discard_outbox(failed[0].id).await.unwrap();
    assert!(engine.klaxon().store().outbox(false).await.unwrap().is_empty());
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_or_malformed_sync_keeps_the_cache_and_shows_the_error() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let one = fake.state.trigger("One", &["U_ME"], Utc::now());
    let two = fake.state.trigger("Two", &["U_ME"], Utc::now());
    let (_setup, engine, _recorder) = start(&fake).await;
    cached(&engine, &one).await;
    cached(&engine, &two).await;

    for fault in [Fault::Malformed, Fault::Truncated, Fault::Status(503, "down".into()), Fault::Unauthorized] {
        fake.server.faults().push_n(fault.clone(), 3);
        engine.sync_now("pd");
        wait_for(20, "the sync error to show", || async {
            engine.klaxon().accounts().await.unwrap()[0].last_error.is_some()
        })
        .await;
        assert_eq!(engine.klaxon().store().incidents_of("pd").await.unwrap().len(), 2, "cache kept after {fault:?}");
        fake.server.faults().clear();
        engine.sync_now("pd");
        wait_for(30, "the error to clear", || async {
            engine.klaxon().accounts().await.unwrap()[0].last_error.is_none()
        })
        .await;
    }
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_token_adds_nothing() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let setup = Setup::new("5m");
    let engine = setup.engine(vec![]).await;
    let mut account = new_account(&fake.url());
    account.credentials = Credentials::Token(Secret::new("wrong-token"));
    let err = engine.add_account(account).await.unwrap_err();
    assert!(err.to_string().contains("refused the token"), "{err}");
    assert!(!err.to_string().contains("wrong-token"));
    assert!(engine.klaxon().accounts().await.unwrap().is_empty());
    use klaxon_engine::secrets::SecretStore;
    assert!(setup.secrets.get("account:pd").unwrap().is_none(), "no token kept");
    engine.shutdown().await.unwrap();
}
