//! Rendering: layers, windows, overrides, gaps, calendars; and properties over random schedules.

use super::*;
use chrono::{NaiveDate, TimeDelta};
use proptest::prelude::*;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("rfc3339").with_timezone(&Utc)
}

fn rotation_layer(id: &str, start: &str, length: TimeDelta, people: &[&str], windows: Vec<Window>) -> Layer {
    let start = chrono::NaiveDateTime::parse_from_str(start, "%Y-%m-%d %H:%M").expect("local start");
    Layer {
        id: id.into(),
        name: id.to_uppercase(),
        turns: Turns::Rotation(Rotation {
            start,
            shift_length: length,
            participants: people.iter().map(|p| p.to_string()).collect(),
        }),
        restrictions: windows,
    }
}

fn ops(tz: Tz) -> Schedule {
    Schedule {
        id: "ops".into(),
        name: "Ops".into(),
        time_zone: tz,
        layers: vec![
            rotation_layer(
                "primary",
                "2026-03-02 09:00",
                TimeDelta::weeks(1),
                &["alex", "sam"],
                vec![Window::parse(None, "09:00", "22:00").expect("window")],
            ),
            rotation_layer("secondary", "2026-03-02 09:00", TimeDelta::days(1), &["kim"], vec![]),
        ],
    }
}

fn override_(layer: Option<&str>, person: &str, start: &str, end: &str) -> Override {
    Override {
        id: 1,
        schedule: "ops".into(),
        layer: layer.map(str::to_owned),
        person: person.into(),
        start: utc(start),
        end: utc(end),
        created_by: None,
    }
}

fn who(spans: &[Span], t: DateTime<Utc>) -> Option<&str> {
    spans.iter().find(|s| s.start <= t && t < s.end).and_then(|s| s.person.as_deref())
}

#[test]
fn windows_leave_gaps_that_a_lower_layer_fills_in_the_whole() {
    let s = ops(chrono_tz::Europe::Warsaw);
    let r = s.render(utc("2026-03-02T00:00:00Z"), utc("2026-03-03T00:00:00Z"), &Roster::default());
    let primary = &r.layers[0].spans;
    let got: Vec<(String, Option<&str>)> =
        primary.iter().map(|x| (x.start.format("%H:%M").to_string(), x.person.as_deref())).collect();
    // 09:00–22:00 Warsaw is 08:00–21:00 UTC in March before the change.
    assert_eq!(got, [("00:00".into(), None), ("08:00".into(), Some("alex")), ("21:00".into(), None)]);
    assert_eq!(who(&r.combined, utc("2026-03-02T07:00:00Z")), Some("kim"), "primary's gap: secondary's turn");
    assert_eq!(who(&r.combined, utc("2026-03-02T12:00:00Z")), Some("alex"));
    assert_eq!(r.combined.first().map(|x| x.start), Some(utc("2026-03-02T00:00:00Z")));
}

#[test]
fn hand_offs_stay_at_local_nine_through_spring_and_autumn_in_two_zones() {
    for (tz, spring, autumn) in [
        (
            chrono_tz::Europe::Warsaw,
            ("2026-03-30T07:00:00Z", "2026-03-23T08:00:00Z"),
            ("2026-10-26T08:00:00Z", "2026-10-19T07:00:00Z"),
        ),
        (
            chrono_tz::America::New_York,
            ("2026-03-09T13:00:00Z", "2026-03-02T14:00:00Z"),
            ("2026-11-02T14:00:00Z", "2026-10-26T13:00:00Z"),
        ),
    ] {
        let s = Schedule {
            id: "w".into(),
            name: "W".into(),
            time_zone: tz,
            layers: vec![rotation_layer("l", "2026-01-05 09:00", TimeDelta::weeks(1), &["a", "b"], vec![])],
        };
        for (after, before) in [spring, autumn] {
            let r = s.render(utc(before), utc(after) + TimeDelta::hours(1), &Roster::default());
            let starts: Vec<DateTime<Utc>> = r.layers[0].spans.iter().map(|x| x.start).collect();
            assert_eq!(starts, [utc(before), utc(after)], "{tz}");
            for x in &r.layers[0].spans {
                assert_eq!(x.start.with_timezone(&tz).format("%a %H:%M").to_string(), "Mon 09:00", "{tz}");
            }
        }
    }
}

