//! The outbox against platforms that are slow, already there, or out of step with the cache,
//! inside the engine with the real SQLite file and the fakes on loopback:
//! - a request that times out but lands later is not sent again (the platform is asked, with
//!   back-off, for a while first); one that never lands is sent again once, after that;
//! - an action the platform already shows (an ack of an acknowledged alert group) is done and
//!   says so, not failed;
//! - once an incident's actions are done, the next sync puts the platform's values back in the
//!   cache over the optimistic ones, resolved incidents included.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use chrono::Utc;
use common::{Setup, wait_for};
use klaxon_engine::core::{AccountKind, IncidentId, IncidentStatus, OutboxEntry, OutboxState, Secret};
use klaxon_engine::{Credentials, Engine, HttpOptions, NewAccount, UncertainChecks, UserAction};
use klaxon_fakes::grafana_oncall::GrafanaOncallFake;
use klaxon_fakes::pagerduty::PagerDutyFake;
use klaxon_fakes::{FakeServer, FakeStatus, Fault, Shared};
use std::time::Duration;

const CLIENT_TIMEOUT: Duration = Duration::from_secs(1);

fn account(name: &str, kind: AccountKind, url: String, token: &str) -> NewAccount {
    NewAccount {
        name: name.into(),
        kind,
        base_url: Some(url),
        credentials: Credentials::Token(Secret::new(token)),
        poll_secs: None,
    }
}

/// An engine whose platform requests time out after [`CLIENT_TIMEOUT`] and whose uncertain
/// actions are checked over 5 s (at least 3 times) before being sent again.
async fn start(new: NewAccount) -> (Setup, Engine) {
    let setup = Setup::new("5m");
    let engine = setup
        .engine_with(vec![], |o| {
            o.http = HttpOptions { connect_timeout: CLIENT_TIMEOUT, timeout: CLIENT_TIMEOUT };
            o.uncertain =
                UncertainChecks { first: Duration::from_millis(200), window: Duration::from_secs(5), min_checks: 3 };
        })
        .await;
    engine.add_account(new).await.unwrap();
    (setup, engine)
}

/// The cached incident of `provider_ref` once synced, after the first (full) sync has finished,
/// so that no sync request is in flight when the test goes on.
async fn synced(engine: &Engine, account: &str, provider_ref: &str) -> IncidentId {
    wait_for(30, "the first sync", || async {
        let listed = engine.klaxon().store().incidents_of(account).await.unwrap();
        let done = engine.klaxon().accounts().await.unwrap().iter().any(|a| a.last_synced_at.is_some());
        done && listed.iter().any(|i| i.provider_ref == provider_ref)
    })
    .await;
    let listed = engine.klaxon().store().incidents_of(account).await.unwrap();
    listed.iter().find(|i| i.provider_ref == provider_ref).unwrap().id
}

/// Every outbox entry, once none is unfinished.
async fn finished(engine: &Engine) -> Vec<OutboxEntry> {
    wait_for(30, "the outbox to finish", || async {
        let all = engine.klaxon().store().outbox(true).await.unwrap();
        !all.is_empty() && all.iter().all(|e| matches!(e.state, OutboxState::Done | OutboxState::Failed))
    })
    .await;
    engine.klaxon().store().outbox(true).await.unwrap()
}

fn writes(state: &Shared, incident: &str, action: &str) -> usize {
    state.writes().iter().filter(|w| w.incident == incident && w.action == action).count()
}

