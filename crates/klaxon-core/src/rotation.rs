//! Rotations: participants take turns in fixed-length shifts (weekly by default).

use chrono::{DateTime, Utc};
use std::time::Duration;

/// A rotation of people through equal shifts starting at `start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    pub id: String,
    pub name: String,
    /// A handoff moment; shifts repeat every `shift_length` before and after it.
    pub start: DateTime<Utc>,
    pub shift_length: Duration,
    /// Person ids, in turn order.
    pub participants: Vec<String>,
}

impl Rotation {
    /// Index of the shift containing `t` (negative before `start`).
    fn shift_index(&self, t: DateTime<Utc>) -> i64 {
        let len = i64::try_from(self.shift_length.as_secs()).unwrap_or(i64::MAX).max(1);
        (t - self.start).num_seconds().div_euclid(len)
    }

    /// Who is on call at `t`, and until when.
    pub fn on_call_at(&self, t: DateTime<Utc>) -> Option<(&str, DateTime<Utc>)> {
        let n = i64::try_from(self.participants.len()).ok().filter(|n| *n > 0)?;
        let idx = self.shift_index(t);
        let who = &self.participants[usize::try_from(idx.rem_euclid(n)).ok()?];
        let len = chrono::Duration::from_std(self.shift_length).ok()?;
        let until = self.start + len * i32::try_from(idx + 1).ok()?;
        Some((who.as_str(), until))
    }

    /// The shifts of `person` overlapping `[from, to)`, as (start, end), in order (at most 1000).
    pub fn shifts_of(
        &self,
        person: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let Ok(len) = chrono::Duration::from_std(self.shift_length) else { return Vec::new() };
        let mut out = Vec::new();
        let mut at = from;
        while at < to && out.len() < 1000 {
            let Some((who, until)) = self.on_call_at(at) else { break };
            if who == person {
                out.push((until - len, until));
            }
            at = until;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::tests::t;

    fn weekly(people: &[&str]) -> Rotation {
        Rotation {
            id: "primary".into(),
            name: "Primary".into(),
            start: t(0),
            shift_length: Duration::from_secs(7 * 86_400),
            participants: people.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn takes_turns_every_week() {
        let r = weekly(&["alex", "sam", "kim"]);
        let week = 7 * 86_400;
        assert_eq!(r.on_call_at(t(0)).unwrap().0, "alex");
        assert_eq!(r.on_call_at(t(week - 1)).unwrap().0, "alex");
        assert_eq!(r.on_call_at(t(week)).unwrap().0, "sam");
        assert_eq!(r.on_call_at(t(2 * week + 5)).unwrap().0, "kim");
        assert_eq!(r.on_call_at(t(3 * week)).unwrap().0, "alex");
        assert_eq!(r.on_call_at(t(10)).unwrap().1, t(week));
        assert_eq!(r.shifts_of("sam", t(10), t(4 * week + 1)), [(t(week), t(2 * week)), (t(4 * week), t(5 * week))]);
        assert_eq!(r.shifts_of("alex", t(week - 1), t(week)), [(t(0), t(week))], "a shift under way counts");
        assert!(r.shifts_of("nobody", t(0), t(9 * week)).is_empty());
    }

    #[test]
    fn works_before_the_start_and_without_people() {
        let r = weekly(&["alex", "sam"]);
        assert_eq!(r.on_call_at(t(-1)).unwrap(), ("sam", t(0)));
        assert_eq!(weekly(&[]).on_call_at(t(0)), None);
    }
}
