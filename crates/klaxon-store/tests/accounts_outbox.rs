//! Accounts, platform sync merges and the outbox, on real SQLite files.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use chrono::{DateTime, TimeZone, Utc};
use klaxon_core::{
    Account, AccountKind, Action, Details, IncidentStatus, OutboxState, RemoteIncident, Severity, Shift, Urgency,
};
use klaxon_store::{Store, StoreError};

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + secs, 0).single().unwrap()
}

async fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("klaxon.db")).await.unwrap();
    (dir, store)
}

fn account(name: &str) -> Account {
    Account {
        name: name.into(),
        kind: AccountKind::PagerDuty,
        base_url: Some("http://127.0.0.1:9".into()),
        user_id: Some("U_ME".into()),
        user_name: None,
        user_email: Some("me@example.com".into()),
        poll_secs: 15,
        created_at: t(0),
        last_synced_at: None,
        last_error: None,
    }
}

fn remote(id: &str, status: IncidentStatus, level: u32) -> RemoteIncident {
    RemoteIncident {
        provider_ref: id.into(),
        web_url: None,
        title: format!("Incident {id}"),
        service: Some("checkout".into()),
        severity: Severity::Sev2,
        urgency: Urgency::High,
        status,
        assignees: vec!["U_ME".into()],
        escalation_level: level,
        escalation_policy: Some("EP1".into()),
        created_at: t(0),
        acknowledged_at: None,
        resolved_at: (status == IncidentStatus::Resolved).then(|| t(50)),
        updated_at: t(1),
        details: Details::default(),
    }
}

async fn with_account() -> (tempfile::TempDir, Store) {
    let (dir, store) = open().await;
    store.add_account(&account("pd")).await.unwrap();
    (dir, store)
}

#[tokio::test]
async fn accounts_are_added_listed_recorded_and_removed_with_their_cache() {
    let (_dir, store) = with_account().await;
    assert!(matches!(store.add_account(&account("pd")).await, Err(StoreError::AccountExists(n)) if n == "pd"));
    let listed = store.accounts().await.unwrap();
    assert_eq!(listed.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["pd"], "local is not listed");

    store.record_sync("pd", t(10), None).await.unwrap();
    store.record_sync("pd", t(20), Some("cannot reach the platform")).await.unwrap();
    let a = store.account("pd").await.unwrap();
    assert_eq!(a.last_synced_at, Some(t(10)), "a failure keeps the last good time");
    assert_eq!(a.last_error.as_deref(), Some("cannot reach the platform"));
    store.record_sync("pd", t(30), None).await.unwrap();
    assert_eq!(store.account("pd").await.unwrap().last_error, None);

    store
        .apply_sync("pd", Some("U_ME"), &[remote("P1", IncidentStatus::Triggered, 1)], t(-100), true, t(1_000))
        .await
        .unwrap();
    let id = store.incidents_of("pd").await.unwrap()[0].id;
    store.take_action(id, &Action::Acknowledge, "U_ME", t(40)).await.unwrap();
    let shift = Shift {
        schedule_id: "S".into(),
        schedule_name: "Primary".into(),
        person_id: "U_ME".into(),
        person_name: "Me".into(),
        start: t(0),
        end: t(3600),
    };
    store.save_shifts("pd", &[shift]).await.unwrap();

    store.remove_account("pd").await.unwrap();
    assert!(matches!(store.account("pd").await, Err(StoreError::NoAccount(_))));
    assert!(store.incidents_of("pd").await.unwrap().is_empty());
    assert!(store.outbox(true).await.unwrap().is_empty());
    assert!(store.shifts(t(-10), t(10)).await.unwrap().is_empty());
    assert!(matches!(store.remove_account("pd").await, Err(StoreError::NoAccount(_))));
    assert!(store.remove_account("local").await.is_err());
}

