//! The phone: pages pushed through an ntfy server, answered from the phone's notification.
//!
//! Pure parts only: the settings, when a page goes to the phone ([`push_due`]), what the push
//! says ([`publication`]), and the signed capabilities its buttons carry ([`Capability`]).

mod capability;
mod message;
#[cfg(test)]
mod tests;

pub use capability::{CAPABILITY_LIFETIME, Capability, CapabilityError, PhoneAction};
pub use message::{Publication, PushAction, follow_up, publication, test_publication};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The longest `after`: a page unanswered for longer has long escalated.
pub const MAX_PUSH_DELAY: Duration = Duration::from_secs(3600);
/// The public ntfy server, for `klaxon phone setup` without `--server`.
pub const DEFAULT_SERVER: &str = "https://ntfy.sh";
/// Appended to the page topic to name the topic the phone's buttons post to.
pub const REPLY_SUFFIX: &str = "-reply";
/// The longest topic: ntfy allows 64 characters, and the reply topic adds [`REPLY_SUFFIX`].
pub const MAX_TOPIC: usize = 64 - REPLY_SUFFIX.len();

/// Where and when pages go to the phone (`[phone]` in the team file, or Settings → Phone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PhoneSettings {
    /// The ntfy server's base URL (`https://ntfy.sh`, or a self-hosted one), no trailing slash.
    pub server: String,
    /// The topic pages are published to (the phone's ntfy app subscribes to it).
    pub topic: String,
    /// Seconds a page stays unanswered on the laptop before it goes to the phone (0: at once).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub after_secs: u64,
    /// Push at once while the screen is locked or the session idle.
    pub when_locked: bool,
    /// Include the incident's text and labels (topics are public by name on shared servers).
    pub details: bool,
}

impl PhoneSettings {
    /// The topic the phone's Acknowledge / Escalate buttons post to.
    pub fn reply_topic(&self) -> String {
        format!("{}{REPLY_SUFFIX}", self.topic)
    }

    /// How long a page waits on the laptop first.
    pub fn after(&self) -> Duration {
        Duration::from_secs(self.after_secs)
    }

    /// Checks every field; the error names the field.
    pub fn validate(&self) -> Result<(), String> {
        validate_server(&self.server).map_err(|e| format!("server: {e}"))?;
        validate_topic(&self.topic).map_err(|e| format!("topic: {e}"))?;
        if self.after() > MAX_PUSH_DELAY {
            return Err(format!("after: at most {} s", MAX_PUSH_DELAY.as_secs()));
        }
        Ok(())
    }
}

/// A server URL ntfy's app can subscribe to: http(s), a host, no query or fragment.
pub fn validate_server(server: &str) -> Result<(), String> {
    let url = url::Url::parse(server).map_err(|e| format!("`{server}` is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{server}` must start with https:// (or http://)"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{server}` has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(format!("`{server}` must be the server's address only (no user, query or #)"));
    }
    Ok(())
}

/// The server URL as published to: no trailing slash.
pub fn normalize_server(server: &str) -> String {
    server.trim().trim_end_matches('/').to_owned()
}

/// A topic name ntfy accepts (letters, digits, `-`, `_`), short enough for its reply topic.
pub fn validate_topic(topic: &str) -> Result<(), String> {
    if topic.is_empty() || topic.len() > MAX_TOPIC {
        return Err(format!("must be 1 to {MAX_TOPIC} characters"));
    }
    if let Some(c) = topic.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(format!("`{c}` is not allowed (letters, digits, - and _ only)"));
    }
    Ok(())
}

/// A fresh topic from 16 random bytes: 128 bits, base32 (26 characters), unguessable.
pub fn topic_from(random: [u8; 16]) -> String {
    data_encoding::BASE32_NOPAD.encode(&random)
}

/// When a page first shown at `paged_at` goes to the phone, as of `now`: `Some(now)` or
/// earlier means now. `away`: the screen is locked or the session idle (unknown: not away).
pub fn push_due(settings: &PhoneSettings, paged_at: DateTime<Utc>, away: bool) -> DateTime<Utc> {
    if away && settings.when_locked {
        return paged_at;
    }
    paged_at + chrono::Duration::from_std(settings.after()).unwrap_or_else(|_| chrono::Duration::hours(1))
}
