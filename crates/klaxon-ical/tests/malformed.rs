//! Feeds that cannot be read: each is an error that says what and where (the physical line),
//! never a panic and never a partial schedule.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod support;

use klaxon_ical::{IcalError, validate};
use support::{error_of, fixture};

/// The PagerDuty fixture with `from` replaced by `to`.
fn pagerduty_with(from: &str, to: &str) -> String {
    let feed = fixture("pagerduty.ics");
    assert!(feed.contains(from));
    feed.replacen(from, to, 1)
}

#[test]
fn a_truncated_feed_says_which_component_is_open() {
    let feed = fixture("pagerduty.ics");
    let cut = &feed[..feed.find("UID:Q3KD90PWNV6E2R").unwrap()];
    let error = error_of(cut);
    assert!(matches!(error, IcalError::Truncated { ref component, line: 22 } if component == "VEVENT"), "{error:?}");
    assert_eq!(error.to_string(), "truncated feed: BEGIN:VEVENT at line 22 is never closed");
    // Cut right after an END:VEVENT: the calendar is what is open.
    let cut = &feed[..feed.find("BEGIN:VEVENT").unwrap()];
    assert!(matches!(error_of(cut), IcalError::Truncated { ref component, line: 1 } if component == "VCALENDAR"));
}

#[test]
fn a_bad_date_names_the_property_value_and_line() {
    let error = error_of(&pagerduty_with(
        "DTSTART;VALUE=DATE-TIME:20250113T090000Z",
        "DTSTART;VALUE=DATE-TIME:20251313T090000Z",
    ));
    assert!(
        matches!(&error, IcalError::InvalidValue { line: 16, property, value, .. } if property == "DTSTART" && value == "20251313T090000Z"),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("line 16: DTSTART value \"20251313T090000Z\" is not valid"), "{error}");
    let error =
        error_of(&pagerduty_with("DTEND;VALUE=DATE-TIME:20250106T090000Z", "DTEND;VALUE=DATE-TIME:2025-01-06 09:00"));
    assert!(matches!(&error, IcalError::InvalidValue { line: 7, property, .. } if property == "DTEND"), "{error:?}");
}

#[test]
fn a_missing_dtstart_names_the_event() {
    let error = error_of(&pagerduty_with("DTSTART;VALUE=DATE-TIME:20250113T090000Z\r\n", ""));
    assert!(
        matches!(&error, IcalError::MissingProperty { line: 14, uid, property: "DTSTART" } if uid == "Q2H5MX0ZC1TQ7V"),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "line 14: event \"Q2H5MX0ZC1TQ7V\" has no DTSTART");
}

#[test]
fn something_else_than_a_calendar() {
    for body in [
        "<!DOCTYPE html>\n<html><head><title>Sign in</title></head></html>",
        "{\"error\":{\"message\":\"Not Found\"}}",
        "",
        "   \r\n\r\n",
        "BEGIN:VCARD\r\nFN:Jane Doe\r\nEND:VCARD\r\n",
        "\u{0}\u{1}\u{2}binary",
    ] {
        let error = error_of(body);
        assert!(matches!(error, IcalError::NotACalendar { .. }), "{body:?}: {error:?}");
        assert!(validate(body).is_err());
    }
    assert_eq!(
        error_of("<!DOCTYPE html>\n<html>").to_string(),
        "not an iCalendar feed: it starts with \"<!DOCTYPE html>\", not BEGIN:VCALENDAR"
    );
}

#[test]
fn components_that_do_not_nest() {
    let error = error_of(&pagerduty_with("END:VEVENT", "END:VTODO"));
    assert_eq!(error.to_string(), "line 13: END:VTODO does not close BEGIN:VEVENT (line 6)");
    let error = error_of(&format!("{}BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", fixture("pagerduty.ics")));
    assert!(error.to_string().contains("a second calendar"), "{error}");
}

#[test]
fn an_invalid_rule_names_its_line() {
    let feed = pagerduty_with("URL:https://acme.pagerduty.com/schedules#PABC123\r\n", "RRULE:FREQ=FORTNIGHTLY\r\n");
    let error = error_of(&feed);
    assert!(matches!(&error, IcalError::Recurrence { line: 11, uid, .. } if uid == "Q0RZXW1L8Y3HJK"), "{error:?}");
    assert!(validate(&feed).is_err());
}

#[test]
fn a_content_line_the_grammar_rejects() {
    // The parser reports the component; the line is found by reading its lines one by one.
    let error = error_of(&pagerduty_with("UID:Q1Z8B4YUM5LS3C", "U I D:Q1Z8B4YUM5LS3C"));
    assert_eq!(error.to_string(), "line 35: cannot read this content line: \"U I D:Q1Z8B4YUM5LS3C\"");
}

#[test]
fn no_cut_or_garbled_feed_panics() {
    // Every prefix and a byte swapped at every position of a recurring, zoned feed: an answer or
    // an error, never a panic.
    let feed = fixture("grafana_oncall.ics");
    let from = support::utc("2025-01-01T00:00:00Z");
    let to = support::utc("2025-06-01T00:00:00Z");
    for (cut, _) in feed.char_indices().step_by(3) {
        let _ = klaxon_ical::parse_feed(&feed[..cut], from, to, chrono_tz::UTC);
        for garble in ["9", ":", ";", "\r\n", " ", "=", "Z", "-"] {
            let garbled = format!("{}{garble}{}", &feed[..cut], feed[cut..].get(1..).unwrap_or(""));
            let _ = klaxon_ical::parse_feed(&garbled, from, to, chrono_tz::UTC);
        }
    }
}
