//! Property values: DATE and DATE-TIME (UTC, floating or with a TZID), lists of them, DURATION and
//! UTC-OFFSET, read per RFC 5545 §3.3 with chrono doing the calendar arithmetic.

use crate::document::Document;
use crate::error::IcalError;
use chrono::{NaiveDate, NaiveDateTime};
use icalendar::parser::Property;

/// A DATE or DATE-TIME as written; its zone is resolved later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Time {
    /// `VALUE=DATE`: a whole day in the schedule's zone.
    Date(NaiveDate),
    /// `…Z`.
    Utc(NaiveDateTime),
    /// No zone: the schedule's zone.
    Floating(NaiveDateTime),
    /// `TZID=…`.
    Zoned(NaiveDateTime, String),
}

impl Time {
    /// The wall-clock time written (midnight for a date).
    pub(crate) fn naive(&self) -> NaiveDateTime {
        match self {
            Time::Date(date) => date.and_time(chrono::NaiveTime::MIN),
            Time::Utc(at) | Time::Floating(at) | Time::Zoned(at, _) => *at,
        }
    }
}

/// A DURATION: days (weeks included) move the wall clock, seconds are exact (RFC 5545 §3.3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) days: i64,
    pub(crate) seconds: i64,
}

/// The value of parameter `key` (case-insensitive), if given.
pub(crate) fn param<'a>(property: &'a Property<'_>, key: &str) -> Option<&'a str> {
    property
        .params
        .iter()
        .find(|p| p.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|p| p.val.as_ref())
        .map(|v| v.as_str().trim_matches('"'))
}

/// The one DATE or DATE-TIME of `property` (DTSTART, DTEND, RECURRENCE-ID, …).
pub(crate) fn time_of(property: &Property<'_>, doc: &Document) -> Result<Time, IcalError> {
    let value = property.val.as_str().trim();
    parse_time(value, property).map_err(|reason| invalid(property, doc, value, reason))
}

/// Every DATE or DATE-TIME of a list property (EXDATE, RDATE); of a PERIOD, its start.
pub(crate) fn times_of(property: &Property<'_>, doc: &Document) -> Result<Vec<Time>, IcalError> {
    let period = param(property, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("PERIOD"));
    property
        .val
        .as_str()
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|value| {
            let start = if period { value.split('/').next().unwrap_or(value) } else { value };
            parse_time(start, property).map_err(|reason| invalid(property, doc, value, reason))
        })
        .collect()
}

/// The DURATION of `property`.
pub(crate) fn span_of(property: &Property<'_>, doc: &Document) -> Result<Span, IcalError> {
    let value = property.val.as_str().trim();
    parse_span(value).map_err(|reason| invalid(property, doc, value, reason))
}

/// A UTC-OFFSET (`+0100`, `-0530`, `+013045`) in seconds east of UTC.
pub(crate) fn offset_of(property: &Property<'_>, doc: &Document) -> Result<i32, IcalError> {
    let value = property.val.as_str().trim();
    parse_offset(value).map_err(|reason| invalid(property, doc, value, reason))
}

fn invalid(property: &Property<'_>, doc: &Document, value: &str, reason: String) -> IcalError {
    IcalError::InvalidValue {
        line: doc.line_of_property(property),
        property: property.name.as_str().to_ascii_uppercase(),
        value: value.to_string(),
        reason,
    }
}

fn parse_time(value: &str, property: &Property<'_>) -> Result<Time, String> {
    let is_date = param(property, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
    parse_time_value(value, is_date, param(property, "TZID"))
}

/// A DATE (`is_date`, or 8 digits) or DATE-TIME value; `tzid` from its TZID parameter.
pub(crate) fn parse_time_value(value: &str, is_date: bool, tzid: Option<&str>) -> Result<Time, String> {
    // A bare 8-digit value is a date even without VALUE=DATE (a common slip).
    if is_date || value.len() == 8 {
        return parse_date(value).map(Time::Date);
    }
    let (digits, utc) = match value.strip_suffix(['Z', 'z']) {
        Some(rest) => (rest, true),
        None => (value, false),
    };
    let bytes = digits.as_bytes();
    let shaped = bytes.len() == 15
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| if i == 8 { b.eq_ignore_ascii_case(&b'T') } else { b.is_ascii_digit() });
    if !shaped {
        return Err("expected a DATE-TIME like 20240131T090000 or 20240131T090000Z".into());
    }
    let at = NaiveDateTime::parse_from_str(&digits.to_ascii_uppercase(), "%Y%m%dT%H%M%S")
        .map_err(|e| format!("not a real date and time ({e})"))?;
    Ok(match tzid {
        // `Z` wins over a TZID (RFC 5545 forbids both; UTC is what the digits say).
        _ if utc => Time::Utc(at),
        Some(tzid) => Time::Zoned(at, tzid.to_string()),
        None => Time::Floating(at),
    })
}

