//! One VEVENT read into what expansion needs: its zone, start on the wall clock, how its end
//! follows from its start, its recurrence set and, for an override, the occurrence it replaces.

use crate::document::Document;
use crate::error::IcalError;
use crate::rules::{Rule, WallSet};
use crate::values::{Time, span_of, time_of, times_of};
use crate::zone::{Zone, Zones};
use chrono::{NaiveDateTime, TimeDelta};
use icalendar::parser::{Component, Property};

/// A VEVENT, read.
#[derive(Debug)]
pub(crate) struct EventSpec {
    pub(crate) uid: String,
    pub(crate) summary: String,
    /// Physical line of its BEGIN:VEVENT.
    pub(crate) line: usize,
    pub(crate) cancelled: bool,
    pub(crate) all_day: bool,
    pub(crate) zone: Zone,
    /// DTSTART on the zone's wall clock.
    pub(crate) start: NaiveDateTime,
    /// An occurrence ends at `to_utc(start + wall) + exact`: DTEND in the start's zone and whole
    /// days of a DURATION move the wall clock (so a 09:00–17:00 shift stays so across DST); a
    /// DTEND in another zone, and a DURATION's hours, are exact.
    pub(crate) wall: TimeDelta,
    pub(crate) exact: TimeDelta,
    pub(crate) set: WallSet,
    /// The UTC start of the occurrence this one replaces (RECURRENCE-ID).
    pub(crate) replaces: Option<NaiveDateTime>,
}

impl EventSpec {
    /// Whether it recurs (RRULE or RDATE).
    pub(crate) fn recurs(&self) -> bool {
        !self.set.rules.is_empty() || !self.set.rdates.is_empty()
    }

    /// The UTC start and end of the occurrence starting at `local` on the wall clock.
    pub(crate) fn occurrence(&self, local: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
        (self.zone.to_utc(local), self.zone.to_utc(local + self.wall) + self.exact)
    }
}

/// Every VEVENT of `calendar`, read.
pub(crate) fn read_events<'d>(
    doc: &'d Document,
    calendar: &'d Component<'d>,
    zones: &mut Zones<'d>,
) -> Result<Vec<EventSpec>, IcalError> {
    calendar
        .components
        .iter()
        .filter(|c| c.name.as_str().eq_ignore_ascii_case("VEVENT"))
        .map(|c| read_event(doc, c, zones))
        .collect()
}

fn read_event<'d>(doc: &Document, event: &Component<'d>, zones: &mut Zones<'d>) -> Result<EventSpec, IcalError> {
    let line = doc.line_of(event.name.as_str());
    let text = |name: &str| prop(event, name).map(|p| p.val.as_str().trim().to_string());
    let uid = text("UID").unwrap_or_default();
    let summary = text("SUMMARY").unwrap_or_default();
    let cancelled = text("STATUS").is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED"));
    let replaces = prop(event, "RECURRENCE-ID").map(|p| at_utc(doc, p, zones)).transpose()?;

    let start_prop = prop(event, "DTSTART");
    let start_time = match (start_prop, replaces) {
        (Some(p), _) => time_of(p, doc)?,
        // An override without DTSTART keeps the start it replaces.
        (None, Some(utc)) => Time::Utc(utc),
        (None, None) => return Err(IcalError::MissingProperty { line, uid, property: "DTSTART" }),
    };
    let start_line = start_prop.map_or(line, |p| doc.line_of_property(p));
    let zone = zones.zone_of(&start_time, start_line)?;
    let start = start_time.naive();
    let all_day = matches!(start_time, Time::Date(_));

    let mut clock = Clock { doc, event, zones, start_time, zone };
    let (wall, exact) = clock.length()?;
    let set = clock.recurrence(&uid)?;
    Ok(EventSpec { uid, summary, line, cancelled, all_day, zone: clock.zone, start, wall, exact, set, replaces })
}

/// Reads the times of one VEVENT whose DTSTART is known, on the wall clock of its zone.
struct Clock<'a, 'd> {
    doc: &'a Document,
    event: &'a Component<'d>,
    zones: &'a mut Zones<'d>,
    start_time: Time,
    zone: Zone,
}

