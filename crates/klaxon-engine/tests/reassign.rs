//! Reassigning, inside the engine with the real SQLite file and the PagerDuty fake on loopback:
//! whom to pick comes from the platform once, then from the cache (also while the platform is
//! down, saying so); a reassignment to a person or an escalation policy goes through the outbox
//! and the timeline names the target.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use chrono::Utc;
use common::{Setup, wait_for};
use klaxon_engine::core::{AccountKind, IncidentId, OutboxState, ReassignTo, ResponderKind, Secret};
use klaxon_engine::{Credentials, Engine, EngineError, NewAccount, ResponderFetch, UserAction};
use klaxon_fakes::pagerduty::PagerDutyFake;
use klaxon_fakes::{FakePolicy, Fault};

async fn start(fake: &PagerDutyFake) -> (Setup, Engine) {
    let setup = Setup::new("5m");
    let engine = setup.engine(vec![]).await;
    let new = NewAccount {
        name: "pd".into(),
        kind: AccountKind::PagerDuty,
        base_url: Some(fake.url()),
        credentials: Credentials::Token(Secret::new(PagerDutyFake::TOKEN)),
        poll_secs: None,
    };
    engine.add_account(new).await.unwrap();
    (setup, engine)
}

fn user_lists(fake: &PagerDutyFake) -> usize {
    fake.server.requests().iter().filter(|r| r.path == "/users").count()
}

async fn synced(engine: &Engine, provider_ref: &str) -> IncidentId {
    wait_for(30, "the first sync", || async {
        let listed = engine.klaxon().store().incidents_of("pd").await.unwrap();
        let done = engine.klaxon().accounts().await.unwrap().iter().any(|a| a.last_synced_at.is_some());
        done && listed.iter().any(|i| i.provider_ref == provider_ref)
    })
    .await;
    let listed = engine.klaxon().store().incidents_of("pd").await.unwrap();
    listed.iter().find(|i| i.provider_ref == provider_ref).unwrap().id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responders_come_from_the_platform_once_then_from_the_cache_also_during_an_outage() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let (_setup, engine) = start(&fake).await;

    let cached = engine.responders("pd", ResponderFetch::Cached).await.unwrap();
    assert!(cached.entries.is_empty() && cached.fetched_at.is_none());
    assert_eq!(user_lists(&fake), 0, "the cache alone asks nothing");

    let fetched = engine.responders("pd", ResponderFetch::IfStale).await.unwrap();
    let listed: Vec<(ResponderKind, &str)> = fetched.entries.iter().map(|r| (r.kind, r.name.as_str())).collect();
    assert_eq!(
        listed,
        [
            (ResponderKind::User, "Me Myself"),
            (ResponderKind::User, "Other Person"),
            (ResponderKind::EscalationPolicy, "Default")
        ]
    );
    assert!(fetched.fetched_at.is_some() && fetched.error.is_none());
    assert_eq!(engine.responders("pd", ResponderFetch::IfStale).await.unwrap(), fetched, "fresh: from the cache");
    assert_eq!(user_lists(&fake), 1);

    fake.server.faults().push_n(Fault::Status(503, r#"{"error":{"message":"down"}}"#.into()), 4);
    let during = engine.responders("pd", ResponderFetch::Now).await.unwrap();
    assert_eq!(during.entries, fetched.entries, "the last good copy stays");
    assert!(during.error.as_deref().is_some_and(|e| !e.is_empty()), "{during:?}");

    let local = engine.responders("local", ResponderFetch::Now).await;
    assert!(matches!(local, Err(EngineError::Unsupported { .. })), "{local:?}");
    let unknown = engine.responders("nope", ResponderFetch::Now).await;
    assert!(unknown.is_err());
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reassigning_to_a_person_or_a_policy_reaches_the_platform_and_reads_by_name() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    fake.state.lock().policies.push(FakePolicy {
        id: "EP2".into(),
        name: "Database".into(),
        levels: vec![(5, vec!["user:U_OTHER".into()])],
        repeat: 0,
    });
    let to_person = fake.state.trigger("Checkout 5xx", &["U_ME"], Utc::now());
    let to_policy = fake.state.trigger("Replica lag", &["U_ME"], Utc::now());
    let (_setup, engine) = start(&fake).await;
    let (a, b) = (synced(&engine, &to_person).await, synced(&engine, &to_policy).await);
    engine.responders("pd", ResponderFetch::IfStale).await.unwrap();
    // Level 2 of the fake's policy is Other Person, as its on-call list says.
    let before = engine.klaxon().incident(b).await.unwrap();
    assert_eq!(before.escalates_to, Some(vec!["Other Person".to_owned()]), "{:?}", before.incident);
    assert_eq!(before.incident.policy_name.as_deref(), Some("Default"));

    engine.act(a, UserAction::Reassign(ReassignTo::Users(vec!["U_OTHER".into()]))).await.unwrap();
    let policy = ReassignTo::Policy { escalation_policy: "EP2".into() };
    engine.act(b, UserAction::Reassign(policy)).await.unwrap();
    let refused = engine.act(b, UserAction::Reassign(ReassignTo::Users(vec![]))).await;
    assert!(refused.is_err(), "nobody to reassign to: {refused:?}");
    wait_for(30, "the outbox to finish", || async {
        let all = engine.klaxon().store().outbox(true).await.unwrap();
        all.len() == 2 && all.iter().all(|e| e.state == OutboxState::Done)
    })
    .await;

    let (pa, pb) = (fake.state.incident(&to_person).unwrap(), fake.state.incident(&to_policy).unwrap());
    assert_eq!(pa.assignees, ["U_OTHER"]);
    assert_eq!((pb.policy.as_str(), pb.assignees.clone()), ("EP2", vec!["U_OTHER".to_owned()]));
    let said = |detail: klaxon_engine::core::IncidentDetail| -> Vec<String> {
        detail
            .log
            .iter()
            .filter(|l| l.entry.kind == klaxon_engine::core::LogKind::Reassigned)
            .map(|l| l.said.clone())
            .collect()
    };
    let la = said(engine.klaxon().incident(a).await.unwrap());
    assert_eq!(la.first().map(String::as_str), Some("Reassigned to Other Person by you"), "{la:?}");
    let after = engine.klaxon().incident(b).await.unwrap();
    assert_eq!(after.escalates_to, None, "nobody known past Database's only level");
    assert_eq!(after.incident.policy_name.as_deref(), Some("Database"));
    let lb = said(after);
    assert_eq!(lb.first().map(String::as_str), Some("Reassigned to escalation policy Database by you"), "{lb:?}");
    engine.shutdown().await.unwrap();
}
