//! The machine probes of readiness checklists: does a TCP port accept, does a name resolve (into
//! the expected networks), is a VPN interface up with its address, does a URL answer with a
//! certificate that lasts, does a command exit 0.
//!
//! Each probe is bounded by its timeout, never panics and answers with a [`Finding`]: an
//! [`Outcome`] and [`Evidence`] worded for a person ("connection refused", "certificate expires
//! in 3 days (2026-12-03)"). A failure is a finding, not an error. A bearer token never reaches
//! the evidence. The engine runs the other probe kinds (provider, contacts, …) itself.

mod dns;
mod evidence;
mod http;
mod interface;
mod tcp;

pub use dns::dns;
pub use http::{HttpProbeOptions, http};
pub use interface::interface;
pub use tcp::tcp;

use klaxon_core::checklist::{Evidence, Outcome};

/// What a probe found: its outcome and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub outcome: Outcome,
    pub evidence: Evidence,
}
