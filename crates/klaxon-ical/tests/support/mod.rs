//! Helpers shared by the integration tests: fixtures, instants, occurrences as readable lines.
#![allow(dead_code)] // each test file uses some of them

use chrono::{DateTime, Utc};
use klaxon_ical::{CalEvent, IcalError, parse_feed};
use std::path::Path;

/// The text of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)).unwrap()
}

/// An instant written as RFC 3339.
pub fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// The occurrences of fixture `name` in `[from, to)`, floating times in `tz`.
pub fn occurrences(name: &str, from: &str, to: &str, tz: chrono_tz::Tz) -> Vec<CalEvent> {
    parse_feed(&fixture(name), utc(from), utc(to), tz).unwrap()
}

/// Each occurrence as `start → end summary` (UTC, minutes), `[all day]` appended for dates.
pub fn lines(events: &[CalEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let all_day = if e.all_day { " [all day]" } else { "" };
            format!(
                "{} → {} {}{all_day}",
                e.start.format("%Y-%m-%d %H:%MZ"),
                e.end.format("%Y-%m-%d %H:%MZ"),
                e.summary
            )
        })
        .collect()
}

/// The error parsing `text` gives, over a wide window.
pub fn error_of(text: &str) -> IcalError {
    parse_feed(text, utc("2000-01-01T00:00:00Z"), utc("2100-01-01T00:00:00Z"), chrono_tz::UTC).unwrap_err()
}
