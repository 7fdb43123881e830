//! Team file schedules: layers, zones, hand-offs, windows, calendars, reminders, and where
//! their errors point.

use super::*;
use crate::{Roster, Turns, Window};
use chrono::{DateTime, TimeDelta, Utc};

const PEOPLE: &str = "me = \"alex\"\n[[people]]\nid = \"alex\"\n[[people]]\nid = \"sam\"\n[[people]]\nid = \"kim\"\n";

fn with(rest: &str) -> Result<TeamFile, String> {
    parse(&format!("{PEOPLE}{rest}")).map_err(|e| e.to_string())
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("rfc3339").with_timezone(&Utc)
}

const LAYERED: &str = r#"
[[schedules]]
id = "ops"
name = "Ops"
time_zone = "Europe/Warsaw"

[[schedules.layers]]
id = "primary"
name = "Primary"
start = 2026-01-05
handoff = "mon 09:00"
participants = ["alex", "sam"]
restrictions = [
  { days = "weekdays", from = "15:00", to = "22:00" },
  { days = "weekends", from = "09:00", to = "22:00" },
]

[[schedules.layers]]
id = "secondary"
start = 2026-01-05T09:00:00
shift_length = "1d"
participants = ["kim", "sam", "alex"]

[[schedules.layers]]
id = "vendor"
calendar = "feeds/vendor.ics"

[[escalation_policies]]
id = "default"
[[escalation_policies.levels]]
delay = "5m"
targets = ["schedule:ops:primary"]
[[escalation_policies.levels]]
delay = "5m"
targets = ["schedule:ops:secondary"]

[reminders]
before = ["1h", "2d"]
at_end = false
"#;

#[test]
fn parses_layers_zones_handoffs_windows_and_calendars() {
    let f = with(LAYERED).unwrap();
    let ops = f.team.schedule("ops").unwrap();
    assert_eq!((ops.name.as_str(), ops.time_zone), ("Ops", chrono_tz::Europe::Warsaw));
    let ids: Vec<&str> = ops.layers.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["primary", "secondary", "vendor"]);
    let Turns::Rotation(primary) = &ops.layers[0].turns else { panic!("rotation") };
    assert_eq!(primary.start.to_string(), "2026-01-05 09:00:00", "the first Monday 09:00 from the start date");
    assert_eq!(primary.shift_length, TimeDelta::weeks(1));
    assert_eq!(ops.layers[0].restrictions[0], Window::parse(Some("mon-fri"), "15:00", "22:00").unwrap());
    assert_eq!(
        ops.layers[2].turns,
        Turns::Calendar { source: "feeds/vendor.ics".into(), person: "alex".into() },
        "a calendar's events are mine unless it says whose"
    );
    assert_eq!(
        f.team.reminders.before,
        [std::time::Duration::from_secs(172_800), std::time::Duration::from_secs(3600)]
    );
    assert!(f.team.reminders.at_start && !f.team.reminders.at_end);

    // Tuesday 6 January 2026, 16:00 in Warsaw: alex holds primary (weekday window), sam secondary.
    let status = f.team.on_call_status(utc("2026-01-06T15:00:00Z"), &Roster::default());
    let at: Vec<(u32, &str)> = status.entries.iter().map(|e| (e.level, e.person_id.as_str())).collect();
    assert_eq!(at, [(1, "alex"), (2, "sam")]);
    assert_eq!(status.entries[0].rotation.as_deref(), Some("Ops · Primary"));
    assert_eq!(status.entries[0].until, Some(utc("2026-01-06T21:00:00Z")), "until 22:00 local, the window's end");
    // 08:00 local: outside primary's window, level 1 reaches nobody.
    let early = f.team.on_call_status(utc("2026-01-06T07:00:00Z"), &Roster::default());
    assert_eq!(early.entries.iter().map(|e| e.level).collect::<Vec<_>>(), [2]);
}

#[test]
fn older_rotations_are_one_layer_schedules_and_may_name_a_zone() {
    let f = with(
        "[[rotations]]\nid = \"r\"\nstart = 2026-01-05T09:00:00\ntime_zone = \"America/New_York\"\nshift_length = \"1d\"\nparticipants = [\"alex\", \"sam\"]\n",
    )
    .unwrap();
    let r = f.team.schedule("r").unwrap();
    assert_eq!((r.time_zone, r.layers[0].id.as_str()), (chrono_tz::America::New_York, "r"));
    // 9 March 2026 09:00 EDT is 13:00 UTC: the hand-off stays at 09:00 local after the change.
    assert_eq!(r.who(None, utc("2026-03-09T13:30:00Z"), &Roster::default()).unwrap().1, utc("2026-03-10T13:00:00Z"));
}

#[test]
fn schedule_errors_point_at_their_line() {
    let cases = [
        (
            "[[schedules]]\nid = \"s\"\ntime_zone = \"Mars/Olympus\"\nlayers = []\n",
            "10: unknown time zone `Mars/Olympus`",
        ),
        ("[[schedules]]\nid = \"s\"\nlayers = []\n", "10: schedule `s` has no layers"),
        (
            "[[schedules]]\nid = \"s\"\n[[schedules.layers]]\nid = \"a\"\nstart = 2026-01-05\nparticipants = [\"nobody\"]\n",
            "13: unknown person `nobody` in rotation `a`",
        ),
        (
            "[[schedules]]\nid = \"s\"\n[[schedules.layers]]\nid = \"a\"\nstart = 2026-01-05\nparticipants = [\"alex\"]\nrestrictions = [{ from = \"9\", to = \"17:00\" }]\n",
            "14: `9` is not a time of day",
        ),
        (
            "[[schedules]]\nid = \"s\"\n[[schedules.layers]]\nid = \"a\"\nstart = 2026-01-05\nhandoff = \"someday 09:00\"\nparticipants = [\"alex\"]\n",
            "13: `someday 09:00`: expected a hand-off",
        ),
        (
            "[[schedules]]\nid = \"s\"\n[[schedules.layers]]\nid = \"a\"\ncalendar = \"x.ics\"\nparticipants = [\"alex\"]\n",
            "13: a calendar layer takes no `participants`",
        ),
        (
            "[[schedules]]\nid = \"s\"\n[[schedules.layers]]\nid = \"a\"\nstart = 2026-01-05\nparticipants = [\"alex\"]\n[[escalation_policies]]\nid = \"p\"\n[[escalation_policies.levels]]\ndelay = \"5m\"\ntargets = [\"schedule:s:nope\"]\n",
            "18: unknown target `schedule:s:nope`",
        ),
        (
            "[[rotations]]\nid = \"s\"\nstart = 2026-01-05\nparticipants = [\"alex\"]\n[[schedules]]\nid = \"s\"\n[[schedules.layers]]\nid = \"a\"\nstart = 2026-01-05\nparticipants = [\"alex\"]\n",
            "13: duplicate schedule or rotation id `s`",
        ),
        ("[reminders]\nbefore = [\"31d\"]\n", "9: a reminder comes between a minute and 30 days"),
    ];
    for (text, want) in cases {
        let e = with(text).unwrap_err();
        assert!(e.starts_with(want), "{text}\nwant {want}\n got {e}");
    }
}
