//! What a press of a phone button did.

use klaxon_core::IncidentId;
use klaxon_core::phone::PhoneAction;
use serde::{Deserialize, Serialize};

/// The outcome of one message on the reply topic that carried a valid capability. (Forged,
/// altered, expired and replayed ones are refused with an error, and logged.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PhonePressed {
    /// Carried out, as any other action (platform incidents through the outbox).
    Done { incident: IncidentId, action: PhoneAction },
    /// This very message was carried out before (a resumed stream shows it again).
    AlreadyDone,
    /// Genuine, but the page it answers is over: answered elsewhere, re-triggered, escalated
    /// or no longer mine. Nothing changes.
    Stale { incident: IncidentId, reason: String },
    /// The answer to a test push (`klaxon phone test` waits for it); nothing to carry out.
    Test,
}
