//! The Schedule view over the control socket: layers as rows with gaps, my shifts, each policy's
//! levels and who holds them, an override made by a call and shown everywhere, fairness.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use chrono::{DateTime, Utc};
use common::{Recorder, Setup};
use klaxon_engine::control::{
    AddOverride, ControlClient, ControlServer, Dispatcher, ExportShifts, GetSchedule, PagerShell, RemoveOverride,
    Windows, socket_path,
};
use std::sync::Arc;

const OPS: &str = r#"
[[schedules]]
id = "ops"
name = "Ops"
time_zone = "Europe/Warsaw"
[[schedules.layers]]
id = "primary"
name = "Primary"
start = 2027-01-04
handoff = "mon 09:00"
participants = ["alex", "sam"]
restrictions = [{ days = "weekdays", from = "09:00", to = "17:00" }]
[[schedules.layers]]
id = "secondary"
name = "Secondary"
start = 2027-01-04T09:00:00
participants = ["sam", "alex"]
[[escalation_policies]]
id = "ops"
name = "Ops policy"
[[escalation_policies.levels]]
delay = "5m"
targets = ["schedule:ops:primary"]
[[escalation_policies.levels]]
delay = "10m"
targets = ["schedule:ops:secondary", "person:sam"]
"#;

fn t(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn the_schedule_view_shows_layers_gaps_my_shifts_policies_and_overrides() {
    let setup = Setup::with_extra("5m", OPS);
    let engine = Arc::new(setup.engine(vec![Recorder::new("notification", false)]).await);
    let windows = Arc::new(Windows::new(None));
    let dispatcher = Arc::new(Dispatcher::new(engine.clone(), Arc::new(PagerShell::new(windows.clone()))));
    let server = ControlServer::start(dispatcher, windows, &socket_path(&setup.paths)).await.unwrap();
    let (client, _events) = ControlClient::connect(&socket_path(&setup.paths)).await.unwrap();

    // Monday 4 January 2027 (Warsaw, UTC+1): primary alex 09–17 local, a gap until 09:00 next day.
    let (from, to) = (t("2027-01-04T00:00:00Z"), t("2027-01-05T00:00:00Z"));
    let view = client.call(GetSchedule { from, to }).await.unwrap();
    let ops = view.schedules.iter().find(|s| s.id == "ops").unwrap();
    assert_eq!((ops.account.as_str(), ops.time_zone.as_deref()), ("local", Some("Europe/Warsaw")));
    let primary: Vec<(DateTime<Utc>, Option<&str>)> =
        ops.rows[0].spans.iter().map(|s| (s.start, s.who.as_ref().map(|w| w.name.as_str()))).collect();
    assert_eq!(primary, [(from, None), (t("2027-01-04T08:00:00Z"), Some("you")), (t("2027-01-04T16:00:00Z"), None)]);
    let secondary: Vec<Option<&str>> =
        ops.rows[1].spans.iter().map(|s| s.who.as_ref().map(|w| w.name.as_str())).collect();
    assert_eq!(secondary, [Some("you"), Some("Sam")], "the week before was mine on secondary");
    // Secondary until 09:00 local, then primary: one shift of mine, every layer merged.
    let mine = (t("2026-12-28T08:00:00Z"), t("2027-01-04T16:00:00Z"));
    assert_eq!(view.mine, [mine]);
    let policy = view.policies.iter().find(|p| p.name == "Ops policy").unwrap();
    assert_eq!(policy.levels[0].targets, ["Ops · Primary"]);
    assert_eq!(policy.levels[1].targets, ["Ops · Secondary", "Sam"]);
    assert_eq!(policy.levels[1].delay_minutes, Some(10));
    let people: Vec<(&str, &str, bool)> = view.people.iter().map(|p| (p.id.as_str(), p.name.as_str(), p.me)).collect();
    assert_eq!(people, [("alex", "you", true), ("sam", "Sam", false)], "whom a shift can be handed to");

    // Sam covers my primary shift that afternoon: the view shows it, overridden, at once.
    let cover = AddOverride {
        schedule: "ops".into(),
        layer: Some("primary".into()),
        person: "sam".into(),
        start: t("2027-01-04T12:00:00Z"),
        end: t("2027-01-04T16:00:00Z"),
    };
    let kept = client.call(cover).await.unwrap();
    let view = client.call(GetSchedule { from, to }).await.unwrap();
    let row = &view.schedules.iter().find(|s| s.id == "ops").unwrap().rows[0];
    let covered = row.spans.iter().find(|s| s.start == t("2027-01-04T12:00:00Z")).unwrap();
    assert_eq!((covered.who.as_ref().unwrap().name.as_str(), covered.overridden), ("Sam", true));
    assert_eq!(view.mine, [(mine.0, t("2027-01-04T12:00:00Z"))]);
    assert_eq!(view.overrides.len(), 1);
    let bad = AddOverride { schedule: "ops".into(), layer: None, person: "nobody".into(), start: from, end: to };
    let e = client.call(bad).await.unwrap_err();
    assert!(e.message.contains("who: no person `nobody`"), "{e:?}");
    client.call(RemoveOverride { id: kept.cover.id }).await.unwrap();
    let view = client.call(GetSchedule { from, to }).await.unwrap();
    assert!(view.overrides.is_empty());
    assert_eq!(view.mine, [mine]);
    assert!(!view.fairness.is_empty() && view.fairness.iter().all(|f| f.minutes > 0));

    // My shifts as a file any calendar app imports.
    let folder = tempfile::tempdir().unwrap();
    let export = ExportShifts { days: 14, folder: Some(folder.path().display().to_string()) };
    let path = client.call(export).await.unwrap();
    assert_eq!(std::path::Path::new(&path), folder.path().join("klaxon-shifts.ics"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.trim_end().ends_with("END:VCALENDAR"), "{text}");
    drop(client);
    server.stop();
    engine.shutdown().await.unwrap();
}
