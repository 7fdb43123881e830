//! Shift reminders (days and hours ahead, at the start, at the end) and shift changes, decided
//! purely from my shifts, the clock and what was already sent: each reminder goes out once; one
//! missed while the machine slept is sent on wake if its shift has not ended (only the latest of
//! several missed "ahead" reminders), otherwise dropped.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::time::Duration;

/// How long after a shift's end its "hand over" reminder is still worth sending.
pub const END_GRACE: TimeDelta = TimeDelta::hours(1);

/// The team file's `[reminders]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminders {
    /// How long before each shift, longest first (default 3 days and 1 hour).
    pub before: Vec<Duration>,
    pub at_start: bool,
    pub at_end: bool,
}

impl Default for Reminders {
    fn default() -> Self {
        Reminders {
            before: vec![Duration::from_secs(3 * 86_400), Duration::from_secs(3600)],
            at_start: true,
            at_end: true,
        }
    }
}

/// Which reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReminderKind {
    /// This long ahead (seconds).
    Ahead {
        secs: u64,
    },
    Start,
    End,
}

/// One reminder of one shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// Names it for "sent once": the shift and the kind.
    pub key: String,
    pub kind: ReminderKind,
    pub at: DateTime<Utc>,
    pub shift: (DateTime<Utc>, DateTime<Utc>),
}

/// What to do now: reminders to send, and keys to record as done without sending (superseded or
/// too late).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueReminders {
    pub send: Vec<Reminder>,
    pub drop: Vec<String>,
}

impl Reminders {
    /// Every reminder of `shift`, in time order.
    pub fn of(&self, shift: (DateTime<Utc>, DateTime<Utc>)) -> Vec<Reminder> {
        let key = |kind: &str| format!("{}/{}/{kind}", shift.0.to_rfc3339(), shift.1.to_rfc3339());
        let mut out: Vec<Reminder> = self
            .before
            .iter()
            .filter_map(|d| {
                let ahead = TimeDelta::from_std(*d).ok()?;
                let kind = ReminderKind::Ahead { secs: d.as_secs() };
                Some(Reminder { key: key(&format!("ahead-{}", d.as_secs())), kind, at: shift.0 - ahead, shift })
            })
            .collect();
        if self.at_start {
            out.push(Reminder { key: key("start"), kind: ReminderKind::Start, at: shift.0, shift });
        }
        if self.at_end {
            out.push(Reminder { key: key("end"), kind: ReminderKind::End, at: shift.1, shift });
        }
        out.sort_by_key(|r| r.at);
        out
    }

    /// What is due at `now` for `shifts`, given the keys already `sent` (or dropped).
    pub fn due(
        &self,
        shifts: &[(DateTime<Utc>, DateTime<Utc>)],
        now: DateTime<Utc>,
        sent: &HashSet<String>,
    ) -> DueReminders {
        let mut out = DueReminders::default();
        for &shift in shifts {
            let pending: Vec<Reminder> =
                self.of(shift).into_iter().filter(|r| r.at <= now && !sent.contains(&r.key)).collect();
            // Of the reminders due, only the latest still says something true and useful.
            let keep = pending.iter().rposition(|r| match r.kind {
                ReminderKind::Ahead { .. } => now < shift.0,
                ReminderKind::Start => now < shift.1,
                ReminderKind::End => now < shift.1 + END_GRACE,
            });
            let last = pending.len().checked_sub(1);
            for (i, r) in pending.into_iter().enumerate() {
                if Some(i) == keep && keep == last {
                    out.send.push(r);
                } else {
                    out.drop.push(r.key);
                }
            }
        }
        out
    }
}

/// How my shifts changed between two looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShiftChange {
    /// A shift I did not have (an override gave it to me).
    Gained(DateTime<Utc>, DateTime<Utc>),
    /// A shift I had is gone or changed (someone took it, or part of it).
    Lost(DateTime<Utc>, DateTime<Utc>),
}

/// The changes between `before` (my shifts seen last time, up to `seen_until`) and `after`,
/// both read within `[now, seen_until)`: what is over does not count, nor what only came into
/// view, nor where a shift's edges lie outside the view (a rotation of one is one endless shift).
pub fn shift_changes(
    before: &[(DateTime<Utc>, DateTime<Utc>)],
    seen_until: DateTime<Utc>,
    after: &[(DateTime<Utc>, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> Vec<ShiftChange> {
    let view = |list: &[(DateTime<Utc>, DateTime<Utc>)]| -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        list.iter().map(|(s, e)| ((*s).max(now), (*e).min(seen_until))).filter(|(s, e)| s < e).collect()
    };
    let (old, new) = (view(before), view(after));
    let mut out: Vec<ShiftChange> = Vec::new();
    for s in &old {
        if !new.contains(s) {
            out.push(ShiftChange::Lost(s.0, s.1));
        }
    }
    for s in &new {
        if !old.contains(s) {
            out.push(ShiftChange::Gained(s.0, s.1));
        }
    }
    out
}

#[cfg(test)]
#[path = "reminders_tests.rs"]
mod tests;
