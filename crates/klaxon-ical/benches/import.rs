//! Benchmark: reading a 5,000-event on-call feed into UTC occurrences.
//! Run: cargo bench -p klaxon-ical --bench import
//! Target: ≤ 200 ms per parse (release). The feed mixes the platforms' shapes: UTC shifts with
//! folded summaries (PagerDuty), shifts with TZID and a VTIMEZONE (Grafana OnCall, Opsgenie),
//! reminders (GoAlert's VALARMs), and a few weekly rotations with RRULE and EXDATE.

use chrono::{DateTime, TimeDelta, Utc};
use klaxon_ical::parse_feed;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const EVENTS: usize = 5_000;
const RRULES: usize = 20;
const RUNS: usize = 9;

fn feed(start: DateTime<Utc>) -> String {
    let mut feed = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Klaxon bench//EN\r\nX-WR-CALNAME:Bench\r\n\
         BEGIN:VTIMEZONE\r\nTZID:Europe/Warsaw\r\n\
         BEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n\
         RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n\
         BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n\
         RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n",
    );
    for i in 0..EVENTS {
        let begin = start + TimeDelta::hours(12 * i as i64);
        let end = begin + TimeDelta::hours(12);
        let _ = write!(feed, "BEGIN:VEVENT\r\nUID:bench-{i}@klaxon\r\nDTSTAMP:20250101T000000Z\r\n");
        if i < RRULES {
            let _ = write!(
                feed,
                "DTSTART;TZID=Europe/Warsaw:{}\r\nDTEND;TZID=Europe/Warsaw:{}\r\nRRULE:FREQ=WEEKLY;INTERVAL=2\r\n\
                 EXDATE;TZID=Europe/Warsaw:{}\r\n",
                begin.format("%Y%m%dT090000"),
                begin.format("%Y%m%dT210000"),
                (begin + TimeDelta::weeks(4)).format("%Y%m%dT090000"),
            );
        } else if i % 2 == 0 {
            let _ = write!(
                feed,
                "DTSTART;VALUE=DATE-TIME:{}\r\nDTEND;VALUE=DATE-TIME:{}\r\n",
                begin.format("%Y%m%dT%H%M%SZ"),
                end.format("%Y%m%dT%H%M%SZ")
            );
        } else {
            let _ = write!(
                feed,
                "DTSTART;TZID=Europe/Warsaw:{}\r\nDTEND;TZID=Europe/Warsaw:{}\r\n\
                 BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:REMINDER\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\n",
                begin.format("%Y%m%dT%H%M%S"),
                end.format("%Y%m%dT%H%M%S")
            );
        }
        let _ = write!(
            feed,
            "SUMMARY:On Call - Engineer {} - Payments Platform Follow-the-Sun Secondary Esca\r\n lation {i}\r\n\
             END:VEVENT\r\n",
            i % 17
        );
    }
    feed.push_str("END:VCALENDAR\r\n");
    feed
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start: DateTime<Utc> = "2025-01-01T00:00:00Z".parse()?;
    let text = feed(start);
    let (from, to) = (start, start + TimeDelta::hours(12 * EVENTS as i64));
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut occurrences = 0;
    for _ in 0..RUNS {
        let began = Instant::now();
        occurrences = parse_feed(&text, from, to, chrono_tz::Europe::Warsaw)?.len();
        times.push(began.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "parse_feed: {EVENTS} events ({RRULES} of them weekly rules), {} KiB, {occurrences} occurrences in the window, {RUNS} runs:",
        text.len() / 1024
    );
    println!(
        "  median {:.1} ms, best {:.1} ms, worst {:.1} ms (target ≤ 200 ms)",
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1])
    );
    Ok(())
}
