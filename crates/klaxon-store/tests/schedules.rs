//! Schedules' dated state on a real SQLite file: overrides reach the alert intake's assignment,
//! platform overrides wait for their outbox, calendars keep their last good copy, reminders are
//! remembered across a restart.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use chrono::{DateTime, TimeZone, Utc};
use klaxon_core::{Alert, AlertAction, Details, OutboxState, Override, Severity, team_file};
use klaxon_store::{CalendarCopy, Store, StoreError};

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + secs, 0).single().unwrap()
}

fn cover(schedule: &str, person: &str, from: i64, to: i64) -> Override {
    Override {
        id: 0,
        schedule: schedule.into(),
        layer: None,
        person: person.into(),
        start: t(from),
        end: t(to),
        created_by: Some("alex".into()),
    }
}

const TEAM: &str = r#"
me = "alex"
[[people]]
id = "alex"
[[people]]
id = "sam"
[[rotations]]
id = "primary"
start = 2026-01-05T09:00:00Z
participants = ["alex"]
[[escalation_policies]]
id = "default"
[[escalation_policies.levels]]
delay = "5m"
targets = ["schedule:primary"]
"#;

#[tokio::test]
async fn an_override_decides_who_a_new_alert_pages_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klaxon.db");
    let team = team_file::parse(TEAM).unwrap().team;
    let alert = |title: &str| Alert {
        action: AlertAction::Trigger,
        title: title.into(),
        severity: Severity::Sev2,
        urgency: None,
        service: None,
        dedup_key: Some(title.into()),
        details: Details::default(),
        web_url: None,
        source: "test".into(),
    };
    {
        let store = Store::open(&path).await.unwrap();
        let before = store.ingest_alert(&alert("a"), &team, t(0)).await.unwrap();
        assert_eq!(before.incident.as_ref().unwrap().assignees, ["alex"]);
        let kept = store.add_override("local", &cover("primary", "sam", -10, 3600), t(-10)).await.unwrap();
        assert_eq!((kept.state, kept.cover.id > 0), (OutboxState::Done, true), "a team-file override needs no sending");
    }
    let store = Store::open(&path).await.unwrap();
    let after = store.ingest_alert(&alert("b"), &team, t(10)).await.unwrap();
    assert_eq!(after.incident.as_ref().unwrap().assignees, ["sam"], "sam covers alex now");
    let later = store.ingest_alert(&alert("c"), &team, t(3600)).await.unwrap();
    assert_eq!(later.incident.as_ref().unwrap().assignees, ["alex"], "and only until the override ends");
    assert_eq!(store.roster().await.unwrap().overrides.len(), 1);
    let id = store.overrides(t(0)).await.unwrap()[0].cover.id;
    store.remove_override(id).await.unwrap();
    assert!(store.roster().await.unwrap().overrides.is_empty());
    assert!(matches!(store.remove_override(id).await, Err(StoreError::NoOverride(_))));
}

#[tokio::test]
async fn a_platform_override_waits_for_its_outbox_and_stays_once_sent() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("k.db")).await.unwrap();
    let o = store.add_override("pd", &cover("S1", "U2", 0, 60), t(0)).await.unwrap();
    assert_eq!(o.state, OutboxState::Pending);
    assert!(store.roster().await.unwrap().overrides.is_empty(), "a platform's overrides show through its sync");
    let (next, maybe_sent) = store.next_cover("pd", t(1)).await.unwrap().unwrap();
    assert_eq!((next.cover.id, maybe_sent), (o.cover.id, false));
    store.override_sending(o.cover.id).await.unwrap();
    store.override_sent(o.cover.id, Err(("timed out".into(), Some(t(30))))).await.unwrap();
    assert!(store.next_cover("pd", t(2)).await.unwrap().is_none(), "not before its retry time");
    assert_eq!(store.next_cover_time("pd").await.unwrap(), Some(t(30)));
    assert!(store.next_cover("other", t(30)).await.unwrap().is_none(), "per account");
    let (again, maybe_sent) = store.next_cover("pd", t(30)).await.unwrap().unwrap();
    assert!(maybe_sent && again.attempts == 1 && again.last_error.as_deref() == Some("timed out"));
    store.override_sent(o.cover.id, Ok(Some("PO1".into()))).await.unwrap();
    let done = store.override_entry(o.cover.id).await.unwrap();
    assert_eq!((done.state, done.remote_id.as_deref()), (OutboxState::Done, Some("PO1")));
    assert!(matches!(store.remove_override(o.cover.id).await, Err(StoreError::OverrideState(..))));
}

#[tokio::test]
async fn calendars_keep_the_last_good_copy_and_reminders_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("k.db")).await.unwrap();
    let copy = CalendarCopy {
        source: "https://example.invalid/feed.ics".into(),
        etag: Some("\"v1\"".into()),
        last_modified: None,
        fetched_at: Some(t(0)),
        checked_at: Some(t(0)),
        error: None,
        events: 0,
    };
    store.save_calendar(&copy, &[("On call".into(), t(0), t(100)), ("On call".into(), t(200), t(300))]).await.unwrap();
    store.calendar_checked(&copy.source, t(50), Some("HTTP 500")).await.unwrap();
    let kept = store.calendars().await.unwrap();
    assert_eq!(
        (kept[0].events, kept[0].error.as_deref(), kept[0].etag.as_deref()),
        (2, Some("HTTP 500"), Some("\"v1\""))
    );
    assert_eq!(store.roster().await.unwrap().calendars[&copy.source], [(t(0), t(100)), (t(200), t(300))]);

    store.mark_reminders(&["a".into(), "b".into()], t(0)).await.unwrap();
    store.mark_reminders(&["a".into()], t(1)).await.unwrap();
    let sent = store.reminders_sent().await.unwrap();
    assert_eq!(sent.len(), 2);
    assert!(store.shifts_seen().await.unwrap().is_none());
    store.save_shifts_seen(t(1000), &[(t(0), t(10))]).await.unwrap();
    assert_eq!(store.shifts_seen().await.unwrap(), Some((t(1000), vec![(t(0), t(10))])));
}
