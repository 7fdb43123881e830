//! The team file's schedules: `[[schedules]]` with ordered `[[schedules.layers]]`, and the older
//! `[[rotations]]` (a schedule of one layer, UTC unless it names a zone). Also `[reminders]`.

use super::Validator;
use crate::schedule::civil::to_local;
use crate::{ConfigError, Layer, Reminders, Rotation, Schedule, Turns, Window};
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::HashSet;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSchedule {
    pub(super) id: Spanned<String>,
    name: Option<String>,
    time_zone: Option<Spanned<String>>,
    layers: Spanned<Vec<RawLayer>>,
}

/// A layer, or (with `time_zone`) an older `[[rotations]]` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLayer {
    pub(super) id: Spanned<String>,
    name: Option<String>,
    time_zone: Option<Spanned<String>>,
    start: Option<Spanned<toml::Value>>,
    shift_length: Option<Spanned<String>>,
    handoff: Option<Spanned<String>>,
    participants: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    restrictions: Vec<RawWindow>,
    calendar: Option<Spanned<String>>,
    person: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    days: Option<Spanned<String>>,
    from: Spanned<String>,
    to: Spanned<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReminders {
    before: Option<Spanned<Vec<Spanned<String>>>>,
    at_start: Option<bool>,
    at_end: Option<bool>,
}

/// Whom a schedule's targets and overrides may name, and what the file calls `me`.
pub(super) struct Known<'a> {
    pub(super) people: &'a HashSet<&'a str>,
    pub(super) me: &'a str,
}