#[tokio::test]
async fn sync_merges_pages_once_per_trigger_and_drops_what_is_no_longer_mine() {
    let (_dir, store) = with_account().await;
    let first = store
        .apply_sync(
            "pd",
            Some("U_ME"),
            &[remote("P1", IncidentStatus::Triggered, 1), remote("P2", IncidentStatus::Acknowledged, 1)],
            t(-100),
            true,
            t(1_000),
        )
        .await
        .unwrap();
    assert_eq!(first.changed.len(), 2);
    let again = store
        .apply_sync(
            "pd",
            Some("U_ME"),
            &[remote("P1", IncidentStatus::Triggered, 1), remote("P2", IncidentStatus::Acknowledged, 1)],
            t(-100),
            true,
            t(1_000),
        )
        .await
        .unwrap();
    assert!(again.is_empty(), "an unchanged answer changes nothing: {again:?}");

    let moved = store
        .apply_sync("pd", Some("U_ME"), &[remote("P1", IncidentStatus::Triggered, 2)], t(-100), true, t(1_000))
        .await
        .unwrap();
    assert_eq!(moved.changed.len(), 1);
    assert_eq!((moved.changed[0].escalation_level, moved.changed[0].trigger_seq), (2, 2));
    assert_eq!(moved.removed, 1, "P2 is no longer in my list");
    let cached = store.incidents_of("pd").await.unwrap();
    assert_eq!(cached.iter().map(|i| i.provider_ref.as_str()).collect::<Vec<_>>(), ["P1"]);
    let log = store.incident_log(cached[0].id).await.unwrap();
    assert!(log.iter().any(|l| l.message == "Escalated to level 2"), "{log:?}");

    // An answer of open incidents only drops nothing; a resolved stranger is not taken in.
    let light = store
        .apply_sync("pd", Some("U_ME"), &[remote("P9", IncidentStatus::Resolved, 1)], t(-100), false, t(1_000))
        .await
        .unwrap();
    assert!(light.is_empty(), "{light:?}");
    assert_eq!(store.incidents_of("pd").await.unwrap().len(), 1);

    // Resolved beyond the horizon: dropped.
    let old = store
        .apply_sync("pd", Some("U_ME"), &[remote("P1", IncidentStatus::Resolved, 2)], t(100), true, t(1_000))
        .await
        .unwrap();
    assert_eq!(old.removed, 1);
}

#[tokio::test]
async fn an_action_is_applied_and_queued_together_and_sync_does_not_undo_it() {
    let (_dir, store) = with_account().await;
    store
        .apply_sync("pd", Some("U_ME"), &[remote("P1", IncidentStatus::Triggered, 1)], t(-100), true, t(1_000))
        .await
        .unwrap();
    let id = store.incidents_of("pd").await.unwrap()[0].id;

    let (incident, queued) = store.take_action(id, &Action::Acknowledge, "U_ME", t(5)).await.unwrap();
    assert_eq!(incident.status, IncidentStatus::Acknowledged);
    assert_eq!((queued.state, queued.provider_ref.as_str(), queued.attempts), (OutboxState::Pending, "P1", 0));
    assert_eq!(store.incident(id).await.unwrap().status, IncidentStatus::Acknowledged, "durable at once");

    // The platform has not seen the ack yet: its stale "triggered" must not re-trigger the cache.
    let stale = store
        .apply_sync("pd", Some("U_ME"), &[remote("P1", IncidentStatus::Triggered, 1)], t(-100), true, t(1_000))
        .await
        .unwrap();
    assert!(stale.is_empty());
    assert_eq!(store.incident(id).await.unwrap().status, IncidentStatus::Acknowledged);

    // A refused transition writes nothing and queues nothing.
    let before = store.outbox(true).await.unwrap().len();
    assert!(matches!(store.take_action(id, &Action::Acknowledge, "U_ME", t(6)).await, Err(StoreError::Rejected(_))));
    assert_eq!(store.outbox(true).await.unwrap().len(), before);

    // Once sent, the platform's state is taken again.
    assert!(store.outbox_sending(queued.id, t(7)).await.unwrap());
    store.outbox_done(queued.id, None, t(8)).await.unwrap();
    let after = store
        .apply_sync("pd", Some("U_ME"), &[remote("P1", IncidentStatus::Resolved, 1)], t(-100), true, t(1_000))
        .await
        .unwrap();
    assert_eq!(after.changed[0].status, IncidentStatus::Resolved);
}

