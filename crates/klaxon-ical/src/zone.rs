//! Time zones of a feed: a TZID resolved to an IANA zone (chrono-tz), else to the offsets of the
//! feed's own VTIMEZONE, else from a Windows zone name (CLDR's table); and wall-clock times turned
//! into UTC with RFC 5545 §3.3.5's rules.

use crate::document::Document;
use crate::error::IcalError;
use crate::rules::{Rule, WallSet};
use crate::values::{Time, offset_of, time_of, times_of};
use chrono::{NaiveDateTime, Offset as _, TimeDelta, TimeZone as _};
use chrono_tz::Tz;
use icalendar::parser::Component;
use rrule::Frequency;
use std::collections::HashMap;
use std::rc::Rc;
use std::str::FromStr as _;
use windows_timezones::WindowsTimezone;

/// A VTIMEZONE's observances are expanded up to this year; the last offset holds after it.
const LAST_YEAR: i32 = 2200;
/// At most this many onsets per observance (a yearly rule from 1970 to 2200 has 231).
const MAX_ONSETS: usize = 2_000;

/// A zone in which wall-clock times are turned into UTC.
#[derive(Debug, Clone)]
pub(crate) enum Zone {
    Utc,
    Iana(Tz),
    /// From a feed's VTIMEZONE.
    Defined(Rc<Onsets>),
}

/// The offsets a VTIMEZONE defines, in seconds east of UTC.
#[derive(Debug)]
pub(crate) struct Onsets {
    /// Before the first onset.
    before: i32,
    /// Each onset (in UTC) and the offset from it on, in order.
    onsets: Vec<(NaiveDateTime, i32)>,
}

impl Zone {
    /// Seconds east of UTC at the instant `utc`.
    fn offset_at(&self, utc: NaiveDateTime) -> i32 {
        match self {
            Zone::Utc => 0,
            Zone::Iana(tz) => tz.offset_from_utc_datetime(&utc).fix().local_minus_utc(),
            Zone::Defined(defined) => {
                let index = defined.onsets.partition_point(|(onset, _)| *onset <= utc);
                index.checked_sub(1).and_then(|i| defined.onsets.get(i)).map_or(defined.before, |(_, offset)| *offset)
            }
        }
    }

    /// The instant of wall-clock time `local`. A time that occurs twice (clocks going back) is the
    /// first; a time skipped (clocks going forward) is read with the offset before the gap, so
    /// 02:30 on a spring-forward night is 03:30 (RFC 5545 §3.3.5).
    pub(crate) fn to_utc(&self, local: NaiveDateTime) -> NaiveDateTime {
        if matches!(self, Zone::Utc) {
            return local;
        }
        let before = self.offset_at(local - TimeDelta::days(1));
        let after = self.offset_at(local + TimeDelta::days(1));
        let fits = |offset: i32| {
            let utc = local - TimeDelta::seconds(offset.into());
            (self.offset_at(utc) == offset).then_some(utc)
        };
        match (fits(before), fits(after)) {
            (Some(a), Some(b)) => a.min(b),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => local - TimeDelta::seconds(before.into()),
        }
    }

    /// The wall-clock time at the instant `utc`.
    pub(crate) fn to_local(&self, utc: NaiveDateTime) -> NaiveDateTime {
        utc + TimeDelta::seconds(self.offset_at(utc).into())
    }
}

/// The zones a feed names, resolved once each.
#[derive(Debug)]
pub(crate) struct Zones<'d> {
    doc: &'d Document,
    /// The feed's VTIMEZONEs by TZID.
    defined: HashMap<String, &'d Component<'d>>,
    resolved: HashMap<String, Zone>,
    floating: Tz,
}

