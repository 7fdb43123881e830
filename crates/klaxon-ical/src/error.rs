//! The crate's one error type: what went wrong and, for a feed, where (the physical line).

/// Why a feed could not be read, fetched or expanded.
#[derive(Debug, thiserror::Error)]
pub enum IcalError {
    /// The text does not start with `BEGIN:VCALENDAR` (an HTML page, JSON, an empty body, …).
    #[error("not an iCalendar feed: it starts with {start:?}, not BEGIN:VCALENDAR")]
    NotACalendar { start: String },

    /// A `BEGIN:` whose `END:` never comes: the feed was cut off.
    #[error("truncated feed: BEGIN:{component} at line {line} is never closed")]
    Truncated { component: String, line: usize },

    /// A content line the grammar does not allow, or components that do not nest.
    #[error("line {line}: {message}")]
    Syntax { line: usize, message: String },

    /// A property whose value cannot be read (a bad date, duration, offset, …).
    #[error("line {line}: {property} value {value:?} is not valid: {reason}")]
    InvalidValue { line: usize, property: String, value: String, reason: String },

    /// An event without a property it needs (DTSTART).
    #[error("line {line}: event {uid:?} has no {property}")]
    MissingProperty { line: usize, uid: String, property: &'static str },

    /// A TZID that is neither an IANA zone, nor defined by a usable VTIMEZONE, nor a Windows zone name.
    #[error("line {line}: unknown time zone {tzid:?} (not an IANA name, no usable VTIMEZONE, not a Windows zone name)")]
    UnknownTimeZone { line: usize, tzid: String },

    /// An RRULE that cannot be read or is invalid for its DTSTART.
    #[error("line {line}: recurrence rule of event {uid:?} is invalid: {message}")]
    Recurrence { line: usize, uid: String, message: String },

    /// Expanding the feed would produce or walk through more occurrences than allowed (a hostile or
    /// runaway rule, e.g. FREQ=SECONDLY).
    #[error("event {uid:?} expands past the limit of {limit} {what}")]
    TooManyOccurrences { uid: String, limit: usize, what: &'static str },

    /// Expanding the feed takes longer than allowed: a rule that is costly to search (e.g. each
    /// second, but only on the hour, from a century ago).
    #[error("event {uid:?}: expanding its recurrence takes longer than {seconds} s (a hostile or runaway rule)")]
    TooCostly { uid: String, seconds: u64 },

    /// A feed larger than the limit.
    #[error("{source_desc}: the feed is larger than {limit} bytes")]
    TooLarge { source_desc: String, limit: usize },

    /// The source is neither http(s)/webcal nor a file.
    #[error("unsupported feed source {source_desc:?}: use an http(s) or webcal URL, a file:// URL or a path")]
    UnsupportedSource { source_desc: String },

    /// The server answered with a status other than 2xx or 304.
    #[error("{source_desc}: the server answered HTTP {status}")]
    HttpStatus { source_desc: String, status: u16 },

    /// The request did not complete (DNS, connection, TLS, timeout, body cut off). The URL is left
    /// out: a feed URL usually carries a secret token.
    #[error("{source_desc}: {error}")]
    Network { source_desc: String, error: reqwest::Error },

    /// The file could not be read.
    #[error("{source_desc}: {error}")]
    File { source_desc: String, error: std::io::Error },

    /// A body that is not a calendar (a login page, JSON from an API, …).
    #[error(
        "{source_desc}: the answer is not an iCalendar feed (content type {content_type:?}, starts with {start:?})"
    )]
    NotCalendarBody { source_desc: String, content_type: String, start: String },
}

/// The first characters of `text`, on one line, for an error message.
pub(crate) fn snippet(text: &str) -> String {
    const MAX: usize = 40;
    let first = text.trim_start().lines().next().unwrap_or("");
    let mut out: String = first.chars().filter(|c| !c.is_control()).take(MAX).collect();
    if first.chars().count() > MAX {
        out.push('…');
    }
    out
}
