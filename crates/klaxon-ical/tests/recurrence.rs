//! Recurrences and time zones: exceptions (EXDATE, RDATE, RECURRENCE-ID overrides, cancelled
//! occurrences), DST in Europe/Warsaw and America/New_York, all-day events, zones that are not
//! IANA names, and the caps that stop a hostile feed.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod support;

use chrono_tz::{America, Europe, UTC};
use klaxon_ical::{IcalError, parse_feed};
use support::{error_of, lines, occurrences, utc};

#[test]
fn exdate_rdate_overrides_and_cancellations() {
    // Weekly handover, COUNT=8: Jan 20 excluded, an extra one on Wed Jan 22, Feb 3 moved to
    // Feb 4 14:00, Feb 10 cancelled. A daily standup with two UTC EXDATEs in one list.
    let events = occurrences("recurring_exceptions.ics", "2025-01-01T00:00:00Z", "2025-03-31T00:00:00Z", UTC);
    assert_eq!(
        lines(&events),
        [
            "2025-01-06 07:00Z → 2025-01-06 07:15Z Standup",
            "2025-01-06 09:00Z → 2025-01-06 10:00Z Handover",
            "2025-01-09 07:00Z → 2025-01-09 07:15Z Standup",
            "2025-01-10 07:00Z → 2025-01-10 07:15Z Standup",
            "2025-01-13 09:00Z → 2025-01-13 10:00Z Handover",
            "2025-01-22 14:00Z → 2025-01-22 15:00Z Handover",
            "2025-01-27 09:00Z → 2025-01-27 10:00Z Handover",
            "2025-02-04 13:00Z → 2025-02-04 14:00Z Handover (moved)",
            "2025-02-17 09:00Z → 2025-02-17 10:00Z Handover",
            "2025-02-24 09:00Z → 2025-02-24 10:00Z Handover",
        ]
    );
}

#[test]
fn an_override_stands_in_its_own_window_and_replaces_the_original_in_its_window() {
    let moved = occurrences("recurring_exceptions.ics", "2025-02-04T00:00:00Z", "2025-02-05T00:00:00Z", UTC);
    assert_eq!(lines(&moved), ["2025-02-04 13:00Z → 2025-02-04 14:00Z Handover (moved)"]);
    let original_day = occurrences("recurring_exceptions.ics", "2025-02-03T00:00:00Z", "2025-02-04T00:00:00Z", UTC);
    assert!(original_day.is_empty(), "{:?}", lines(&original_day));
}

/// The lines of the occurrences whose summary mentions `word`.
fn of(events: &[klaxon_ical::CalEvent], word: &str) -> Vec<String> {
    lines(events).into_iter().filter(|line| line.contains(word)).collect()
}

#[test]
fn warsaw_weekly_shift_stays_at_nine_local_across_both_dst_changes() {
    let spring = occurrences("dst.ics", "2025-03-17T00:00:00Z", "2025-04-08T00:00:00Z", UTC);
    assert_eq!(
        of(&spring, "Warsaw"),
        [
            "2025-03-17 08:00Z → 2025-03-17 16:00Z Warsaw weekday primary",
            "2025-03-24 08:00Z → 2025-03-24 16:00Z Warsaw weekday primary",
            "2025-03-31 07:00Z → 2025-03-31 15:00Z Warsaw weekday primary",
            "2025-04-07 07:00Z → 2025-04-07 15:00Z Warsaw weekday primary",
        ]
    );
    // Fall back on 2025-10-26; the weekend shift's P3D is three calendar days, 73 hours that week.
    let fall = occurrences("dst.ics", "2025-10-20T00:00:00Z", "2025-11-04T00:00:00Z", UTC);
    assert_eq!(
        of(&fall, "Warsaw"),
        [
            "2025-10-20 07:00Z → 2025-10-20 15:00Z Warsaw weekday primary",
            "2025-10-24 16:00Z → 2025-10-27 17:00Z Warsaw weekend",
            "2025-10-27 08:00Z → 2025-10-27 16:00Z Warsaw weekday primary",
            "2025-10-31 17:00Z → 2025-11-03 17:00Z Warsaw weekend",
            "2025-11-03 08:00Z → 2025-11-03 16:00Z Warsaw weekday primary",
        ]
    );
}