impl Validator<'_> {
    fn zone(&self, raw: Option<&Spanned<String>>) -> Result<Tz, ConfigError> {
        match raw {
            None => Ok(Tz::UTC),
            Some(z) => z.get_ref().parse::<Tz>().or_else(|_| {
                self.err(z.span(), format!("unknown time zone `{}` (use an IANA name like Europe/Warsaw)", z.get_ref()))
            }),
        }
    }

    /// A `[[schedules]]` entry.
    pub(super) fn schedule(&self, raw: &RawSchedule, known: &Known<'_>) -> Result<Schedule, ConfigError> {
        let tz = self.zone(raw.time_zone.as_ref())?;
        if raw.layers.get_ref().is_empty() {
            return self.err(raw.layers.span(), format!("schedule `{}` has no layers", raw.id.get_ref()));
        }
        let mut ids = HashSet::new();
        let mut layers = Vec::new();
        for l in raw.layers.get_ref() {
            self.unique(&mut ids, &l.id, "layer")?;
            if let Some(z) = &l.time_zone {
                return self.err(z.span(), "`time_zone` belongs to the schedule, not to one layer");
            }
            layers.push(self.layer(l, tz, known)?);
        }
        let name = raw.name.clone().unwrap_or_else(|| raw.id.get_ref().clone());
        Ok(Schedule { id: raw.id.get_ref().clone(), name, time_zone: tz, layers })
    }

    /// A `[[rotations]]` entry: a schedule of one layer with the rotation's id and name.
    pub(super) fn rotation(&self, raw: &RawLayer, known: &Known<'_>) -> Result<Schedule, ConfigError> {
        let tz = self.zone(raw.time_zone.as_ref())?;
        if let Some(c) = &raw.calendar {
            return self.err(c.span(), "a calendar is a layer of a [[schedules]] entry, not a rotation");
        }
        let layer = self.layer(raw, tz, known)?;
        Ok(Schedule { id: layer.id.clone(), name: layer.name.clone(), time_zone: tz, layers: vec![layer] })
    }

    fn layer(&self, raw: &RawLayer, tz: Tz, known: &Known<'_>) -> Result<Layer, ConfigError> {
        let id = raw.id.get_ref();
        let mut restrictions = Vec::new();
        for w in &raw.restrictions {
            let window = Window::parse(w.days.as_ref().map(|d| d.get_ref().as_str()), w.from.get_ref(), w.to.get_ref())
                .or_else(|e| self.err(w.from.span(), e))?;
            restrictions.push(window);
        }
        let turns = match &raw.calendar {
            Some(source) => {
                for (field, span) in [
                    ("start", raw.start.as_ref().map(Spanned::span)),
                    ("participants", raw.participants.as_ref().map(Spanned::span)),
                    ("handoff", raw.handoff.as_ref().map(Spanned::span)),
                    ("shift_length", raw.shift_length.as_ref().map(Spanned::span)),
                ] {
                    if let Some(span) = span {
                        return self
                            .err(span, format!("a calendar layer takes no `{field}`: its events are the turns"));
                    }
                }
                if source.get_ref().trim().is_empty() {
                    return self.err(source.span(), "`calendar` must be a URL or a file path");
                }
                let person = match &raw.person {
                    Some(p) if !known.people.contains(p.get_ref().as_str()) => {
                        return self.err(p.span(), format!("unknown person `{}`", p.get_ref()));
                    }
                    Some(p) => p.get_ref().clone(),
                    None => known.me.to_owned(),
                };
                Turns::Calendar { source: source.get_ref().clone(), person }
            }
            None => Turns::Rotation(self.turns(raw, tz, known)?),
        };
        Ok(Layer { id: id.clone(), name: raw.name.clone().unwrap_or_else(|| id.clone()), turns, restrictions })
    }

    fn turns(&self, raw: &RawLayer, tz: Tz, known: &Known<'_>) -> Result<Rotation, ConfigError> {
        let id = raw.id.get_ref();
        if let Some(p) = &raw.person {
            return self.err(p.span(), "`person` is for calendar layers; a rotation has `participants`");
        }
        let Some(participants) = &raw.participants else {
            return self.err(raw.id.span(), format!("`{id}` needs `participants` (or a `calendar`)"));
        };
        if participants.get_ref().is_empty() {
            return self.err(participants.span(), format!("rotation `{id}` has no participants"));
        }
        for p in participants.get_ref() {
            if !known.people.contains(p.get_ref().as_str()) {
                return self.err(p.span(), format!("unknown person `{}` in rotation `{id}`", p.get_ref()));
            }
        }
        let Some(start) = &raw.start else {
            return self.err(raw.id.span(), format!("`{id}` needs a `start` (e.g. 2026-01-05T09:00:00)"));
        };
        let mut start_at = self.start(start, tz)?;
        let mut length = match &raw.shift_length {
            Some(l) => {
                let d = humantime::parse_duration(l.get_ref()).or_else(|e| {
                    self.err(l.span(), format!("invalid duration `{}`: {e} (try \"12h\", \"1d\", \"1w\")", l.get_ref()))
                })?;
                let d = TimeDelta::from_std(d).or_else(|_| self.err(l.span(), "`shift_length` is too long"))?;
                if d < TimeDelta::minutes(1) {
                    return self.err(l.span(), "`shift_length` must be at least a minute");
                }
                d
            }
            None => TimeDelta::weeks(1),
        };
        if let Some(h) = &raw.handoff {
            let (day, time) = parse_handoff(h.get_ref()).or_else(|e| self.err(h.span(), e))?;
            start_at = first_handoff(start_at.date(), day, time);
            if raw.shift_length.is_none() && day.is_none() {
                length = TimeDelta::days(1);
            }
        }
        let participants = participants.get_ref().iter().map(|p| p.get_ref().clone()).collect();
        Ok(Rotation { start: start_at, shift_length: length, participants })
    }

    /// `start`: a date-time with an offset (an instant), a local date-time, or a date (midnight),
    /// all read as wall-clock time in `tz`.
    fn start(&self, raw: &Spanned<toml::Value>, tz: Tz) -> Result<NaiveDateTime, ConfigError> {
        let text = match raw.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d) => d.to_string(),
            _ => return self.err(raw.span(), "`start` must be a date-time like 2026-01-05T09:00:00"),
        };
        if let Ok(t) = DateTime::parse_from_rfc3339(&text) {
            return Ok(to_local(tz, t.with_timezone(&Utc)));
        }
        if let Ok(t) = NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S"))
        {
            return Ok(t);
        }
        if let Ok(d) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            return Ok(d.and_time(NaiveTime::MIN));
        }
        self.err(
            raw.span(),
            format!("invalid `start` `{text}` (expected e.g. 2026-01-05T09:00:00Z or 2026-01-05T09:00:00)"),
        )
    }

    /// `[reminders]`.
    pub(super) fn reminders(&self, raw: &RawReminders) -> Result<Reminders, ConfigError> {
        let mut out = Reminders::default();
        if let Some(before) = &raw.before {
            out.before.clear();
            for b in before.get_ref() {
                let d = humantime::parse_duration(b.get_ref()).or_else(|e| {
                    self.err(b.span(), format!("invalid duration `{}`: {e} (try \"3d\", \"1h\")", b.get_ref()))
                })?;
                if d.is_zero() || d > std::time::Duration::from_secs(30 * 86_400) {
                    return self.err(b.span(), "a reminder comes between a minute and 30 days before the shift");
                }
                out.before.push(d);
            }
            out.before.sort_by(|a, b| b.cmp(a));
            out.before.dedup();
        }
        out.at_start = raw.at_start.unwrap_or(out.at_start);
        out.at_end = raw.at_end.unwrap_or(out.at_end);
        Ok(out)
    }
}

/// `mon 09:00` (weekly hand-off) or `09:00` (daily).
fn parse_handoff(text: &str) -> Result<(Option<Weekday>, NaiveTime), String> {
    let bad = || format!("`{text}`: expected a hand-off like \"mon 09:00\" or \"09:00\"");
    let (day, time) = match text.trim().split_once(char::is_whitespace) {
        Some((d, t)) => (Some(d.parse::<Weekday>().map_err(|_| bad())?), t.trim()),
        None => (None, text.trim()),
    };
    Ok((day, NaiveTime::parse_from_str(time, "%H:%M").map_err(|_| bad())?))
}

/// The first hand-off at `time` (on `day`, when given) on or after `date`.
fn first_handoff(date: NaiveDate, day: Option<Weekday>, time: NaiveTime) -> NaiveDateTime {
    let ahead = day.map_or(0, |d| (7 + d.num_days_from_monday() - date.weekday().num_days_from_monday()) % 7);
    date.checked_add_days(Days::new(u64::from(ahead))).unwrap_or(date).and_time(time)
}