impl Clock<'_, '_> {
    /// How an occurrence's end follows from its start: `(wall, exact)` of [`EventSpec`].
    fn length(&mut self) -> Result<(TimeDelta, TimeDelta), IcalError> {
        let (doc, start) = (self.doc, self.start_time.naive());
        Ok(match (prop(self.event, "DTEND"), prop(self.event, "DURATION")) {
            (Some(end_prop), _) => {
                let end_time = time_of(end_prop, doc)?;
                let (wall, exact) = if same_clock(&self.start_time, &end_time) {
                    (end_time.naive() - start, TimeDelta::zero())
                } else {
                    let end = self.zones.instant(&end_time, doc.line_of_property(end_prop))?;
                    (TimeDelta::zero(), end - self.zone.to_utc(start))
                };
                if wall < TimeDelta::zero() || exact < TimeDelta::zero() {
                    return Err(IcalError::InvalidValue {
                        line: doc.line_of_property(end_prop),
                        property: "DTEND".into(),
                        value: end_prop.val.as_str().trim().into(),
                        reason: "it is before DTSTART".into(),
                    });
                }
                (wall, exact)
            }
            (None, Some(duration)) => {
                let span = span_of(duration, doc)?;
                (TimeDelta::days(span.days), TimeDelta::seconds(span.seconds))
            }
            // RFC 5545 §3.6.1: a date lasts the day, a date-time is an instant.
            (None, None) if self.all_day() => (TimeDelta::days(1), TimeDelta::zero()),
            (None, None) => (TimeDelta::zero(), TimeDelta::zero()),
        })
    }

    /// The recurrence set on the wall clock: RRULEs (each checked against DTSTART), RDATEs and
    /// EXDATEs.
    fn recurrence(&mut self, uid: &str) -> Result<WallSet, IcalError> {
        let (doc, start, all_day) = (self.doc, self.start_time.naive(), self.all_day());
        let recurrence_error = |property: &Property<'_>, message| IcalError::Recurrence {
            line: doc.line_of_property(property),
            uid: uid.into(),
            message,
        };
        let mut set = WallSet::default();
        for property in props(self.event, "RRULE") {
            let rule = Rule::read(property.val.as_str()).map_err(|message| recurrence_error(property, message))?;
            let until = match rule.until {
                Some(Time::Date(date)) if !all_day => Some(date.and_hms_opt(23, 59, 59).unwrap_or(start)),
                Some(until) => Some(self.on_wall(property, &until)?),
                None => None,
            };
            // Validate it now, so that a rule invalid for its DTSTART is reported on its line.
            let rule = (rule.parts, until);
            WallSet { rules: vec![rule.clone()], ..WallSet::default() }
                .iter(start)
                .map(drop)
                .map_err(|message| recurrence_error(property, message))?;
            set.rules.push(rule);
        }
        for (name, exclude) in [("RDATE", false), ("EXDATE", true)] {
            for property in props(self.event, name) {
                for time in times_of(property, doc)? {
                    let at = match time {
                        // A date excludes (or adds) the event's time of day on that date.
                        Time::Date(date) if !all_day => date.and_time(start.time()),
                        time => self.on_wall(property, &time)?,
                    };
                    if exclude { &mut set.exdates } else { &mut set.rdates }.push(at);
                }
            }
        }
        Ok(set)
    }

    /// `time` (of `property`) on the wall clock of the event's zone.
    fn on_wall(&mut self, property: &Property<'_>, time: &Time) -> Result<NaiveDateTime, IcalError> {
        Ok(match time {
            Time::Date(_) | Time::Floating(_) => time.naive(),
            Time::Utc(utc) => self.zone.to_local(*utc),
            Time::Zoned(..) => self.zone.to_local(self.zones.instant(time, self.doc.line_of_property(property))?),
        })
    }

    fn all_day(&self) -> bool {
        matches!(self.start_time, Time::Date(_))
    }
}

/// Whether two times are on the same wall clock (so their difference is a wall-clock span).
fn same_clock(a: &Time, b: &Time) -> bool {
    match (a, b) {
        (Time::Zoned(_, x), Time::Zoned(_, y)) => x == y,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

fn at_utc<'d>(doc: &Document, property: &Property<'_>, zones: &mut Zones<'d>) -> Result<NaiveDateTime, IcalError> {
    zones.instant(&time_of(property, doc)?, doc.line_of_property(property))
}

fn prop<'c, 'd>(event: &'c Component<'d>, name: &'c str) -> Option<&'c Property<'d>> {
    props(event, name).next()
}

fn props<'c, 'd>(event: &'c Component<'d>, name: &'c str) -> impl Iterator<Item = &'c Property<'d>> {
    event.properties.iter().filter(move |p| p.name.as_str().eq_ignore_ascii_case(name))
}