#[test]
fn new_york_gap_and_overlap_follow_rfc_5545() {
    // 2025-03-09 02:30 does not exist: read with the offset before the gap (EST), so 03:30 EDT.
    let spring = occurrences("dst.ics", "2025-03-08T00:00:00Z", "2025-03-11T00:00:00Z", UTC);
    assert_eq!(
        of(&spring, "NY"),
        [
            "2025-03-08 07:30Z → 2025-03-08 11:30Z NY night watch (spring)",
            "2025-03-09 07:30Z → 2025-03-09 10:30Z NY night watch (spring)",
            "2025-03-10 06:30Z → 2025-03-10 10:30Z NY night watch (spring)",
        ]
    );
    // 2025-11-02 01:30 happens twice: the first (EDT) is meant; it ends at 03:30 EST.
    let fall = occurrences("dst.ics", "2025-11-01T00:00:00Z", "2025-11-04T00:00:00Z", UTC);
    assert_eq!(
        of(&fall, "NY"),
        [
            "2025-11-01 05:30Z → 2025-11-01 07:30Z NY night watch (fall)",
            "2025-11-02 05:30Z → 2025-11-02 08:30Z NY night watch (fall)",
            "2025-11-03 06:30Z → 2025-11-03 08:30Z NY night watch (fall)",
        ]
    );
}

#[test]
fn all_day_events_are_whole_days_in_the_floating_zone() {
    let warsaw = occurrences("all_day.ics", "2024-12-01T00:00:00Z", "2025-04-01T00:00:00Z", Europe::Warsaw);
    assert_eq!(
        lines(&warsaw),
        [
            "2024-12-23 23:00Z → 2024-12-26 23:00Z Christmas cover [all day]",
            "2024-12-31 23:00Z → 2025-01-01 23:00Z New Year's Day cover [all day]",
            "2025-01-05 23:00Z → 2025-01-12 23:00Z Release week [all day]",
            "2025-02-28 23:00Z → 2025-03-02 23:00Z Weekend on call [all day]",
            "2025-03-07 23:00Z → 2025-03-09 23:00Z Weekend on call [all day]",
            "2025-03-10 08:00Z → 2025-03-10 09:00Z Floating review",
            "2025-03-21 23:00Z → 2025-03-23 23:00Z Weekend on call [all day]",
            // Ends at midnight CEST: 47 hours.
            "2025-03-28 23:00Z → 2025-03-30 22:00Z Weekend on call [all day]",
        ]
    );
    let new_york = occurrences("all_day.ics", "2024-12-24T00:00:00Z", "2024-12-25T00:00:00Z", America::New_York);
    assert_eq!(lines(&new_york), ["2024-12-24 05:00Z → 2024-12-27 05:00Z Christmas cover [all day]"]);
}

