//! Shift reminders and shift changes, as normal-urgency notices through every delivery path: the
//! decisions are klaxon-core's ([`Reminders::due`], [`shift_changes`]); what was sent is kept in
//! the store so each goes out once, across sleeps and restarts.

use crate::{EngineError, Klaxon, Notice, PageDelivery, on_every_path};
use chrono::{DateTime, Local, TimeDelta, Utc};
use klaxon_core::{Reminder, ReminderKind, ShiftChange, shift_changes};
use std::sync::Arc;
use std::time::Duration;

/// How often (by the engine's clock) reminders are looked for.
pub const REMIND_EVERY: TimeDelta = TimeDelta::seconds(30);
/// How far back a shift's start is believed (shifts are looked at 35 days beyond a range).
const STARTS_SEEN: TimeDelta = TimeDelta::days(30);
/// How far ahead shift changes are watched.
pub const CHANGES_AHEAD: TimeDelta = TimeDelta::days(28);

/// The pager's reminders: where they go and when it last looked.
pub(crate) struct ShiftReminders {
    pub deliveries: Vec<Arc<dyn PageDelivery>>,
    pub last_looked: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for ShiftReminders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShiftReminders")
            .field("paths", &self.deliveries.len())
            .field("last_looked", &self.last_looked)
            .finish()
    }
}

impl ShiftReminders {
    /// Sends what is due at `now` (looking at most every [`REMIND_EVERY`]); returns the notices sent.
    pub async fn step(&mut self, klaxon: &Klaxon, now: DateTime<Utc>) -> Result<Vec<Notice>, EngineError> {
        if self.last_looked.is_some_and(|t| now - t < REMIND_EVERY && now >= t) {
            return Ok(Vec::new());
        }
        self.last_looked = Some(now);
        let notices = klaxon.due_reminders(now).await?;
        for notice in &notices {
            let notice = Arc::new(notice.clone());
            for (path, result) in
                on_every_path(&self.deliveries, Duration::from_secs(10), move |d| d.notice(&notice)).await
            {
                if let Err(e) = result {
                    tracing::warn!(path, error = %e, "could not show a shift reminder");
                }
            }
        }
        Ok(notices)
    }
}

impl Klaxon {
    /// The reminders and shift-change notices due at `now`, recorded as sent.
    pub async fn due_reminders(&self, now: DateTime<Utc>) -> Result<Vec<Notice>, EngineError> {
        let settings = &self.team().reminders;
        let longest = settings.before.iter().max().and_then(|d| TimeDelta::from_std(*d).ok()).unwrap_or_default();
        // One look at my shifts serves both the reminders and the changes.
        let until = now + CHANGES_AHEAD.max(longest + TimeDelta::days(1));
        let mine = self.my_shifts(now - TimeDelta::days(1), until).await?;
        // A start this far back is where the view was cut (a rotation of one never hands over),
        // not a shift's start: nothing to remind of, and its key would move with the view.
        let shifts: Vec<_> = mine.iter().copied().filter(|(start, _)| *start > now - STARTS_SEEN).collect();
        let store = self.store();
        let due = settings.due(&shifts, now, &store.reminders_sent().await?);
        let mut notices: Vec<Notice> = due.send.iter().map(|r| reminder_notice(r, now)).collect();
        let mut keys = due.drop;
        keys.extend(due.send.into_iter().map(|r| r.key));
        if !keys.is_empty() {
            store.mark_reminders(&keys, now).await?;
        }
        if let Some((seen_until, before)) = store.shifts_seen().await? {
            notices.extend(shift_changes(&before, seen_until, &mine, now).iter().map(change_notice));
        }
        store.save_shifts_seen(until, &mine).await?;
        Ok(notices)
    }
}

fn when(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%a %d %b %H:%M").to_string()
}

/// How long until `t`, in words: "in 3 days", "in 58 min".
fn in_words(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let minutes = ((t - now).num_seconds() + 30).div_euclid(60);
    let (hours, days) = (minutes / 60, (minutes + 12 * 60) / (24 * 60));
    if minutes >= 24 * 60 {
        format!("in {days} day{}", if days == 1 { "" } else { "s" })
    } else if hours >= 1 {
        format!("in {hours} h {} min", minutes % 60)
    } else {
        format!("in {} min", minutes.max(1))
    }
}

/// "Your on-call shift starts in 3 days", "You are on call now — run your pre-shift checklist".
pub fn reminder_notice(r: &Reminder, now: DateTime<Utc>) -> Notice {
    let (start, end) = r.shift;
    let span = format!("{} → {}", when(start), when(end));
    match r.kind {
        ReminderKind::Ahead { .. } => {
            Notice { summary: format!("Your on-call shift starts {}", in_words(now, start)), body: span }
        }
        ReminderKind::Start => Notice {
            summary: "You are on call now — run your pre-shift checklist".into(),
            body: format!("{span}\nklaxon check · the app's Readiness view"),
        },
        ReminderKind::End => Notice {
            summary: "Your on-call shift has ended — hand over".into(),
            body: format!("{span}\nTell the next on-call what is open and what you saw."),
        },
    }
}

fn change_notice(c: &ShiftChange) -> Notice {
    match c {
        ShiftChange::Gained(s, e) => {
            Notice { summary: "You have a new on-call shift".into(), body: format!("{} → {}", when(*s), when(*e)) }
        }
        ShiftChange::Lost(s, e) => Notice {
            summary: "One of your on-call shifts changed".into(),
            body: format!("{} → {} is no longer (all) yours", when(*s), when(*e)),
        },
    }
}