#[test]
fn an_override_covers_part_of_a_shift_on_its_layer_or_the_first() {
    let s = ops(chrono_tz::UTC);
    let roster = Roster {
        overrides: vec![
            override_(None, "sam", "2026-03-03T12:00:00Z", "2026-03-03T15:00:00Z"),
            override_(Some("secondary"), "alex", "2026-03-03T20:00:00Z", "2026-03-04T02:00:00Z"),
        ],
        calendars: BTreeMap::new(),
    };
    let r = s.render(utc("2026-03-03T00:00:00Z"), utc("2026-03-04T09:00:00Z"), &roster);
    let primary: Vec<(String, Option<&str>, bool)> = r.layers[0]
        .spans
        .iter()
        .map(|x| (x.start.format("%d %H:%M").to_string(), x.person.as_deref(), x.overridden))
        .collect();
    assert_eq!(
        primary,
        [
            ("03 00:00".into(), None, false),
            ("03 09:00".into(), Some("alex"), false),
            ("03 12:00".into(), Some("sam"), true),
            ("03 15:00".into(), Some("alex"), false),
            ("03 22:00".into(), None, false),
        ]
    );
    assert_eq!(who(&r.layers[1].spans, utc("2026-03-03T23:00:00Z")), Some("alex"), "secondary overridden at night");
    assert_eq!(who(&r.combined, utc("2026-03-03T23:00:00Z")), Some("alex"));
    assert_eq!(s.shifts_of("sam", utc("2026-03-03T00:00:00Z"), utc("2026-03-04T00:00:00Z"), &roster).len(), 1);
    assert_eq!(
        s.who(Some("primary"), utc("2026-03-03T13:00:00Z"), &roster),
        Some(("sam".into(), utc("2026-03-03T15:00:00Z")))
    );
    assert_eq!(s.who(Some("primary"), utc("2026-03-03T23:00:00Z"), &roster), None, "a gap: nobody, not an error");
}

#[test]
fn a_shift_under_way_keeps_its_real_start() {
    let s = Schedule {
        id: "w".into(),
        name: "W".into(),
        time_zone: chrono_tz::UTC,
        layers: vec![rotation_layer("l", "2026-01-05 09:00", TimeDelta::weeks(1), &["alex", "sam"], vec![])],
    };
    let shifts = s.shifts_of("alex", utc("2026-03-03T12:00:00Z"), utc("2026-03-03T13:00:00Z"), &Roster::default());
    assert_eq!(shifts, [(utc("2026-03-02T09:00:00Z"), utc("2026-03-09T09:00:00Z"), "l".to_owned())]);
}

#[test]
fn a_calendar_layer_is_its_events() {
    let s = Schedule {
        id: "ops".into(),
        name: "Ops".into(),
        time_zone: chrono_tz::UTC,
        layers: vec![Layer {
            id: "feed".into(),
            name: "Feed".into(),
            turns: Turns::Calendar { source: "x.ics".into(), person: "alex".into() },
            restrictions: vec![],
        }],
    };
    let mut roster = Roster::default();
    roster.calendars.insert(
        "x.ics".into(),
        vec![
            (utc("2026-03-02T09:00:00Z"), utc("2026-03-03T09:00:00Z")),
            (utc("2026-03-03T09:00:00Z"), utc("2026-03-04T09:00:00Z")),
        ],
    );
    let r = s.render(utc("2026-03-01T00:00:00Z"), utc("2026-03-05T00:00:00Z"), &roster);
    let got: Vec<Option<&str>> = r.combined.iter().map(|x| x.person.as_deref()).collect();
    assert_eq!(got, [None, Some("alex"), None], "back-to-back events are one shift");
    assert_eq!(s.participants(), ["alex"]);
    assert!(
        s.render(utc("2026-03-01T00:00:00Z"), utc("2026-03-05T00:00:00Z"), &Roster::default()).combined[0]
            .person
            .is_none()
    );
}

fn zone() -> impl Strategy<Value = Tz> {
    prop_oneof![
        Just(chrono_tz::UTC),
        Just(chrono_tz::Europe::Warsaw),
        Just(chrono_tz::America::New_York),
        Just(chrono_tz::Australia::Lord_Howe)
    ]
}