#[test]
fn zones_that_are_not_iana_names() {
    // An Outlook VTIMEZONE ("W. Europe Standard Time", rules from 1601), a custom name defined
    // only by its VTIMEZONE, a Windows name with no VTIMEZONE, a globally unique TZID.
    let events = occurrences("zones.ics", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", UTC);
    assert_eq!(
        lines(&events),
        [
            "2025-01-15 14:00Z → 2025-01-15 15:00Z Globally unique TZID",
            "2025-03-17 08:00Z → 2025-03-17 16:00Z Outlook rota",
            "2025-03-24 08:00Z → 2025-03-24 16:00Z Outlook rota",
            "2025-03-31 07:00Z → 2025-03-31 15:00Z Outlook rota",
            "2025-07-01 13:00Z → 2025-07-01 14:00Z Windows name only",
            "2025-10-20 07:00Z → 2025-10-20 15:00Z Custom zone rota",
            "2025-10-27 08:00Z → 2025-10-27 16:00Z Custom zone rota",
        ]
    );
}

#[test]
fn an_unknown_zone_is_an_error_naming_it() {
    let feed = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=Mars/Olympus_Mons:20250101T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let error = error_of(feed);
    assert!(matches!(&error, IcalError::UnknownTimeZone { line: 4, tzid } if tzid == "Mars/Olympus_Mons"), "{error:?}");
    assert!(error.to_string().contains("Mars/Olympus_Mons"), "{error}");
}

fn recurring(rule: &str, dtstart: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:hostile\r\nDTSTART:{dtstart}\r\nRRULE:{rule}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

#[test]
fn a_runaway_rule_is_stopped() {
    // Each second since 2025-01-01, asked about February: more than 500,000 walked before the window.
    let error = parse_feed(
        &recurring("FREQ=SECONDLY", "20250101T000000Z"),
        utc("2025-02-01T00:00:00Z"),
        utc("2025-02-02T00:00:00Z"),
        UTC,
    )
    .unwrap_err();
    assert!(matches!(error, IcalError::TooManyOccurrences { limit: 500_000, .. }), "{error:?}");
    // Each minute, asked about a quarter: more than 100,000 in the window.
    let error = parse_feed(
        &recurring("FREQ=MINUTELY", "20250101T000000Z"),
        utc("2025-01-01T00:00:00Z"),
        utc("2025-04-01T00:00:00Z"),
        UTC,
    )
    .unwrap_err();
    assert!(matches!(error, IcalError::TooManyOccurrences { limit: 100_000, .. }), "{error:?}");
    assert_eq!(error.to_string(), "event \"hostile\" expands past the limit of 100000 occurrences in the window");
}

#[test]
fn a_rule_costly_to_search_is_stopped_in_time() {
    // Each second, but only on the hour: 3,600 steps of rrule's per occurrence, from 1900 (a
    // million occurrences to walk, too slowly to get near the walking limit).
    let started = std::time::Instant::now();
    let error = parse_feed(
        &recurring("FREQ=SECONDLY;BYMINUTE=0;BYSECOND=0", "19000101T000000Z"),
        utc("2025-01-01T00:00:00Z"),
        utc("2025-01-02T00:00:00Z"),
        UTC,
    )
    .unwrap_err();
    assert!(matches!(error, IcalError::TooCostly { seconds: 2, .. }), "{error:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn a_vtimezone_that_does_not_recur_yearly_is_refused() {
    let feed = support::fixture("zones.ics").replace("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "RRULE:FREQ=SECONDLY");
    let error = error_of(&feed);
    assert!(matches!(error, IcalError::Recurrence { line: 28, .. }), "{error:?}");
}

#[test]
fn extreme_rules_and_dates_answer_without_panicking() {
    let rules = [
        "FREQ=YEARLY;INTERVAL=4294967295",
        "FREQ=DAILY;COUNT=4294967295",
        "FREQ=YEARLY;BYSETPOS=-366;BYYEARDAY=1,-1",
        "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
        "FREQ=MONTHLY;BYDAY=-5FR;BYMONTHDAY=-31",
        "FREQ=WEEKLY;UNTIL=99991231T235959Z;BYDAY=SU;WKST=SU",
        "FREQ=HOURLY;BYHOUR=23;BYMINUTE=59;BYSECOND=59",
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=DAILY;COUNT=0",
        "FREQ=DAILY;UNTIL=19000101",
    ];
    for dtstart in ["20250101T000000Z", "99991231T235959Z", "19000101"] {
        for rule in rules {
            let feed = recurring(rule, dtstart);
            let _ = parse_feed(&feed, utc("2025-01-01T00:00:00Z"), utc("2026-01-01T00:00:00Z"), UTC);
        }
    }
    // The widest window there is.
    for (rule, dtstart) in [("FREQ=YEARLY;INTERVAL=1000", "00000101T000000Z"), ("FREQ=DAILY", "99991225T000000Z")] {
        let (min, max) = (chrono::DateTime::<chrono::Utc>::MIN_UTC, chrono::DateTime::<chrono::Utc>::MAX_UTC);
        assert!(!parse_feed(&recurring(rule, dtstart), min, max, UTC).unwrap().is_empty());
    }
}

#[test]
fn a_rule_that_never_matches_ends() {
    // February 30th never comes; rrule gives up instead of looping forever.
    let events = parse_feed(
        &recurring("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "20250101T000000Z"),
        utc("2025-01-01T00:00:00Z"),
        utc("2100-01-01T00:00:00Z"),
        UTC,
    )
    .unwrap();
    assert_eq!(lines(&events), ["2025-01-01 00:00Z → 2025-01-01 00:00Z "]);
}
