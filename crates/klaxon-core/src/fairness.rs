//! Fairness: how much on-call each person carries over a stretch of schedule, and how much of it
//! falls at night (22:00–07:00) or at the weekend, in local time.

use chrono::{DateTime, Datelike, NaiveDateTime, TimeDelta, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One person's load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FairnessRow {
    pub person_id: String,
    pub name: String,
    /// Minutes on call in all (overlapping layers count once).
    pub minutes: u32,
    /// Of which between 22:00 and 07:00.
    pub night_minutes: u32,
    /// Of which on a Saturday or Sunday.
    pub weekend_minutes: u32,
    /// How many separate stretches.
    pub shifts: u32,
}

fn is_night(t: NaiveDateTime) -> bool {
    t.hour() >= 22 || t.hour() < 7
}

fn is_weekend(t: NaiveDateTime) -> bool {
    matches!(t.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Per person (id, name), the load of `spans` (who, start, end), read in the local time `local`
/// gives, by most minutes first. Stretches of one person that overlap or touch are joined.
pub fn fairness(
    spans: &[(String, String, DateTime<Utc>, DateTime<Utc>)],
    local: impl Fn(DateTime<Utc>) -> NaiveDateTime,
) -> Vec<FairnessRow> {
    let mut by_person: BTreeMap<&str, (&str, Vec<crate::schedule::Interval>)> = BTreeMap::new();
    for (id, name, s, e) in spans {
        by_person.entry(id.as_str()).or_insert((name.as_str(), Vec::new())).1.push((*s, *e));
    }
    let step = TimeDelta::minutes(30);
    let mut rows: Vec<FairnessRow> = by_person
        .into_iter()
        .map(|(id, (name, list))| {
            let joined = crate::schedule::civil::union(list);
            let mut row = FairnessRow {
                person_id: id.to_owned(),
                name: name.to_owned(),
                minutes: 0,
                night_minutes: 0,
                weekend_minutes: 0,
                shifts: u32::try_from(joined.len()).unwrap_or(u32::MAX),
            };
            for (start, end) in joined {
                let mut at = start;
                while at < end {
                    // To the next half hour of UTC (every zone's hours start on one), or the end.
                    let into = at.timestamp().rem_euclid(step.num_seconds());
                    let next = (at + TimeDelta::seconds(step.num_seconds() - into)).min(end);
                    let minutes = u32::try_from((next - at).num_minutes()).unwrap_or(0);
                    let t = local(at);
                    row.minutes += minutes;
                    row.night_minutes += if is_night(t) { minutes } else { 0 };
                    row.weekend_minutes += if is_weekend(t) { minutes } else { 0 };
                    at = next;
                }
            }
            row
        })
        .collect();
    rows.sort_by(|a, b| b.minutes.cmp(&a.minutes).then_with(|| a.person_id.cmp(&b.person_id)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("rfc3339").with_timezone(&Utc)
    }

    #[test]
    fn counts_hours_nights_and_weekends_in_local_time() {
        let warsaw = |t: DateTime<Utc>| t.with_timezone(&chrono_tz::Europe::Warsaw).naive_local();
        let spans = vec![
            // Friday 9 January 2026 18:00 to Saturday 10:00 Warsaw time (16 h; 9 of night; 10 of weekend).
            ("alex".to_owned(), "Alex".to_owned(), utc("2026-01-09T17:00:00Z"), utc("2026-01-10T09:00:00Z")),
            // Overlapping itself on another layer: counted once.
            ("alex".to_owned(), "Alex".to_owned(), utc("2026-01-09T17:00:00Z"), utc("2026-01-09T18:00:00Z")),
            ("sam".to_owned(), "Sam".to_owned(), utc("2026-01-12T08:00:00Z"), utc("2026-01-12T16:00:00Z")),
        ];
        let rows = fairness(&spans, warsaw);
        assert_eq!(
            rows[0],
            FairnessRow {
                person_id: "alex".into(),
                name: "Alex".into(),
                minutes: 16 * 60,
                night_minutes: 9 * 60,
                weekend_minutes: 10 * 60,
                shifts: 1
            }
        );
        assert_eq!(
            (rows[1].person_id.as_str(), rows[1].minutes, rows[1].night_minutes, rows[1].weekend_minutes),
            ("sam", 480, 0, 0)
        );
    }
}
