//! Schedules as teams run them: ordered layers (primary, secondary, …), each a rotation in the
//! schedule's time zone (or an imported calendar), covered only inside its restriction windows,
//! with overrides (someone takes a layer for a while) on top. [`Schedule::render`] is the one
//! function that says who is on call when: the pager, the escalation timers, the CLI and the app
//! all read it. Nobody covering a layer is a gap in the result, not an error.

pub mod civil;
mod render;
mod rotation;
mod window;

pub use render::{LayerShifts, OnCallNow, Rendered, Span};
pub use rotation::{Rotation, Turn};
pub use window::{Window, coverage};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A stretch of time, `[start, end)`.
pub type Interval = (DateTime<Utc>, DateTime<Utc>);

/// How far beyond a range shifts are looked at to find where they really start and end.
pub const SHIFT_MARGIN: chrono::TimeDelta = chrono::TimeDelta::days(35);

/// A team-file schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub id: String,
    pub name: String,
    /// Hand-offs and windows are wall-clock times here.
    pub time_zone: Tz,
    /// In order: a schedule as a whole (`schedule:ID`) is whoever the first covered layer has.
    pub layers: Vec<Layer>,
}

/// One layer of a schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub id: String,
    pub name: String,
    pub turns: Turns,
    /// Windows the layer covers; none: always.
    pub restrictions: Vec<Window>,
}

/// Where a layer's turns come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turns {
    Rotation(Rotation),
    /// An imported calendar's events (by its source, a URL or path), all held by `person`.
    Calendar {
        source: String,
        person: String,
    },
}

/// Someone takes a layer (the first when none is named) of a team-file schedule for a while.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Override {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub schedule: String,
    pub layer: Option<String>,
    /// The person id who is on call instead.
    pub person: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Who made it, when known (a person id).
    pub created_by: Option<String>,
}

/// An override as kept: on a team-file schedule (`account` is `local`) or a platform account's
/// (sent to the platform through its own outbox: `state`, `remote_id`, `last_error`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverrideEntry {
    pub account: String,
    pub cover: Override,
    pub state: crate::OutboxState,
    pub remote_id: Option<String>,
    pub last_error: Option<String>,
    pub attempts: u32,
}

/// What renders a schedule besides the team file: the overrides made in the app or CLI, and the
/// imported calendars' events (by source), as last fetched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    pub overrides: Vec<Override>,
    pub calendars: BTreeMap<String, Vec<Interval>>,
}

impl Schedule {
    /// A schedule of one layer, in UTC, without restrictions: what a team file's `[[rotations]]`
    /// entry is (the layer has the schedule's id and name).
    pub fn single(
        id: &str,
        name: &str,
        start: DateTime<Utc>,
        shift_length: chrono::TimeDelta,
        participants: Vec<String>,
    ) -> Self {
        Schedule {
            id: id.to_owned(),
            name: name.to_owned(),
            time_zone: Tz::UTC,
            layers: vec![Layer {
                id: id.to_owned(),
                name: name.to_owned(),
                turns: Turns::Rotation(Rotation { start: start.naive_utc(), shift_length, participants }),
                restrictions: Vec::new(),
            }],
        }
    }

    /// A layer by id.
    pub fn layer(&self, id: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.id == id)
    }

    /// Whether `override_` applies to `layer` of this schedule.
    fn overrides_layer(&self, o: &Override, layer: &Layer) -> bool {
        o.schedule == self.id
            && match &o.layer {
                Some(id) => *id == layer.id,
                None => self.layers.first().is_some_and(|l| l.id == layer.id),
            }
    }

    /// Everyone who takes turns in this schedule, in first-seen order.
    pub fn participants(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for layer in &self.layers {
            let people: Vec<&str> = match &layer.turns {
                Turns::Rotation(r) => r.participants.iter().map(String::as_str).collect(),
                Turns::Calendar { person, .. } => vec![person.as_str()],
            };
            for p in people {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }

    /// The shifts of `person` on any layer overlapping `[from, to)`, as (start, end, layer id),
    /// in start order; a shift under way at `from` (or running past `to`) keeps its real start
    /// (end) when within [`SHIFT_MARGIN`] of the range.
    pub fn shifts_of(
        &self,
        person: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        roster: &Roster,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>, String)> {
        let rendered = self.render(from - SHIFT_MARGIN, to + SHIFT_MARGIN, roster);
        let mut out: Vec<_> = rendered
            .layers
            .into_iter()
            .flat_map(|l| {
                let id = l.id;
                l.spans
                    .into_iter()
                    .filter(|s| s.person.as_deref() == Some(person) && s.end > from && s.start < to)
                    .map(move |s| (s.start, s.end, id.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests;