fn parse_date(value: &str) -> Result<NaiveDate, String> {
    if value.len() != 8 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err("expected a DATE like 20240131".into());
    }
    NaiveDate::parse_from_str(value, "%Y%m%d").map_err(|e| format!("not a real date ({e})"))
}

/// The longest DURATION accepted (about 270 years).
const MAX_SPAN_DAYS: i64 = 100_000;

/// RFC 5545's dur-value: `[+|-]P` then weeks `nW`, or days `nD` and/or `T` with `nH`, `nM`, `nS`
/// in that order.
fn parse_span(value: &str) -> Result<Span, String> {
    const SHAPE: &str = "expected a DURATION like PT8H, P1D, P1W or -PT15M";
    let (sign, rest) = match value.as_bytes().first() {
        Some(b'-') => (-1, &value[1..]),
        Some(b'+') => (1, &value[1..]),
        _ => (1, value),
    };
    let rest = rest.strip_prefix(['P', 'p']).ok_or(SHAPE)?;
    let (mut days, mut seconds) = (0i64, 0i64);
    let mut units = 0;
    // Units allowed in the current part, in order; `T` switches to the time part.
    let mut allowed: &str = "WD";
    let mut units_at_t = None;
    let mut number = String::new();
    for c in rest.chars().map(|c| c.to_ascii_uppercase()) {
        match c {
            '0'..='9' if number.len() < 9 => number.push(c),
            'T' if units_at_t.is_none() && number.is_empty() => {
                units_at_t = Some(units);
                allowed = "HMS";
            }
            _ => {
                let position = allowed.find(c).filter(|_| !number.is_empty()).ok_or(SHAPE)?;
                let n: i64 = number.parse().map_err(|_| SHAPE)?;
                number.clear();
                units += 1;
                allowed = &allowed[position + 1..];
                match c {
                    'W' => {
                        days += n * 7;
                        allowed = "";
                    }
                    'D' => days += n,
                    'H' => seconds += n * 3600,
                    'M' => seconds += n * 60,
                    _ => seconds += n,
                }
            }
        }
    }
    if !number.is_empty() || units == 0 || units_at_t == Some(units) {
        return Err(SHAPE.into());
    }
    // Bounded so that adding it to any date stays in range.
    if days.abs() > MAX_SPAN_DAYS || seconds.abs() > MAX_SPAN_DAYS * 86_400 {
        return Err(format!("longer than {MAX_SPAN_DAYS} days"));
    }
    Ok(Span { days: sign * days, seconds: sign * seconds })
}

fn parse_offset(value: &str) -> Result<i32, String> {
    const SHAPE: &str = "expected a UTC offset like +0100 or -0530";
    let (sign, digits) = match value.as_bytes().first() {
        Some(b'+') => (1, &value[1..]),
        Some(b'-') => (-1, &value[1..]),
        _ => return Err(SHAPE.into()),
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SHAPE.into());
    }
    let part = |range: std::ops::Range<usize>| digits.get(range).and_then(|d| d.parse::<i32>().ok()).unwrap_or(0);
    let (hours, minutes, secs) = (part(0..2), part(2..4), part(4..6));
    if hours > 23 || minutes > 59 || secs > 59 {
        return Err(SHAPE.into());
    }
    Ok(sign * (hours * 3600 + minutes * 60 + secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_follow_the_rfc_grammar() {
        assert_eq!(parse_span("PT8H"), Ok(Span { days: 0, seconds: 8 * 3600 }));
        assert_eq!(parse_span("P1W"), Ok(Span { days: 7, seconds: 0 }));
        assert_eq!(parse_span("P1DT2H30M"), Ok(Span { days: 1, seconds: 9000 }));
        assert_eq!(parse_span("-PT15M"), Ok(Span { days: 0, seconds: -900 }));
        assert_eq!(parse_span("PT36H"), Ok(Span { days: 0, seconds: 36 * 3600 }));
        assert_eq!(parse_span("P0D"), Ok(Span { days: 0, seconds: 0 }));
        for bad in [
            "",
            "P",
            "PT",
            "8H",
            "P1H",
            "PT1D",
            "PT1M1H",
            "P1D1W",
            "P1DX",
            "P99999999999D",
            "P999999999D",
            "PT999999999H",
        ] {
            assert!(parse_span(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+0100"), Ok(3600));
        assert_eq!(parse_offset("-0530"), Ok(-19800));
        assert_eq!(parse_offset("+013045"), Ok(5445));
        assert!(parse_offset("0100").is_err());
        assert!(parse_offset("+2500").is_err());
    }
}
