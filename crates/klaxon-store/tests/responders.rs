//! The reassign picker's cache on a real SQLite file: replaced whole, kept with the reason when a
//! refresh fails, names for the timeline, gone with the account.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use chrono::{DateTime, TimeZone, Utc};
use klaxon_core::{Account, AccountKind, EscalationPolicy, Person, ResponderKind};
use klaxon_store::{Store, StoreError};

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + secs, 0).single().unwrap()
}

fn person(id: &str, name: &str) -> Person {
    Person {
        id: id.into(),
        name: name.into(),
        email: Some(format!("{}@example.com", id.to_lowercase())),
        phone: None,
        chat: None,
    }
}

fn policy(id: &str, name: &str) -> EscalationPolicy {
    EscalationPolicy { id: id.into(), name: name.into(), levels: vec![], repeat: 0 }
}

async fn with_account(dir: &tempfile::TempDir) -> Store {
    let store = Store::open(&dir.path().join("klaxon.db")).await.unwrap();
    let account = Account {
        name: "pd".into(),
        kind: AccountKind::PagerDuty,
        base_url: Some("http://127.0.0.1:9".into()),
        user_id: Some("U_ME".into()),
        user_name: None,
        user_email: None,
        poll_secs: 15,
        created_at: t(0),
        last_synced_at: None,
        last_error: None,
    };
    store.add_account(&account).await.unwrap();
    store
}

#[tokio::test]
async fn responders_are_replaced_whole_and_survive_a_failed_refresh_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = with_account(&dir).await;
    let empty = store.responders("pd").await.unwrap();
    assert!(empty.entries.is_empty() && empty.fetched_at.is_none() && empty.error.is_none());

    let users = [person("PZOE", "zoe Park"), person("PSAM", "Sam Lee")];
    store.save_responders("pd", &users, &[policy("EP1", "Database")], t(10)).await.unwrap();
    store
        .save_responders("pd", &[person("PSAM", "Sam Lee"), person("PANA", "Ana Ruiz")], &[policy("EP2", "Api")], t(20))
        .await
        .unwrap();
    store.record_responders_error("pd", "PagerDuty said 503").await.unwrap();
    drop(store);

    let store = Store::open(&dir.path().join("klaxon.db")).await.unwrap();
    let cached = store.responders("pd").await.unwrap();
    let listed: Vec<(ResponderKind, &str, Option<&str>)> =
        cached.entries.iter().map(|e| (e.kind, e.name.as_str(), e.detail.as_deref())).collect();
    assert_eq!(
        listed,
        [
            (ResponderKind::User, "Ana Ruiz", Some("pana@example.com")),
            (ResponderKind::User, "Sam Lee", Some("psam@example.com")),
            (ResponderKind::EscalationPolicy, "Api", None),
        ],
        "the second answer replaced the first; people first, by name"
    );
    assert_eq!((cached.fetched_at, cached.error.as_deref()), (Some(t(20)), Some("PagerDuty said 503")));

    store.save_responders("pd", &[person("PSAM", "Sam Lee")], &[], t(30)).await.unwrap();
    assert_eq!(store.responders("pd").await.unwrap().error, None, "a good answer clears the error");
    let mut known = store.known_people("pd").await.unwrap();
    known.sort();
    assert_eq!(known, [("PSAM".to_owned(), "Sam Lee".to_owned())]);
    assert!(store.known_people("local").await.unwrap().iter().all(|(id, _)| id != "PSAM"));
}

#[tokio::test]
async fn responders_need_the_account_and_go_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = with_account(&dir).await;
    assert!(matches!(store.responders("nope").await, Err(StoreError::NoAccount(n)) if n == "nope"));
    assert!(matches!(
        store.save_responders("nope", &[person("PSAM", "Sam")], &[], t(1)).await,
        Err(StoreError::NoAccount(_))
    ));
    assert!(store.known_people("nope").await.unwrap().is_empty(), "nothing half-written for an unknown account");
    store.save_responders("pd", &[person("PSAM", "Sam")], &[policy("EP1", "Db")], t(1)).await.unwrap();
    store.remove_account("pd").await.unwrap();
    assert!(store.known_people("pd").await.unwrap().is_empty());
}