/// (method, path) of every request to the incident's notes, in order.
fn note_requests(server: &FakeServer, incident: &str) -> Vec<String> {
    let path = format!("/incidents/{incident}/notes");
    server.requests().into_iter().filter(|r| r.path == path).map(|r| r.method).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_that_lands_after_the_timeout_is_not_sent_again() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let remote_id = fake.state.trigger("Checkout 5xx", &["U_ME"], Utc::now());
    let (_setup, engine) = start(account("pd", AccountKind::PagerDuty, fake.url(), PagerDutyFake::TOKEN)).await;
    let id = synced(&engine, "pd", &remote_id).await;

    // The platform holds the POST well past the client's timeout, then applies it.
    fake.server.faults().push(Fault::HoldThenApply(CLIENT_TIMEOUT * 3));
    engine.act(id, UserAction::Note("looking at the LB".into())).await.unwrap();
    let entries = finished(&engine).await;
    wait_for(10, "the slow platform to apply the held request", || async { fake.server.faults().held() == 0 }).await;

    assert_eq!(fake.state.incident(&remote_id).unwrap().notes.len(), 1, "applied once");
    assert_eq!(writes(&fake.state, &remote_id, "note"), 1);
    let posts = note_requests(&fake.server, &remote_id).iter().filter(|m| *m == "POST").count();
    assert_eq!(posts, 1, "never sent again: {:?}", note_requests(&fake.server, &remote_id));
    assert_eq!(entries[0].state, OutboxState::Done, "{entries:?}");
    assert!(entries[0].note.as_deref().is_some_and(|n| n.contains("answer was lost")), "{entries:?}");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_lost_on_a_slow_platform_is_sent_again_once_checks_keep_saying_no() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let remote_id = fake.state.trigger("Checkout 5xx", &["U_ME"], Utc::now());
    let (_setup, engine) = start(account("pd", AccountKind::PagerDuty, fake.url(), PagerDutyFake::TOKEN)).await;
    let id = synced(&engine, "pd", &remote_id).await;

    // Held past the timeout, then dropped: the platform never applies it.
    fake.server.faults().push(Fault::HoldThenDrop(CLIENT_TIMEOUT * 2));
    engine.act(id, UserAction::Note("looking at the LB".into())).await.unwrap();
    wait_for(10, "the outbox to treat the note as uncertain", || async {
        let all = engine.klaxon().store().outbox(true).await.unwrap();
        all.iter().any(|e| e.uncertain_since.is_some())
    })
    .await;
    let entries = finished(&engine).await;

    assert_eq!(entries[0].state, OutboxState::Done, "{entries:?}");
    assert_eq!(fake.state.incident(&remote_id).unwrap().notes.len(), 1, "sent again, once");
    let requests = note_requests(&fake.server, &remote_id);
    let posts: Vec<usize> = (0..requests.len()).filter(|&i| requests[i] == "POST").collect();
    assert_eq!(posts.len(), 2, "{requests:?}");
    let checks = requests[posts[0]..posts[1]].iter().filter(|m| *m == "GET").count();
    assert!(checks >= 3, "the platform was asked again and again before the re-send: {requests:?}");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledging_a_group_acknowledged_on_the_platform_is_done_not_failed() {
    let fake = GrafanaOncallFake::start(Utc::now()).await.unwrap();
    let remote_id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    let new = account("grafana", AccountKind::GrafanaOncall, fake.url(), GrafanaOncallFake::TOKEN);
    let (_setup, engine) = start(new).await;
    let id = synced(&engine, "grafana", &remote_id).await;

    // Someone acknowledges it in Grafana before my ack (queued locally) is sent.
    fake.state.update(&remote_id, |i| {
        i.status = FakeStatus::Acknowledged;
        i.acknowledged_at = Some(Utc::now());
    });
    engine.acknowledge(id).await.unwrap();
    let entries = finished(&engine).await;
    assert_eq!(entries[0].state, OutboxState::Done, "{entries:?}");
    assert_eq!(entries[0].note.as_deref(), Some("already acknowledged on the platform"));
    assert_eq!(entries[0].last_error, None);
    assert!(engine.klaxon().store().outbox(false).await.unwrap().is_empty(), "nothing left to discard by hand");
    assert_eq!(writes(&fake.state, &remote_id, "acknowledge"), 0);
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_actions_are_done_the_next_sync_restores_the_platforms_values_even_when_resolved() {
    let fake = GrafanaOncallFake::start(Utc::now()).await.unwrap();
    let remote_id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    let new = account("grafana", AccountKind::GrafanaOncall, fake.url(), GrafanaOncallFake::TOKEN);
    let (_setup, engine) = start(new).await;
    let id = synced(&engine, "grafana", &remote_id).await;

    // Escalate, then resolve before the next sync: the cache holds the optimistic values.
    engine.escalate(id).await.unwrap();
    let optimistic = engine.resolve(id).await.unwrap();
    assert_eq!((optimistic.status, optimistic.escalation_level), (IncidentStatus::Resolved, 2));
    assert!(optimistic.assignees.is_empty(), "{optimistic:?}");
    let entries = finished(&engine).await;
    assert!(entries.iter().all(|e| e.state == OutboxState::Done), "{entries:?}");
    assert_eq!(fake.state.incident(&remote_id).unwrap().status, FakeStatus::Resolved);

    // OnCall shows no escalation level (always 1), and the group is now resolved by me.
    engine.sync_now("grafana");
    wait_for(30, "the cache to show the platform's values", || async {
        let i = engine.klaxon().store().incident(id).await.unwrap();
        i.status == IncidentStatus::Resolved && i.escalation_level == 1 && i.assignees.iter().any(|a| a == "U_ME")
    })
    .await;
    engine.shutdown().await.unwrap();
}
