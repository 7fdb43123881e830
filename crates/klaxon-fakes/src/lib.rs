//! Fakes of the paging platforms Klaxon talks to, and an ntfy-compatible push server (see
//! [`ntfy`]), as real HTTP servers on loopback: stateful (actions change what later requests
//! see), recording every request, and able to misbehave on cue (rate limits, 5xx, slow answers,
//! reset connections, malformed or truncated JSON, revoked tokens). Used by adapter tests,
//! engine tests, end-to-end tests and benchmarks.

pub mod faults;
pub mod goalert;
pub mod grafana_oncall;
pub mod model;
pub mod ntfy;
pub mod overrides;
pub mod pagerduty;
pub mod server;

pub use faults::{Fault, Faults};
pub use model::{FakeIncident, FakeOverride, FakePolicy, FakeSchedule, FakeStatus, FakeUser, Platform, Shared, Write};
pub use overrides::Refusal;
pub use server::{FakeServer, Recorded};
