//! A feed's occurrences in a window: recurring events expanded, single occurrences replaced by
//! their overrides (RECURRENCE-ID), cancelled ones left out, all bounded against hostile feeds.

use crate::CalEvent;
use crate::error::IcalError;
use crate::event::EventSpec;
use chrono::{DateTime, NaiveDateTime, TimeDelta, TimeZone as _, Utc};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// At most this many occurrences in the answer.
pub(crate) const MAX_OCCURRENCES: usize = 100_000;
/// At most this many occurrences walked through, before the window included (a rule is expanded
/// from its DTSTART, so an hourly rule from years ago walks far before it reaches the window).
pub(crate) const MAX_WALKED: usize = 500_000;
/// At most this long expanding a feed: a rule can be cheap in occurrences yet costly to search
/// (each second, but only on the hour, is 3,600 steps of rrule's per occurrence).
pub(crate) const MAX_EXPANSION: Duration = Duration::from_secs(2);

/// The occurrences of `specs` overlapping `[from, to)`, sorted by start.
pub(crate) fn occurrences(
    specs: &[EventSpec],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<CalEvent>, IcalError> {
    let (from, to) = (from.naive_utc(), to.naive_utc());
    // Occurrences of a recurring event replaced by an override, by UID: the override stands instead
    // (or nothing, if it is cancelled).
    let mut replaced: HashMap<&str, HashSet<NaiveDateTime>> = HashMap::new();
    for spec in specs {
        if let Some(start) = spec.replaces {
            replaced.entry(spec.uid.as_str()).or_default().insert(start);
        }
    }
    let mut out = Vec::new();
    let mut walked = 0usize;
    let began = Instant::now();
    for spec in specs.iter().filter(|spec| !spec.cancelled) {
        let skip = spec.replaces.is_none().then(|| replaced.get(spec.uid.as_str())).flatten();
        let mut visit = |local: NaiveDateTime| -> Result<(), IcalError> {
            walked += 1;
            if walked > MAX_WALKED {
                return Err(too_many(spec, MAX_WALKED, "occurrences walked"));
            }
            if began.elapsed() > MAX_EXPANSION {
                return Err(IcalError::TooCostly { uid: spec.uid.clone(), seconds: MAX_EXPANSION.as_secs() });
            }
            let (start, end) = spec.occurrence(local);
            if skip.is_some_and(|skip| skip.contains(&start)) || !overlaps(start, end, from, to) {
                return Ok(());
            }
            if out.len() == MAX_OCCURRENCES {
                return Err(too_many(spec, MAX_OCCURRENCES, "occurrences in the window"));
            }
            out.push(CalEvent {
                uid: spec.uid.clone(),
                summary: spec.summary.clone(),
                start: Utc.from_utc_datetime(&start),
                end: Utc.from_utc_datetime(&end),
                all_day: spec.all_day,
            });
            Ok(())
        };
        if !spec.recurs() {
            visit(spec.start)?;
            continue;
        }
        // Past this wall-clock time no occurrence can start before `to` (offsets stay within a day).
        let last = to.checked_add_signed(TimeDelta::days(2)).unwrap_or(NaiveDateTime::MAX);
        for local in wall_clock(spec)?.take_while(|local| *local <= last) {
            visit(local)?;
        }
    }
    out.sort_by(|a, b| (a.start, a.end, &a.uid).cmp(&(b.start, b.end, &b.uid)));
    Ok(out)
}

/// The wall-clock starts of a recurring event's occurrences.
fn wall_clock(spec: &EventSpec) -> Result<impl Iterator<Item = NaiveDateTime>, IcalError> {
    spec.set.iter(spec.start).map_err(|message| IcalError::Recurrence {
        line: spec.line,
        uid: spec.uid.clone(),
        message,
    })
}

/// Whether `[start, end)` overlaps `[from, to)`; an instant counts if it is in the window.
fn overlaps(start: NaiveDateTime, end: NaiveDateTime, from: NaiveDateTime, to: NaiveDateTime) -> bool {
    start < to && (end > from || (end == start && start >= from))
}

fn too_many(spec: &EventSpec, limit: usize, what: &'static str) -> IcalError {
    IcalError::TooManyOccurrences { uid: spec.uid.clone(), limit, what }
}
