//! What is kept of checklists between runs: runs with their trigger, manual ticks.

use super::Outcome;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why a checklist ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RunTrigger {
    /// Someone asked (the CLI, the app).
    Asked,
    /// The pager, ahead of one of my shifts.
    PreShift,
}

impl RunTrigger {
    /// The canonical label.
    pub fn as_str(self) -> &'static str {
        match self {
            RunTrigger::Asked => "asked",
            RunTrigger::PreShift => "pre_shift",
        }
    }

    /// Parses the canonical label.
    pub fn parse(s: &str) -> Option<Self> {
        [RunTrigger::Asked, RunTrigger::PreShift].into_iter().find(|t| t.as_str() == s)
    }
}

impl Outcome {
    /// The canonical label.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::NeedsYou => "needs_you",
            Outcome::Fail => "fail",
        }
    }

    /// Parses the canonical label.
    pub fn parse(s: &str) -> Option<Self> {
        [Outcome::Pass, Outcome::Warn, Outcome::NeedsYou, Outcome::Fail].into_iter().find(|o| o.as_str() == s)
    }
}

/// One run of a checklist, as its history lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckRun {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub checklist: String,
    pub trigger: RunTrigger,
    /// The start of the shift a pre-shift run was for.
    pub shift_start: Option<DateTime<Utc>>,
    pub started_at: DateTime<Utc>,
    /// None while it runs (or if the process died during it).
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
}

/// A manual item ticked (or unticked) by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tick {
    pub checklist: String,
    pub item: String,
    pub at: DateTime<Utc>,
    /// False: the tick was taken back.
    pub ticked: bool,
    pub note: Option<String>,
}
