//! New-hire onboarding plans: a new hire, a mentor, a start date and phases (week ranges) of
//! tasks, and how far along each task is. Pure: the counts and ticks come from the engine.

mod parse;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use parse::{is_plan, parse};

/// A plan, as parsed from its file in `checklists/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The file's stem.
    pub name: String,
    /// The new hire's person id (in the team file).
    pub new_hire: String,
    /// The mentor's person id.
    pub mentor: String,
    pub start: NaiveDate,
    pub phases: Vec<Phase>,
}

/// Weeks of a plan and what they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    pub title: String,
    /// First and last week (1-based, inclusive) from the plan's start.
    pub weeks: (u32, u32),
    pub tasks: Vec<Task>,
}

/// One thing the new hire does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Unique within the plan.
    pub id: String,
    pub title: String,
    pub kind: TaskKind,
}

/// How a task is done, and how Klaxon knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TaskKind {
    /// The named checklist passes in full (Klaxon runs it).
    Checklist { name: String },
    /// This many pages shadowed since the plan started (the shadow log).
    ShadowPages { count: u32 },
    /// This many past incidents marked reviewed in Klaxon since the plan started.
    ReviewIncidents { count: u32 },
    /// These runbook links read (ticked by hand, one by one).
    Read { links: Vec<String> },
    /// A shift as primary with the mentor following (ticked by hand).
    ReverseShadow,
    /// The mentor signs off (ticked in the mentor's name).
    SignOff,
}

/// What Klaxon knows of a task's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Progress {
    pub done: u32,
    pub of: u32,
}

impl Progress {
    /// Whether the task is complete.
    pub fn complete(self) -> bool {
        self.done >= self.of
    }
}

impl Plan {
    /// The phase (1-based) the plan is in on `day`: 0 before it starts, past the last after it.
    pub fn week(&self, day: NaiveDate) -> i64 {
        let days = (day - self.start).num_days();
        if days < 0 { 0 } else { days / 7 + 1 }
    }

    /// The first task, in phase order, whose progress (from `progress`) is not complete.
    pub fn next(&self, progress: impl Fn(&Task) -> Progress) -> Option<(&Phase, &Task)> {
        self.phases.iter().flat_map(|p| p.tasks.iter().map(move |t| (p, t))).find(|(_, t)| !progress(t).complete())
    }
}
