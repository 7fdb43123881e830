//! Shift reminders and shift changes with an injected clock: each fires once at its instant; one
//! missed during a sleep fires once on wake while still true; nothing repeats after a restart.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use chrono::{DateTime, Duration as Days, Utc};
use common::{Recorder, Setup};
use klaxon_engine::core::Override;
use klaxon_engine::{Klaxon, PageDelivery};
use std::sync::Arc;
use std::time::Duration;

fn s() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2027-01-04T09:00:00Z").unwrap().with_timezone(&Utc)
}

const WEEKLY: &str = "[[rotations]]\nid = \"primary\"\nname = \"Primary\"\nstart = 2027-01-04T09:00:00Z\nparticipants = [\"alex\", \"sam\"]\n";

async fn summaries(k: &Klaxon, at: DateTime<Utc>) -> Vec<String> {
    k.due_reminders(at).await.unwrap().into_iter().map(|n| n.summary).collect()
}

#[tokio::test]
async fn reminders_fire_once_at_their_instants_through_sleeps_and_restarts() {
    let setup = Setup::with_extra("5m", WEEKLY);
    let k = setup.klaxon().await;
    assert!(summaries(&k, s() - Days::days(4)).await.is_empty(), "nothing yet four days ahead");
    assert_eq!(summaries(&k, s() - Days::days(3)).await, ["Your on-call shift starts in 3 days"]);
    assert!(summaries(&k, s() - Days::days(3) + Days::seconds(30)).await.is_empty(), "once");
    // Asleep from then until 30 minutes before: the hour-ahead reminder, once.
    assert_eq!(summaries(&k, s() - Days::minutes(30)).await, ["Your on-call shift starts in 30 min"]);
    drop(k);

    // Klaxon was not running at the start: told on the next look, as the shift has not ended.
    let k = setup.klaxon().await;
    assert!(summaries(&k, s() - Days::minutes(29)).await.is_empty(), "not again after a restart");
    assert_eq!(summaries(&k, s() + Days::minutes(10)).await, ["You are on call now — run your pre-shift checklist"]);
    // Asleep across the end (and its hour of grace): the hand-over reminder is dropped.
    assert!(summaries(&k, s() + Days::weeks(1) + Days::hours(2)).await.is_empty());
    assert!(summaries(&k, s() + Days::weeks(1) + Days::hours(3)).await.is_empty());

    // Sam takes the first day of my next shift: that is a change, told once.
    let cover = Override {
        id: 0,
        schedule: "primary".into(),
        layer: None,
        person: "sam".into(),
        start: s() + Days::weeks(2),
        end: s() + Days::weeks(2) + Days::days(1),
        created_by: Some("alex".into()),
    };
    k.store().add_override("local", &cover, Utc::now()).await.unwrap();
    let changes = summaries(&k, s() + Days::weeks(1) + Days::hours(4)).await;
    assert_eq!(changes, ["One of your on-call shifts changed", "You have a new on-call shift"]);
    assert!(summaries(&k, s() + Days::weeks(1) + Days::hours(5)).await.is_empty(), "told once");
    let mine = k.my_shifts(s() + Days::weeks(2), s() + Days::weeks(3)).await.unwrap();
    assert_eq!(mine, [(s() + Days::weeks(2) + Days::days(1), s() + Days::weeks(3))], "the override is in my shifts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pager_sends_reminders_through_every_path_on_its_clock() {
    let start = (Utc::now() + Days::minutes(120)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let rotation = format!(
        "[[rotations]]\nid = \"p\"\nstart = {start}\nshift_length = \"1w\"\nparticipants = [\"alex\", \"sam\"]\n"
    );
    let setup = Setup::with_extra("5m", &rotation);
    let (desktop, tray) = (Recorder::new("desktop-notification", false), Recorder::new("tray", true));
    let paths = vec![desktop.clone() as Arc<dyn PageDelivery>, tray.clone() as Arc<dyn PageDelivery>];
    let engine = setup.engine(paths).await;
    engine.ticks(3).await;
    let seen = |r: &Recorder| r.notices.lock().unwrap().iter().map(|n| n.summary.clone()).collect::<Vec<_>>();
    assert_eq!(seen(&desktop), ["Your on-call shift starts in 2 h 0 min"], "the latest reminder due, once");
    setup.clock.advance(Duration::from_secs(125 * 60));
    engine.ticks(3).await;
    assert_eq!(seen(&desktop)[1..], ["You are on call now — run your pre-shift checklist"]);
    assert!(desktop.pages.lock().unwrap().is_empty(), "a notice, never a page");
    engine.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_rotation_of_one_is_one_endless_shift_not_a_reminder_every_look() {
    let solo = "[[rotations]]\nid = \"solo\"\nstart = 2026-01-05T09:00:00Z\nparticipants = [\"alex\"]\n";
    let setup = Setup::with_extra("5m", solo);
    let k = setup.klaxon().await;
    let now = Utc::now();
    for minutes in 0..5 {
        assert!(summaries(&k, now + Days::minutes(minutes)).await.is_empty(), "look {minutes}");
    }
}
