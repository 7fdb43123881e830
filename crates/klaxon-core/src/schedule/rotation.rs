//! Rotations: participants take turns in shifts of equal wall-clock length in the schedule's zone
//! (a weekly 09:00 hand-off stays at 09:00 across daylight-saving changes).

use super::civil::{to_local, to_utc};
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use chrono_tz::Tz;

/// The most turns one rendering walks (a year of one-minute shifts is far beyond any real team).
const MAX_TURNS: usize = 600_000;

/// People taking turns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    /// A hand-off, as local wall-clock time; turns repeat every `shift_length` before and after it.
    pub start: NaiveDateTime,
    /// Wall-clock length of a turn (at least a minute).
    pub shift_length: TimeDelta,
    /// Person ids, in turn order (the first holds the turn starting at `start`).
    pub participants: Vec<String>,
}

/// One turn: who holds it, from when until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn<'a> {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub person: &'a str,
}

impl Rotation {
    fn length_secs(&self) -> i64 {
        self.shift_length.num_seconds().max(60)
    }

    /// The local start of turn `k` (negative before `start`), if representable.
    fn handoff(&self, k: i64) -> Option<NaiveDateTime> {
        let secs = self.length_secs().checked_mul(k)?;
        self.start.checked_add_signed(TimeDelta::try_seconds(secs)?)
    }

    /// The turns overlapping `[from, to)`, unclipped, in order.
    pub fn turns(&self, tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Turn<'_>> {
        let n = i64::try_from(self.participants.len()).unwrap_or(0);
        let mut out = Vec::new();
        if n == 0 || from >= to {
            return out;
        }
        let since_start = (to_local(tz, from) - self.start).num_seconds();
        // One turn early: a daylight-saving change near a hand-off may put `from` in it.
        let mut k = since_start.div_euclid(self.length_secs()) - 1;
        let Some(mut start) = self.handoff(k).map(|t| to_utc(tz, t)) else { return out };
        while start < to && out.len() < MAX_TURNS {
            let Some(end) = self.handoff(k + 1).map(|t| to_utc(tz, t)) else { break };
            if end > from && end > start {
                let who = usize::try_from(k.rem_euclid(n)).unwrap_or(0);
                out.push(Turn { start, end, person: &self.participants[who] });
            }
            start = end;
            k += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("rfc3339").with_timezone(&Utc)
    }

    fn weekly_at_nine(people: &[&str]) -> Rotation {
        Rotation {
            start: NaiveDate::from_ymd_opt(2026, 3, 2).and_then(|d| d.and_hms_opt(9, 0, 0)).expect("date"),
            shift_length: TimeDelta::days(7),
            participants: people.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn weekly_turns_hand_over_at_local_nine_across_the_spring_change() {
        let r = weekly_at_nine(&["alex", "sam", "kim"]);
        let turns = r.turns(chrono_tz::Europe::Warsaw, utc("2026-03-02T08:00:00Z"), utc("2026-04-06T00:00:00Z"));
        let got: Vec<_> = turns.iter().map(|t| (t.start, t.person)).collect();
        assert_eq!(
            got,
            [
                (utc("2026-03-02T08:00:00Z"), "alex"),
                (utc("2026-03-09T08:00:00Z"), "sam"),
                (utc("2026-03-16T08:00:00Z"), "kim"),
                (utc("2026-03-23T08:00:00Z"), "alex"),
                (utc("2026-03-30T07:00:00Z"), "sam"), // 09:00 CEST, after the change on the 29th
            ]
        );
        assert_eq!(turns[3].end - turns[3].start, TimeDelta::hours(7 * 24 - 1), "the week with the change is shorter");
    }

    #[test]
    fn before_the_start_and_without_people() {
        let r = weekly_at_nine(&["alex", "sam"]);
        let t = r.turns(chrono_tz::UTC, utc("2026-03-01T00:00:00Z"), utc("2026-03-01T00:00:01Z"));
        assert_eq!((t.len(), t[0].person, t[0].end), (1, "sam", utc("2026-03-02T09:00:00Z")));
        assert!(
            weekly_at_nine(&[])
                .turns(chrono_tz::UTC, utc("2026-03-01T00:00:00Z"), utc("2026-04-01T00:00:00Z"))
                .is_empty()
        );
    }
}
