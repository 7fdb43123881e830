//! Exported shifts: a well-formed VCALENDAR (CRLF, folded at 75 octets, TEXT escaped, DTSTAMP)
//! that reads back as the same events.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use klaxon_ical::{CalEvent, ExportEvent, export, parse_feed, validate};
use support::utc;

fn shift(uid: &str, summary: &str, description: Option<&str>, start: &str, hours: i64) -> ExportEvent {
    let start: DateTime<Utc> = utc(start);
    ExportEvent {
        uid: uid.into(),
        summary: summary.into(),
        description: description.map(Into::into),
        start,
        end: start + TimeDelta::hours(hours),
    }
}

fn shifts() -> Vec<ExportEvent> {
    vec![
        shift(
            "klaxon-shift-2@example.com",
            "On call: Zoë Łukasiewicz — Płatności, EU; secondary",
            None,
            "2025-03-31T07:00:00Z",
            168,
        ),
        shift(
            "klaxon-shift-1@example.com",
            "On call: Jane Doe (primary) with a summary long enough to need folding more than once, past 150 octets",
            Some("Handover notes:\nrunbook at https://wiki.example.com/oncall?team=platform&view=full\r\nback\\slash"),
            "2025-03-24T08:00:00Z",
            167,
        ),
        shift("klaxon-shift-3@example.com", "Instant", Some(""), "2025-04-01T12:00:00Z", 0),
    ]
}

#[test]
fn export_reads_back_as_the_same_events() {
    let now = utc("2025-03-20T10:11:12Z");
    let text = export("Platform, primary; EU", &shifts(), now);
    let mut expected: Vec<CalEvent> = shifts()
        .into_iter()
        .map(|s| CalEvent { uid: s.uid, summary: s.summary, start: s.start, end: s.end, all_day: false })
        .collect();
    expected.sort_by_key(|e| e.start);
    let read =
        parse_feed(&text, utc("2025-01-01T00:00:00Z"), utc("2026-01-01T00:00:00Z"), chrono_tz::Europe::Warsaw).unwrap();
    assert_eq!(read, expected);
    assert_eq!(validate(&text).unwrap(), 3);
}

#[test]
fn export_is_a_well_formed_calendar() {
    let text = export("Platform, primary; EU", &shifts(), utc("2025-03-20T10:11:12Z"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(!text.replace("\r\n", "").contains(['\r', '\n']), "only CRLF line endings");
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert!(lines.iter().all(|l| l.len() <= 75), "a line longer than 75 octets");
    assert!(lines.iter().any(|l| l.starts_with(' ')), "the long summary is folded");
    for expected in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "X-WR-CALNAME:Platform\\, primary\\; EU",
        "DTSTAMP:20250320T101112Z",
        "DTSTART:20250324T080000Z",
        "DTEND:20250331T070000Z",
        "UID:klaxon-shift-1@example.com",
    ] {
        assert!(lines.contains(&expected), "{expected} missing in:\n{text}");
    }
    assert!(lines.iter().any(|l| l.starts_with("PRODID:-//Klaxon//")));
    assert_eq!(lines.iter().filter(|l| **l == "BEGIN:VEVENT").count(), 3);
    assert_eq!(lines.iter().filter(|l| l.starts_with("DTSTAMP:")).count(), 3);
    // Line breaks in TEXT are escaped, a CR does not survive raw.
    let unfolded = text.replace("\r\n ", "");
    assert!(unfolded.contains("DESCRIPTION:Handover notes:\\nrunbook at https://wiki.example.com/oncall?team=platform&view=full\\nback\\\\slash"));
}

#[test]
fn an_empty_export_is_still_a_calendar() {
    let text = export("Nobody", &[], utc("2025-03-20T10:11:12Z"));
    assert_eq!(validate(&text).unwrap(), 0);
}