impl<'d> Zones<'d> {
    /// The zones of `calendar`; floating times and dates are in `floating`.
    pub(crate) fn new(doc: &'d Document, calendar: &'d Component<'d>, floating: Tz) -> Zones<'d> {
        let defined = calendar
            .components
            .iter()
            .filter(|c| c.name.as_str().eq_ignore_ascii_case("VTIMEZONE"))
            .filter_map(|c| Some((c.find_prop("TZID")?.val.as_str().trim().to_string(), c)))
            .collect();
        Zones { doc, defined, resolved: HashMap::new(), floating }
    }

    /// The zone of floating times and all-day dates.
    pub(crate) fn floating(&self) -> Zone {
        Zone::Iana(self.floating)
    }

    /// The zone `time` is written in.
    pub(crate) fn zone_of(&mut self, time: &Time, line: usize) -> Result<Zone, IcalError> {
        match time {
            Time::Utc(_) => Ok(Zone::Utc),
            Time::Date(_) | Time::Floating(_) => Ok(self.floating()),
            Time::Zoned(_, tzid) => self.resolve(tzid, line),
        }
    }

    /// The instant `time` names.
    pub(crate) fn instant(&mut self, time: &Time, line: usize) -> Result<NaiveDateTime, IcalError> {
        Ok(self.zone_of(time, line)?.to_utc(time.naive()))
    }

    /// The zone named by `tzid`.
    pub(crate) fn resolve(&mut self, tzid: &str, line: usize) -> Result<Zone, IcalError> {
        if let Some(zone) = self.resolved.get(tzid) {
            return Ok(zone.clone());
        }
        let zone = match iana(tzid) {
            Some(tz) => Zone::Iana(tz),
            None => self.not_iana(tzid, line)?,
        };
        self.resolved.insert(tzid.to_string(), zone.clone());
        Ok(zone)
    }

    /// A zone whose TZID is not an IANA name: the feed's VTIMEZONE for it, else a Windows name.
    fn not_iana(&self, tzid: &str, line: usize) -> Result<Zone, IcalError> {
        if let Some(vtimezone) = self.defined.get(tzid)
            && let Some(zone) = defined_zone(vtimezone, self.doc)?
        {
            return Ok(zone);
        }
        match WindowsTimezone::from_str(tzid.trim()) {
            Ok(windows) => Ok(Zone::Iana(Tz::from(windows))),
            Err(_) => Err(IcalError::UnknownTimeZone { line, tzid: tzid.to_string() }),
        }
    }
}

/// An IANA zone by name, also inside a globally unique TZID such as
/// `/mozilla.org/20050126_1/Europe/Warsaw` or `/citadel.org/20190914_1/America/New_York`.
fn iana(tzid: &str) -> Option<Tz> {
    let tzid = tzid.trim();
    if let Ok(tz) = tzid.parse::<Tz>() {
        return Some(tz);
    }
    let segments: Vec<&str> = tzid.split('/').filter(|s| !s.is_empty()).collect();
    (2..=3).rev().filter_map(|n| segments.len().checked_sub(n)).find_map(|skip| segments[skip..].join("/").parse().ok())
}

/// The offsets a VTIMEZONE defines, or `None` if it defines none.
fn defined_zone(vtimezone: &Component<'_>, doc: &Document) -> Result<Option<Zone>, IcalError> {
    let mut onsets = Vec::new();
    // (start, offset before) of the earliest observance: what holds before any onset.
    let mut earliest: Option<(NaiveDateTime, i32)> = None;
    for observance in &vtimezone.components {
        let (Some(start), Some(from), Some(to)) =
            (observance.find_prop("DTSTART"), observance.find_prop("TZOFFSETFROM"), observance.find_prop("TZOFFSETTO"))
        else {
            continue;
        };
        let line = doc.line_of(observance.name.as_str());
        let start = time_of(start, doc)?.naive();
        let (from, to) = (offset_of(from, doc)?, offset_of(to, doc)?);
        // Onsets are wall-clock times in the offset before them; a UTC UNTIL is put on that clock.
        let mut set = WallSet::default();
        for property in observance.properties.iter().filter(|p| p.name.as_str().eq_ignore_ascii_case("RRULE")) {
            let rule = Rule::read(property.val.as_str()).map_err(|message| recurrence(doc, property, message))?;
            // Zones change yearly; anything more frequent is hostile (each onset could cost rrule a
            // long search) and would not describe a zone anyway.
            if rule.freq != Frequency::Yearly {
                return Err(recurrence(doc, property, "a VTIMEZONE observance must recur yearly".into()));
            }
            let until = rule.until.map(|until| match until {
                Time::Utc(utc) => utc + TimeDelta::seconds(from.into()),
                other => other.naive(),
            });
            set.rules.push((rule.parts, until));
        }
        for property in observance.properties.iter().filter(|p| p.name.as_str().eq_ignore_ascii_case("RDATE")) {
            set.rdates.extend(times_of(property, doc)?.iter().map(Time::naive));
        }
        let wall = set.iter(start).map_err(|message| IcalError::Recurrence {
            line,
            uid: String::new(),
            message: format!("VTIMEZONE observance: {message}"),
        })?;
        for at in wall.take_while(|at| chrono::Datelike::year(at) <= LAST_YEAR).take(MAX_ONSETS) {
            onsets.push((at - TimeDelta::seconds(from.into()), to));
        }
        if earliest.is_none_or(|(at, _)| start < at) {
            earliest = Some((start, from));
        }
    }
    onsets.sort();
    Ok(earliest.map(|(_, before)| Zone::Defined(Rc::new(Onsets { before, onsets }))))
}

fn recurrence(doc: &Document, property: &icalendar::parser::Property<'_>, message: String) -> IcalError {
    IcalError::Recurrence { line: doc.line_of_property(property), uid: String::new(), message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn gaps_and_overlaps_follow_rfc_5545() {
        let ny = Zone::Iana(chrono_tz::America::New_York);
        // The RFC's own examples: 01:30 on fall-back night is EDT (the first), 02:30 on
        // spring-forward night does not exist and is read with EST: 07:30Z, 03:30 EDT.
        assert_eq!(ny.to_utc(at(2007, 11, 4, 1, 30)), at(2007, 11, 4, 5, 30));
        assert_eq!(ny.to_utc(at(2007, 3, 11, 2, 30)), at(2007, 3, 11, 7, 30));
        assert_eq!(ny.to_utc(at(2007, 7, 1, 9, 0)), at(2007, 7, 1, 13, 0));
        assert_eq!(ny.to_local(at(2007, 7, 1, 13, 0)), at(2007, 7, 1, 9, 0));
    }

    #[test]
    fn iana_names_inside_unique_tzids() {
        assert_eq!(iana("/mozilla.org/20050126_1/Europe/Warsaw"), Some(chrono_tz::Europe::Warsaw));
        assert_eq!(iana("/x/America/Argentina/Buenos_Aires"), Some(chrono_tz::America::Argentina::Buenos_Aires));
        assert_eq!(iana("Eastern Standard Time"), None);
        assert_eq!(iana("Custom/Zone"), None);
    }
}
