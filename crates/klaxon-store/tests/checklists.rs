//! Checklist runs, results, ticks and allowed files on a real SQLite file.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use chrono::{DateTime, TimeZone, Utc};
use klaxon_core::checklist::{Evidence, ItemResult, Outcome, RunTrigger, Tick};
use klaxon_store::Store;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + secs, 0).single().unwrap()
}

fn found(item: &str, outcome: Outcome, at: i64) -> ItemResult {
    let evidence = Evidence { checked: format!("tcp {item}:443"), result: format!("{outcome:?}"), took_ms: 12 };
    ItemResult { item: item.into(), outcome, evidence, at: t(at) }
}

#[tokio::test]
async fn the_latest_result_of_each_item_survives_a_restart_and_history_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klaxon.db");
    let store = Store::open(&path).await.unwrap();
    let first = store.begin_run("pre-shift", RunTrigger::Asked, None, t(0)).await.unwrap().unwrap();
    store
        .finish_run(first, &[found("vpn", Outcome::Fail, 1), found("dns", Outcome::Pass, 1)], Outcome::Fail, t(2))
        .await
        .unwrap();
    let second = store.begin_run("pre-shift", RunTrigger::Asked, None, t(10)).await.unwrap().unwrap();
    store.finish_run(second, &[found("vpn", Outcome::Pass, 11)], Outcome::Pass, t(12)).await.unwrap();
    // A run that never finished (the process died) does not count.
    let dead = store.begin_run("pre-shift", RunTrigger::Asked, None, t(20)).await.unwrap().unwrap();
    assert!(dead > second);
    store.begin_run("new-hire", RunTrigger::Asked, None, t(30)).await.unwrap().unwrap();
    drop(store);

    let store = Store::open(&path).await.unwrap();
    let latest = store.latest_results("pre-shift").await.unwrap();
    let summary: Vec<(&str, Outcome, DateTime<Utc>)> =
        latest.iter().map(|r| (r.item.as_str(), r.outcome, r.at)).collect();
    assert_eq!(summary, [("dns", Outcome::Pass, t(1)), ("vpn", Outcome::Pass, t(11))]);
    assert_eq!(latest[1].evidence, Evidence { checked: "tcp vpn:443".into(), result: "Pass".into(), took_ms: 12 });

    let runs = store.checklist_runs(Some("pre-shift"), 10).await.unwrap();
    let listed: Vec<(i64, Option<Outcome>)> = runs.iter().map(|r| (r.id, r.outcome)).collect();
    assert_eq!(listed, [(dead, None), (second, Some(Outcome::Pass)), (first, Some(Outcome::Fail))], "newest first");
    assert_eq!(store.checklist_runs(None, 10).await.unwrap().len(), 4);
    assert_eq!(store.checklist_runs(None, 2).await.unwrap().len(), 2);
    assert_eq!(store.run_results(first).await.unwrap().len(), 2, "the first run's results are kept");
}

#[tokio::test]
async fn a_shifts_pre_shift_run_is_claimed_once_even_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klaxon.db");
    let store = Store::open(&path).await.unwrap();
    let shift = Some(t(3600));
    assert!(store.begin_run("pre-shift", RunTrigger::PreShift, shift, t(0)).await.unwrap().is_some());
    assert!(store.begin_run("pre-shift", RunTrigger::PreShift, shift, t(5)).await.unwrap().is_none());
    drop(store);
    let store = Store::open(&path).await.unwrap();
    assert!(store.begin_run("pre-shift", RunTrigger::PreShift, shift, t(9)).await.unwrap().is_none());
    assert!(
        store.begin_run("pre-shift", RunTrigger::PreShift, Some(t(90_000)), t(9)).await.unwrap().is_some(),
        "the next shift"
    );
    assert!(store.begin_run("other", RunTrigger::PreShift, shift, t(9)).await.unwrap().is_some(), "another checklist");
    assert!(
        store.begin_run("pre-shift", RunTrigger::Asked, None, t(9)).await.unwrap().is_some(),
        "asked runs are not limited"
    );
    assert!(store.begin_run("pre-shift", RunTrigger::Asked, None, t(9)).await.unwrap().is_some());
}

#[tokio::test]
async fn ticks_and_allowed_files_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("klaxon.db")).await.unwrap();
    assert_eq!(store.latest_tick("new-hire", "phone-apps").await.unwrap(), None);
    let tick = Tick {
        checklist: "new-hire".into(),
        item: "phone-apps".into(),
        at: t(1),
        ticked: true,
        note: Some("Slack and Zoom".into()),
    };
    store.tick(&tick).await.unwrap();
    assert_eq!(store.latest_tick("new-hire", "phone-apps").await.unwrap(), Some(tick.clone()));
    let untick = Tick { at: t(2), ticked: false, note: None, ..tick };
    store.tick(&untick).await.unwrap();
    assert_eq!(store.latest_tick("new-hire", "phone-apps").await.unwrap(), Some(untick));
    assert_eq!(store.latest_tick("new-hire", "other").await.unwrap(), None);

    assert_eq!(store.allowed_checklist("/x/pre-shift.toml").await.unwrap(), None);
    store.allow_checklist("/x/pre-shift.toml", "abc", t(1)).await.unwrap();
    store.allow_checklist("/x/pre-shift.toml", "def", t(2)).await.unwrap();
    assert_eq!(store.allowed_checklist("/x/pre-shift.toml").await.unwrap().as_deref(), Some("def"));
}

#[tokio::test]
async fn onboarding_ticks_and_reviews_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klaxon.db");
    let store = Store::open(&path).await.unwrap();
    store.onboarding_tick("kim", "runbooks", 0, Some("kim"), true, t(1)).await.unwrap();
    store.onboarding_tick("kim", "runbooks", 1, Some("kim"), true, t(2)).await.unwrap();
    store.onboarding_tick("kim", "runbooks", 1, Some("kim"), false, t(3)).await.unwrap();
    store.onboarding_tick("kim", "signoff", 0, Some("sam"), true, t(4)).await.unwrap();
    store.onboarding_tick("lee", "signoff", 0, Some("sam"), true, t(4)).await.unwrap();
    store.mark_reviewed(7, "Disk full", t(5)).await.unwrap();
    store.mark_reviewed(7, "Disk full", t(9)).await.unwrap();
    store.mark_reviewed(8, "CPU hot", t(10)).await.unwrap();
    drop(store);

    let store = Store::open(&path).await.unwrap();
    let ticks: Vec<(String, u32, bool, Option<String>)> =
        store.onboarding_ticks("kim").await.unwrap().into_iter().map(|t| (t.task, t.part, t.ticked, t.by)).collect();
    assert_eq!(
        ticks,
        [
            ("runbooks".to_owned(), 0, true, Some("kim".to_owned())),
            ("runbooks".to_owned(), 1, false, Some("kim".to_owned())),
            ("signoff".to_owned(), 0, true, Some("sam".to_owned())),
        ]
    );
    assert_eq!(store.reviewed_since(t(0)).await.unwrap(), 2, "a second review of one incident counts once");
    assert_eq!(store.reviewed_since(t(6)).await.unwrap(), 1);
}
