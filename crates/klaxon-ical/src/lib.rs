//! iCalendar (RFC 5545) on-call feeds: read a feed's shifts as UTC occurrences in a window
//! ([`parse_feed`]), check one cheaply ([`validate`]), write shifts as a feed ([`export`]) and fetch
//! one with conditional requests ([`fetch`]).
//!
//! Reading is strict: a feed that cannot be read fully is an [`IcalError`] that says what and on
//! which line, never a partial schedule (a shift silently dropped is a page nobody answers).
//! Content lines are parsed by `icalendar`, recurrences expanded by `rrule` on the wall clock of
//! the event's zone (`chrono-tz`, a feed's VTIMEZONE, or a Windows zone name), and the expansion is
//! bounded against hostile feeds.

mod document;
mod error;
mod event;
mod expand;
mod export;
mod fetch;
mod rules;
mod values;
mod zone;

pub use error::IcalError;
pub use export::{ExportEvent, export};
pub use fetch::{Fetched, Fetcher, MAX_FEED_BYTES, Validators, fetch};

use chrono::{DateTime, Utc};
use document::Document;
use zone::Zones;

/// One on-call event of a feed, expanded (one per occurrence), in UTC.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CalEvent {
    pub uid: String,
    pub summary: String,
    pub start: DateTime<Utc>,
    /// Exclusive; equal to `start` for an event that is an instant.
    pub end: DateTime<Utc>,
    /// From a DATE (whole days in the floating zone) rather than a DATE-TIME.
    pub all_day: bool,
}

/// Parses a feed and returns the occurrences overlapping `[from, to)`, sorted by start.
/// `floating_tz` is the zone for floating times and all-day dates (the user's or the schedule's).
pub fn parse_feed(
    text: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    floating_tz: chrono_tz::Tz,
) -> Result<Vec<CalEvent>, IcalError> {
    let doc = Document::read(text)?;
    let calendar = doc.parse()?;
    let mut zones = Zones::new(&doc, &calendar, floating_tz);
    let specs = event::read_events(&doc, &calendar, &mut zones)?;
    expand::occurrences(&specs, from, to)
}

/// Checks that `text` is a feed whose events can all be read (dates, zones, rules), without
/// expanding them; returns how many VEVENTs it has.
pub fn validate(text: &str) -> Result<usize, IcalError> {
    let doc = Document::read(text)?;
    let calendar = doc.parse()?;
    let mut zones = Zones::new(&doc, &calendar, chrono_tz::UTC);
    Ok(event::read_events(&doc, &calendar, &mut zones)?.len())
}
