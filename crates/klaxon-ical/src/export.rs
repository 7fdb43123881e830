//! Shifts written as a feed, by `icalendar`'s builder: CRLF line endings, lines folded at 75
//! octets, TEXT escaped, times in UTC.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component as _, Event, EventLike as _, Property};

/// One shift to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportEvent {
    pub uid: String,
    pub summary: String,
    pub description: Option<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// A complete VCALENDAR named `calendar_name` with one VEVENT per shift, stamped `now`.
pub fn export(calendar_name: &str, events: &[ExportEvent], now: DateTime<Utc>) -> String {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", concat!("-//Klaxon//Klaxon ", env!("CARGO_PKG_VERSION"), "//EN")))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .name(&clean(calendar_name));
    for shift in events {
        let mut event = Event::new();
        event
            .uid(&clean(&shift.uid))
            .summary(&clean(&shift.summary))
            .starts(shift.start)
            .ends(shift.end)
            .timestamp(now);
        if let Some(description) = &shift.description {
            event.description(&clean(description));
        }
        calendar.push(event.done());
    }
    calendar.to_string()
}

/// Text as a TEXT value may hold it: line breaks as `\n` (the builder escapes those), no other
/// control characters (a raw CR would end the content line).
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}
