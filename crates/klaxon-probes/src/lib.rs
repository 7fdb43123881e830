//! The machine probes of readiness checklists: does a TCP port accept, does a name resolve (into
//! the expected networks), is a VPN interface up with its address, does a URL answer with a
//! certificate that lasts, does a command exit 0.
//!
//! Each probe is bounded by its timeout, never panics and answers with a [`Finding`]: an
//! [`Outcome`] and [`Evidence`] worded for a person ("connection refused", "certificate expires
//! in 3 days (2026-12-03)"). A failure is a finding, not an error. A bearer token never reaches
//! the evidence. The engine runs the other probe kinds (provider, contacts, …) itself.

mod command;
mod dns;
mod evidence;
mod http;
mod interface;
mod tcp;

pub use command::command;
pub use dns::dns;
pub use http::{HttpProbeOptions, http};
pub use interface::interface;
pub use tcp::tcp;

use klaxon_core::Secret;
use klaxon_core::checklist::{Evidence, Outcome, Probe};
use std::time::Duration;

/// What a probe found: its outcome and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub outcome: Outcome,
    pub evidence: Evidence,
}

/// Carries out `probe` if it is one of the five machine probes; `None` for the kinds the engine
/// answers itself (provider, contacts, schedule, test_page, phone, recent_incidents,
/// manual). An http
/// probe's token comes in resolved (the engine reads it from the OS keyring).
pub async fn run(probe: &Probe, timeout: Duration, token: Option<&Secret>, opts: &HttpProbeOptions) -> Option<Finding> {
    Some(match probe {
        Probe::Tcp { host, port } => tcp(host, *port, timeout).await,
        Probe::Dns { name, server, expect_in } => dns(name, *server, expect_in, timeout).await,
        Probe::Interface { name, address_in } => interface(name, *address_in).await,
        Probe::Http { url, status, token_key: _, cert_days } => {
            http(url, status, token, *cert_days, timeout, opts).await
        }
        Probe::Command { argv, shell } => command(argv, *shell, timeout).await,
        Probe::Provider { .. }
        | Probe::Contacts { .. }
        | Probe::Schedule { .. }
        | Probe::TestPage
        | Probe::Phone
        | Probe::RecentIncidents { .. }
        | Probe::Manual { .. } => return None,
    })
}
