//! Benchmark: rendering a year of a 50-person, 3-layer schedule with weekly working-hours windows
//! and 100 overrides (every layer's spans and the combined row).
//! Run: cargo bench -p klaxon-core --bench render
//! Target: ≤ 50 ms per year rendered (release).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use klaxon_core::{Layer, Override, Roster, Rotation, Schedule, Turns, Window};
use std::time::{Duration, Instant};

const PEOPLE: usize = 50;
const OVERRIDES: i64 = 100;
const RUNS: usize = 9;

fn schedule() -> Schedule {
    let people: Vec<String> = (0..PEOPLE).map(|i| format!("p{i}")).collect();
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).and_then(|d| d.and_hms_opt(9, 0, 0)).expect("a date");
    let window = |days: &str, from: &str, to: &str| Window::parse(Some(days), from, to).expect("a window");
    let layer = |id: &str, length: TimeDelta, offset: usize, windows: Vec<Window>| Layer {
        id: id.into(),
        name: id.into(),
        turns: Turns::Rotation(Rotation {
            start,
            shift_length: length,
            participants: people.iter().cycle().skip(offset).take(PEOPLE).cloned().collect(),
        }),
        restrictions: windows,
    };
    Schedule {
        id: "ops".into(),
        name: "Ops".into(),
        time_zone: chrono_tz::Europe::Warsaw,
        layers: vec![
            layer(
                "primary",
                TimeDelta::weeks(1),
                0,
                vec![window("weekdays", "15:00", "22:00"), window("weekends", "09:00", "22:00")],
            ),
            layer(
                "secondary",
                TimeDelta::weeks(1),
                17,
                vec![Window::parse(None, "sat 09:00", "mon 07:00").expect("weekly")],
            ),
            layer("follow-the-sun", TimeDelta::days(1), 33, vec![window("daily", "22:00", "09:00")]),
        ],
    }
}

fn roster(from: DateTime<Utc>) -> Roster {
    let overrides = (0..OVERRIDES)
        .map(|i| Override {
            id: i,
            schedule: "ops".into(),
            layer: [None, Some("secondary".to_owned()), Some("follow-the-sun".to_owned())][(i % 3) as usize].clone(),
            person: format!("p{}", i % 50),
            start: from + TimeDelta::hours(i * 83),
            end: from + TimeDelta::hours(i * 83 + 10),
            created_by: None,
        })
        .collect();
    Roster { overrides, calendars: Default::default() }
}

fn main() {
    let s = schedule();
    let from = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").expect("rfc3339").with_timezone(&Utc);
    let to = from + TimeDelta::days(365);
    let roster = roster(from);
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut spans = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let r = s.render(from, to, &roster);
        times.push(t.elapsed());
        spans = r.layers.iter().map(|l| l.spans.len()).sum::<usize>() + r.combined.len();
    }
    times.sort();
    println!(
        "render a year: {PEOPLE} people, 3 layers, weekly windows, {OVERRIDES} overrides → {spans} spans: median {:.2} ms (min {:.2}, max {:.2}) over {RUNS} runs",
        times[RUNS / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[RUNS - 1].as_secs_f64() * 1e3
    );
}