fn window() -> impl Strategy<Value = Window> {
    let time = (0u32..24, prop_oneof![Just(0u32), Just(30u32)])
        .prop_map(|(h, m)| chrono::NaiveTime::from_hms_opt(h, m, 0).expect("time"));
    let day = (0u8..7).prop_map(|d| chrono::Weekday::try_from(d).expect("weekday"));
    prop_oneof![
        (proptest::array::uniform7(any::<bool>()), time.clone(), time.clone())
            .prop_map(|(days, from, to)| Window::Daily { days, from, to }),
        (day.clone(), time.clone(), day, time).prop_map(|(from_day, from, to_day, to)| Window::Weekly {
            from_day,
            from,
            to_day,
            to
        }),
    ]
}

prop_compose! {
    fn layer(n: usize)(length_h in 1i64..400, people in 1usize..5, windows in proptest::collection::vec(window(), 0..3), offset_h in 0i64..300) -> Layer {
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).expect("date") + TimeDelta::hours(offset_h);
        Layer {
            id: format!("l{n}"),
            name: format!("L{n}"),
            turns: Turns::Rotation(Rotation { start, shift_length: TimeDelta::hours(length_h), participants: (0..people).map(|p| format!("p{p}")).collect() }),
            restrictions: windows,
        }
    }
}

prop_compose! {
    fn scenario()(tz in zone(), a in layer(0), b in layer(1), overrides in proptest::collection::vec((0i64..2000, 1i64..200, 0usize..3, 0usize..6), 0..6)) -> (Schedule, Roster) {
        let base = utc("2026-03-01T00:00:00Z");
        let overrides = overrides.into_iter().enumerate().map(|(i, (at, len, layer, person))| Override {
            id: i64::try_from(i).unwrap_or(0),
            schedule: "s".into(),
            layer: match layer { 0 => None, 1 => Some("l0".into()), _ => Some("l1".into()) },
            person: format!("o{person}"),
            start: base + TimeDelta::hours(at),
            end: base + TimeDelta::hours(at + len),
            created_by: None,
        }).collect();
        (Schedule { id: "s".into(), name: "S".into(), time_zone: tz, layers: vec![a, b] }, Roster { overrides, calendars: BTreeMap::new() })
    }
}

/// Who should hold `layer` at `t`, worked out directly from its parts.
fn expected(s: &Schedule, layer: &Layer, t: DateTime<Utc>, roster: &Roster) -> Option<String> {
    let over = roster.overrides.iter().rev().find(|o| s.overrides_layer(o, layer) && o.start <= t && t < o.end);
    if let Some(o) = over {
        return Some(o.person.clone());
    }
    let Turns::Rotation(r) = &layer.turns else { return None };
    let covered = layer.restrictions.is_empty()
        || !coverage(&layer.restrictions, s.time_zone, t, t + TimeDelta::seconds(1)).is_empty();
    let turn = r.turns(s.time_zone, t, t + TimeDelta::seconds(1)).into_iter().find(|x| x.start <= t && t < x.end)?;
    covered.then(|| turn.person.to_owned())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn every_instant_is_held_by_exactly_whom_the_layers_say((s, roster) in scenario(), probes in proptest::collection::vec(0i64..(60 * 24 * 90), 40)) {
        let from = utc("2026-03-01T00:00:00Z");
        let to = from + TimeDelta::days(90);
        let r = s.render(from, to, &roster);
        for row in r.layers.iter().map(|l| &l.spans).chain(std::iter::once(&r.combined)) {
            prop_assert_eq!(row.first().map(|x| x.start), Some(from));
            prop_assert_eq!(row.last().map(|x| x.end), Some(to));
            for pair in row.windows(2) {
                prop_assert_eq!(pair[0].end, pair[1].start, "rows tile the range");
                prop_assert!(pair[0].start < pair[0].end);
            }
        }
        for minutes in probes {
            let t = from + TimeDelta::minutes(minutes);
            let mut first = None;
            for (layer, row) in s.layers.iter().zip(&r.layers) {
                let want = expected(&s, layer, t, &roster);
                prop_assert_eq!(who(&row.spans, t).map(str::to_owned), want.clone(), "layer {} at {}", layer.id, t);
                first = first.or(want);
            }
            prop_assert_eq!(who(&r.combined, t).map(str::to_owned), first, "combined at {}", t);
        }
    }
}