#[tokio::test]
async fn outbox_sends_in_order_per_incident_and_keeps_failures() {
    let (_dir, store) = with_account().await;
    store
        .apply_sync(
            "pd",
            Some("U_ME"),
            &[remote("P1", IncidentStatus::Triggered, 1), remote("P2", IncidentStatus::Triggered, 1)],
            t(-100),
            true,
            t(1_000),
        )
        .await
        .unwrap();
    let ids: Vec<_> = store.incidents_of("pd").await.unwrap().iter().map(|i| (i.provider_ref.clone(), i.id)).collect();
    let p1 = ids.iter().find(|(r, _)| r == "P1").unwrap().1;
    let p2 = ids.iter().find(|(r, _)| r == "P2").unwrap().1;
    let (_, a) = store.take_action(p1, &Action::Acknowledge, "U_ME", t(1)).await.unwrap();
    let (_, b) = store.take_action(p1, &Action::Note { text: "on it".into() }, "U_ME", t(2)).await.unwrap();
    let (_, c) = store.take_action(p2, &Action::Acknowledge, "U_ME", t(3)).await.unwrap();

    assert_eq!(store.next_outbox("pd", t(10)).await.unwrap().unwrap().id, a.id);
    // a backs off: b waits behind it (same incident), c (another incident) may go.
    assert!(store.outbox_sending(a.id, t(10)).await.unwrap());
    store.outbox_retry_at(a.id, "HTTP 503", t(60), true, t(10)).await.unwrap();
    assert_eq!(store.next_outbox("pd", t(11)).await.unwrap().unwrap().id, c.id);
    assert_eq!(store.next_outbox_time("pd").await.unwrap(), Some(t(60)));
    let retried = store.next_outbox("pd", t(61)).await.unwrap().unwrap();
    assert_eq!((retried.id, retried.maybe_sent, retried.attempts), (a.id, true, 1));

    store.outbox_failed(a.id, "Incident Already Resolved", t(62)).await.unwrap();
    assert_eq!(store.next_outbox("pd", t(63)).await.unwrap().unwrap().id, b.id, "a failure does not block the rest");
    let listed = store.outbox(false).await.unwrap();
    let failed = listed.iter().find(|e| e.id == a.id).unwrap();
    assert_eq!((failed.state, failed.last_error.as_deref()), (OutboxState::Failed, Some("Incident Already Resolved")));

    assert!(store.retry_outbox(b.id, t(64)).await.is_err(), "only failed entries are retried");
    assert_eq!(store.retry_outbox(a.id, t(64)).await.unwrap().state, OutboxState::Pending);
    store.discard_outbox(a.id).await.unwrap();
    assert!(store.outbox_entry(a.id).await.is_err());
    assert!(!store.outbox_sending(a.id, t(65)).await.unwrap(), "a discarded entry cannot be claimed");
}

#[tokio::test]
async fn outbox_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klaxon.db");
    let store = Store::open(&path).await.unwrap();
    store.add_account(&account("pd")).await.unwrap();
    store
        .apply_sync("pd", Some("U_ME"), &[remote("P1", IncidentStatus::Triggered, 1)], t(-100), true, t(1_000))
        .await
        .unwrap();
    let id = store.incidents_of("pd").await.unwrap()[0].id;
    let (_, queued) = store.take_action(id, &Action::Escalate { to_level: 2 }, "U_ME", t(1)).await.unwrap();
    store.outbox_sending(queued.id, t(2)).await.unwrap();
    drop(store);
    let store = Store::open(&path).await.unwrap();
    let entry = store.next_outbox("pd", t(3)).await.unwrap().unwrap();
    assert_eq!((entry.id, entry.state, entry.maybe_sent), (queued.id, OutboxState::Sending, true));
    assert_eq!(entry.action, Action::Escalate { to_level: 2 });
}

