//! Recurrence sets with the `rrule` crate, computed on the wall clock.
//!
//! RFC 5545 recurs in local time: a weekly 09:00 Europe/Warsaw shift is at 09:00 on both sides of
//! a DST change. So the set is built in naive wall-clock time (rrule's UTC stands in for "no
//! zone", which has no gaps to skip), and each occurrence is turned into UTC afterwards by the
//! event's zone, with RFC 5545's rules for times in a gap or an overlap. That also lets a zone
//! defined only by a feed's VTIMEZONE recur, which rrule's zones cannot express.

use crate::values::{Time, parse_time_value};
use chrono::{NaiveDateTime, TimeZone as _};
use rrule::{Frequency, RRule, RRuleSet, Tz, Unvalidated};

/// An RRULE with its UNTIL taken out, to be put back on the wall clock of the event's zone.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    /// The rule's parts without UNTIL.
    pub(crate) parts: String,
    /// UNTIL as written.
    pub(crate) until: Option<Time>,
    pub(crate) freq: Frequency,
}

impl Rule {
    /// Splits an RRULE value into its parts and its UNTIL.
    pub(crate) fn read(value: &str) -> Result<Rule, String> {
        let mut parts = Vec::new();
        let mut until = None;
        for part in value.trim().split(';').filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                Some((key, date)) if key.trim().eq_ignore_ascii_case("UNTIL") => {
                    let date = date.trim();
                    until = Some(parse_time_value(date, false, None).map_err(|e| format!("UNTIL={date}: {e}"))?);
                }
                _ => parts.push(part),
            }
        }
        let parts = parts.join(";");
        // Read now, so that a bad rule is reported where it is written.
        let freq = parts.parse::<RRule<Unvalidated>>().map_err(|e| e.to_string())?.get_freq();
        Ok(Rule { parts, until, freq })
    }
}

/// A recurrence set on the wall clock: DTSTART, its rules (with UNTIL already on the wall clock)
/// and extra / excluded dates.
#[derive(Debug, Default)]
pub(crate) struct WallSet {
    pub(crate) rules: Vec<(String, Option<NaiveDateTime>)>,
    pub(crate) rdates: Vec<NaiveDateTime>,
    pub(crate) exdates: Vec<NaiveDateTime>,
}

impl WallSet {
    /// The occurrences from `start` on, in order, each once; DTSTART counts as the first
    /// (RFC 5545 §3.8.5.3) unless excluded.
    pub(crate) fn iter(&self, start: NaiveDateTime) -> Result<impl Iterator<Item = NaiveDateTime>, String> {
        let wall = |at: &NaiveDateTime| Tz::UTC.from_utc_datetime(at);
        let mut set = RRuleSet::new(wall(&start)).limit();
        for (parts, until) in &self.rules {
            if until.is_some_and(|until| until < start) {
                continue; // ends before it starts: only DTSTART
            }
            let mut rule: RRule<Unvalidated> = parts.parse().map_err(|e: rrule::RRuleError| e.to_string())?;
            if let Some(until) = until {
                rule = rule.until(wall(until));
            }
            set = set.rrule(rule.validate(wall(&start)).map_err(|e| e.to_string())?);
        }
        for at in self.rdates.iter().chain([&start]) {
            set = set.rdate(wall(at));
        }
        for at in &self.exdates {
            set = set.exdate(wall(at));
        }
        let mut last = None;
        // rrule returns an RDATE that is also a rule's date twice.
        Ok(set.into_iter().map(|at| at.naive_utc()).filter(move |at| last.replace(*at) != Some(*at)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 3, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    #[test]
    fn until_is_split_off_and_dtstart_counts_once() {
        let rule = Rule::read("FREQ=DAILY;UNTIL=20240305T090000Z;INTERVAL=1").unwrap();
        assert_eq!(rule.parts, "FREQ=DAILY;INTERVAL=1");
        assert_eq!(rule.until, Some(Time::Utc(at(5, 9))));
        let set =
            WallSet { rules: vec![(rule.parts, Some(at(5, 9)))], rdates: vec![at(3, 9)], exdates: vec![at(2, 9)] };
        let all: Vec<_> = set.iter(at(1, 9)).unwrap().collect();
        assert_eq!(all, vec![at(1, 9), at(3, 9), at(4, 9), at(5, 9)]);
    }

    #[test]
    fn bad_rules_are_reported() {
        assert!(Rule::read("FREQ=FORTNIGHTLY").is_err());
        assert!(Rule::read("FREQ=DAILY;UNTIL=tomorrow").is_err());
        assert!(Rule::read("FREQ=MONTHLY;BYMONTHDAY=40").is_err());
        // Read, but invalid for its frequency: found when the set is built.
        assert!(Rule::read("FREQ=YEARLY;BYSETPOS=400;BYMONTH=1").is_ok());
        let set = WallSet { rules: vec![("FREQ=YEARLY;BYSETPOS=400;BYMONTH=1".into(), None)], ..WallSet::default() };
        assert!(set.iter(at(1, 9)).is_err());
    }
}
