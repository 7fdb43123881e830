//! Readiness checklists as code: a TOML file per checklist (pre-shift, new-hire, …) whose items
//! each name one probe; the probes' outcomes with their evidence; and what a run of a checklist
//! amounts to. Pure: probes are carried out elsewhere (`klaxon-probes`, the engine).

mod examples;
mod parse;
mod record;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Duration;

pub use examples::{NEW_HIRE_EXAMPLE, PRE_SHIFT_EXAMPLE};
pub use parse::parse;
pub use record::{CheckRun, RunTrigger, Tick};

/// How long a probe may take unless its item says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest timeout an item may ask for (a test page waits for a person).
/// How long a phone probe waits for the Acknowledge by default (a person taps it).
pub const PHONE_TIMEOUT: Duration = Duration::from_secs(120);
/// The longest timeout an item may set.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(600);
/// How many probes of one run go at once unless the checklist says otherwise.
pub const DEFAULT_PARALLELISM: usize = 16;

/// One checklist, as parsed from its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    /// The file's stem (`pre-shift` for `checklists/pre-shift.toml`): how it is named everywhere.
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    /// Run automatically this long before each of my shifts (a pre-shift checklist).
    pub before_shift: Option<Duration>,
    /// How many probes run at once.
    pub parallelism: usize,
    pub items: Vec<Item>,
}

/// One thing to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Unique within the checklist; results and ticks are kept under it.
    pub id: String,
    pub title: String,
    /// What to do when it fails.
    pub help: Option<String>,
    /// A link to the runbook.
    pub runbook: Option<String>,
    /// A failing required item makes the checklist fail; an optional one only warns.
    pub required: bool,
    pub timeout: Duration,
    pub probe: Probe,
    /// 1-based line of the item in its file (for messages about it).
    pub line: usize,
}

/// How an item is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// `host:port` accepts a TCP connection.
    Tcp { host: String, port: u16 },
    /// `name` resolves (through `server`, else the system resolver), into one of `expect_in` when given.
    Dns { name: String, server: Option<SocketAddr>, expect_in: Vec<ipnet::IpNet> },
    /// A network interface matching `name` (a glob: `wg0`, `tun*`) is up, with an address in
    /// `address_in` when given.
    Interface { name: String, address_in: Option<ipnet::IpNet> },
    /// `url` answers one of `status`; with a bearer token from the OS keyring entry `token_key`;
    /// an https certificate valid for at least `cert_days` more days.
    Http { url: String, status: Vec<u16>, token_key: Option<String>, cert_days: u32 },
    /// `argv` exits 0 within the timeout (through `sh -c` only when `shell`).
    Command { argv: Vec<String>, shell: bool },
    /// Every platform account (or the one named) accepts its token and reaches its user by phone or push.
    Provider { account: Option<String> },
    /// Everyone I may call has `channel` in the team file; my own entry is complete.
    Contacts { channel: ContactChannel },
    /// I know my next shift within `within_days`, and nobody's shift in the next 24 h is uncovered.
    Schedule { within_days: u32 },
    /// A test page through every delivery path, then I confirm I heard and saw it.
    TestPage,
    /// A test push to the phone (ntfy) whose Acknowledge, tapped on the phone, comes back.
    Phone,
    /// The last `days` days' incidents and the open ones, reviewed by me.
    RecentIncidents { days: u32 },
    /// Ticked by hand; a tick stays valid for `valid_for`.
    Manual { valid_for: TickValidity },
}

impl Probe {
    /// The kind's name, as the file spells it.
    pub fn kind(&self) -> &'static str {
        match self {
            Probe::Tcp { .. } => "tcp",
            Probe::Dns { .. } => "dns",
            Probe::Interface { .. } => "interface",
            Probe::Http { .. } => "http",
            Probe::Command { .. } => "command",
            Probe::Provider { .. } => "provider",
            Probe::Contacts { .. } => "contacts",
            Probe::Schedule { .. } => "schedule",
            Probe::TestPage => "test_page",
            Probe::Phone => "phone",
            Probe::RecentIncidents { .. } => "recent_incidents",
            Probe::Manual { .. } => "manual",
        }
    }

    /// Whether a person answers it (a tick, a confirmation, a review) rather than a machine.
    pub fn needs_a_person(&self) -> bool {
        matches!(self, Probe::TestPage | Probe::Phone | Probe::RecentIncidents { .. } | Probe::Manual { .. })
    }
}

/// Which way of reaching people a contacts probe asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ContactChannel {
    Phone,
    Email,
    Chat,
}

/// How long a manual tick (or a confirmation) counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TickValidity {
    /// Until the end of the shift it was ticked for (or 24 h when I am not on call).
    Shift,
    /// This many days.
    Days(u32),
    /// For good (until ticked off again).
    Forever,
}

impl TickValidity {
    /// Whether a tick made at `ticked` still counts at `now`, given when the shift it was made
    /// for ends (`shift_end`, if I was on call or about to be).
    pub fn still_valid(self, ticked: DateTime<Utc>, shift_end: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        if ticked > now {
            return false; // a tick from the future (a clock set back) proves nothing
        }
        match self {
            TickValidity::Shift => now < shift_end.unwrap_or(ticked + chrono::Duration::hours(24)),
            TickValidity::Days(days) => now < ticked + chrono::Duration::days(i64::from(days)),
            TickValidity::Forever => true,
        }
    }
}

/// What a probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Outcome {
    Pass,
    /// Works, but not for long (a certificate about to expire) or an optional item failed.
    Warn,
    /// Waits for me: a tick, a confirmation, a review.
    NeedsYou,
    Fail,
}

/// What was checked, what came of it and how long it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Evidence {
    /// What was checked ("tcp vpn.internal:443").
    pub checked: String,
    /// What came of it ("connected in 12 ms", "timed out after 5 s", "connection refused").
    pub result: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub took_ms: u64,
}

/// One item's result in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemResult {
    pub item: String,
    pub outcome: Outcome,
    pub evidence: Evidence,
    pub at: DateTime<Utc>,
}

/// A probe's finding before the item's weight is applied.
pub fn weigh(item: &Item, outcome: Outcome) -> Outcome {
    match outcome {
        Outcome::Fail if !item.required => Outcome::Warn,
        other => other,
    }
}

/// What a checklist's results amount to: the worst outcome of its items (an item without a
/// result needs me), and the required items that fail.
pub fn summarize<'a>(checklist: &'a Checklist, results: &[ItemResult]) -> (Outcome, Vec<&'a Item>) {
    let mut worst = Outcome::Pass;
    let mut failing = Vec::new();
    for item in &checklist.items {
        let outcome = results.iter().find(|r| r.item == item.id).map_or(Outcome::NeedsYou, |r| weigh(item, r.outcome));
        if outcome == Outcome::Fail {
            failing.push(item);
        }
        worst = worst.max(outcome);
    }
    (worst, failing)
}