#[tokio::test]
async fn finished_actions_give_way_to_the_platform_at_the_next_sync_asked_after_them() {
    let (_dir, store) = with_account().await;
    let open = remote("P1", IncidentStatus::Triggered, 1);
    store.apply_sync("pd", Some("U_ME"), &[open], t(-100), true, t(0)).await.unwrap();
    let id = store.incidents_of("pd").await.unwrap()[0].id;
    let (_, escalate) = store.take_action(id, &Action::Escalate { to_level: 2 }, "U_ME", t(1)).await.unwrap();
    let (optimistic, resolve) = store.take_action(id, &Action::Resolve, "U_ME", t(2)).await.unwrap();
    assert_eq!((optimistic.status, optimistic.escalation_level), (IncidentStatus::Resolved, 2));
    assert!(optimistic.assignees.is_empty());

    store.outbox_done(escalate.id, None, t(3)).await.unwrap();
    assert!(store.reread_refs("pd").await.unwrap().is_empty(), "an action on it is still unfinished");
    store.outbox_done(resolve.id, Some("already resolved on the platform"), t(4)).await.unwrap();
    assert_eq!(store.reread_refs("pd").await.unwrap(), ["P1"], "resolved, and still to be re-read");

    // An answer asked before the last action finished may predate it: the cache keeps its values.
    let truth = remote("P1", IncidentStatus::Resolved, 1);
    let early = store.apply_sync("pd", Some("U_ME"), std::slice::from_ref(&truth), t(-100), true, t(4)).await.unwrap();
    assert!(early.is_empty(), "{early:?}");
    assert_eq!(store.incident(id).await.unwrap().escalation_level, 2);
    assert_eq!(store.reread_refs("pd").await.unwrap(), ["P1"]);

    // One asked afterwards wins over every optimistic value, and the incident is re-read.
    let later = store.apply_sync("pd", Some("U_ME"), &[truth], t(-100), true, t(5)).await.unwrap();
    assert_eq!(later.changed.len(), 1);
    let i = store.incident(id).await.unwrap();
    assert_eq!((i.status, i.escalation_level, i.assignees), (IncidentStatus::Resolved, 1, vec!["U_ME".to_owned()]));
    assert!(store.reread_refs("pd").await.unwrap().is_empty());
    let done = store.outbox(true).await.unwrap();
    let notes: Vec<Option<&str>> = done.iter().map(|e| e.note.as_deref()).collect();
    assert_eq!(notes, [None, Some("already resolved on the platform")]);
}

#[tokio::test]
async fn an_uncertain_action_keeps_since_when_and_how_often_it_was_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klaxon.db");
    let store = Store::open(&path).await.unwrap();
    store.add_account(&account("pd")).await.unwrap();
    let open = remote("P1", IncidentStatus::Triggered, 1);
    store.apply_sync("pd", Some("U_ME"), &[open], t(-100), true, t(0)).await.unwrap();
    let id = store.incidents_of("pd").await.unwrap()[0].id;
    let (_, note) = store.take_action(id, &Action::Note { text: "on it".into() }, "U_ME", t(1)).await.unwrap();

    assert!(store.outbox_sending(note.id, t(2)).await.unwrap());
    store.outbox_uncertain(note.id, "the platform did not answer in time", t(3), 0, t(5), t(3)).await.unwrap();
    assert!(store.next_outbox("pd", t(4)).await.unwrap().is_none(), "not before the check is due");
    let due = store.next_outbox("pd", t(5)).await.unwrap().unwrap();
    assert_eq!(
        (due.state, due.maybe_sent, due.uncertain_since, due.checks),
        (OutboxState::Pending, true, Some(t(3)), 0)
    );
    assert!(store.outbox_sending(note.id, t(5)).await.unwrap());
    store.outbox_uncertain(note.id, "the platform did not answer in time", t(3), 2, t(9), t(5)).await.unwrap();
    drop(store);

    let store = Store::open(&path).await.unwrap();
    let kept = store.outbox_entry(note.id).await.unwrap();
    assert_eq!((kept.uncertain_since, kept.checks, kept.next_attempt_at), (Some(t(3)), 2, Some(t(9))));
    store.outbox_done(note.id, Some("applied on the platform"), t(9)).await.unwrap();
    let done = store.outbox_entry(note.id).await.unwrap();
    assert_eq!((done.state, done.uncertain_since, done.checks), (OutboxState::Done, None, 0));
    assert_eq!((done.note.as_deref(), done.last_error), (Some("applied on the platform"), None));
}

#[tokio::test]
async fn a_refused_reassign_is_told_in_the_timeline_in_time_order() {
    let (_dir, store) = with_account().await;
    store
        .apply_sync("pd", Some("U_ME"), &[remote("P1", IncidentStatus::Triggered, 1)], t(-100), true, t(1_000))
        .await
        .unwrap();
    let id = store.incidents_of("pd").await.unwrap()[0].id;
    let (_, queued) = store
        .take_action(id, &Action::Reassign { to: klaxon_core::ReassignTo::Users(vec!["U_SAM".into()]) }, "U_ME", t(5))
        .await
        .unwrap();
    // An entry that happened earlier but arrives later (a platform's timeline at the next sync).
    let early = klaxon_core::LogEntry::new(t(2), klaxon_core::LogKind::Note, "looked at it".to_owned(), Some("U_ME"));
    store.append_log(id, &[early]).await.unwrap();
    store.outbox_failed(queued.id, "not allowed: reassign", t(9)).await.unwrap();

    let log = store.incident_log(id).await.unwrap();
    let tail: Vec<_> = log.iter().rev().take(3).rev().map(|l| (l.at, l.kind, l.message.as_str())).collect();
    assert_eq!(
        tail,
        [
            (t(2), klaxon_core::LogKind::Note, "looked at it"),
            (t(5), klaxon_core::LogKind::Reassigned, "Reassigned to U_SAM by U_ME"),
            (t(9), klaxon_core::LogKind::Note, "The platform refused to reassign: not allowed: reassign"),
        ],
        "{log:?}"
    );
    assert!(log.windows(2).all(|w| w[0].at <= w[1].at), "in time order: {log:?}");
}

#[tokio::test]
async fn known_people_are_those_on_call_and_in_shifts_of_that_account() {
    let (_dir, store) = with_account().await;
    let shift = |id: &str, name: &str| Shift {
        schedule_id: "S".into(),
        schedule_name: "Primary".into(),
        person_id: id.into(),
        person_name: name.into(),
        start: t(0),
        end: t(3600),
    };
    store.save_shifts("pd", &[shift("PSAM", "Sam Lee"), shift("PDANA", "Dana Ito")]).await.unwrap();
    let entry = klaxon_core::OnCallEntry {
        policy: "Ops".into(),
        level: 1,
        person_id: "PSAM".into(),
        person_name: "Sam Lee".into(),
        rotation: None,
        until: None,
        me: false,
    };
    store.save_on_call("pd", &[entry], &[]).await.unwrap();
    let mut known = store.known_people("pd").await.unwrap();
    known.sort();
    assert_eq!(known, [("PDANA".to_owned(), "Dana Ito".to_owned()), ("PSAM".to_owned(), "Sam Lee".to_owned())]);
    assert!(store.known_people("other").await.unwrap().is_empty());
}
