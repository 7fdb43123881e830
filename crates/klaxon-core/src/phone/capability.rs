//! What the phone's buttons post: a capability to do one action on one trigger of one incident
//! until it expires, signed with HMAC-SHA256 under a key only this machine holds.
//!
//! Wire form (ASCII, one line): `kx1.<action>.<incident>.<trigger>.<expires>.<nonce>.<mac>`,
//! the MAC (hex) over everything before it. Anyone can post to a public topic; only a body this
//! key signed, unaltered, unexpired and not used before, does anything.

use crate::IncidentId;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How long a pushed page's buttons work.
pub const CAPABILITY_LIFETIME: std::time::Duration = std::time::Duration::from_secs(12 * 3600);
/// Version prefix of the wire form.
const PREFIX: &str = "kx1";
/// The longest body looked at (a real one is about 130 bytes).
const MAX_BODY: usize = 512;

/// What a phone button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PhoneAction {
    Acknowledge,
    Escalate,
}

impl PhoneAction {
    fn code(self) -> &'static str {
        match self {
            PhoneAction::Acknowledge => "ack",
            PhoneAction::Escalate => "esc",
        }
    }

    /// What it did, for the timeline ("Acknowledged").
    pub fn label_past(self) -> &'static str {
        match self {
            PhoneAction::Acknowledge => "Acknowledged",
            PhoneAction::Escalate => "Escalated",
        }
    }

    /// The button's label.
    pub fn label(self) -> &'static str {
        match self {
            PhoneAction::Acknowledge => "Acknowledge",
            PhoneAction::Escalate => "Escalate",
        }
    }
}

/// One signed permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    pub incident: IncidentId,
    /// The trigger it answers: a later trigger (or an escalation) needs a new page.
    pub trigger: u32,
    pub action: PhoneAction,
    pub expires: DateTime<Utc>,
    /// Random, unique per capability (hex): what "already used" is remembered by.
    pub nonce: String,
}

/// Why a body is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapabilityError {
    #[error("not a Klaxon capability")]
    Malformed,
    #[error("forged or altered (signature does not match)")]
    Forged,
    #[error("expired at {0}")]
    Expired(DateTime<Utc>),
}

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
}

impl Capability {
    /// A capability for `action` on this trigger, valid until `expires`; `nonce` must be fresh.
    pub fn new(
        incident: IncidentId,
        trigger: u32,
        action: PhoneAction,
        expires: DateTime<Utc>,
        nonce: [u8; 16],
    ) -> Self {
        Self { incident, trigger, action, expires, nonce: data_encoding::HEXLOWER.encode(&nonce) }
    }

    fn signed_part(&self) -> String {
        let Self { incident, trigger, action, expires, nonce } = self;
        format!("{PREFIX}.{}.{}.{trigger}.{}.{nonce}", action.code(), incident.0, expires.timestamp())
    }

    /// The wire form, signed with `key`.
    pub fn sign(&self, key: &[u8]) -> String {
        let part = self.signed_part();
        let mut m = mac(key);
        m.update(part.as_bytes());
        format!("{part}.{}", data_encoding::HEXLOWER.encode(&m.finalize().into_bytes()))
    }

    /// Reads and checks a posted body: well-formed, signed with `key`, not expired at `now`.
    /// (Whether it was used before is the store's to say.)
    pub fn verify(body: &str, key: &[u8], now: DateTime<Utc>) -> Result<Self, CapabilityError> {
        let body = body.trim();
        if body.len() > MAX_BODY {
            return Err(CapabilityError::Malformed);
        }
        let (part, tag) = body.rsplit_once('.').ok_or(CapabilityError::Malformed)?;
        let tag = data_encoding::HEXLOWER_PERMISSIVE.decode(tag.as_bytes()).map_err(|_| CapabilityError::Malformed)?;
        let capability = Self::parse(part).ok_or(CapabilityError::Malformed)?;
        let mut m = mac(key);
        m.update(part.as_bytes());
        m.verify_slice(&tag).map_err(|_| CapabilityError::Forged)?;
        if capability.expires <= now {
            return Err(CapabilityError::Expired(capability.expires));
        }
        Ok(capability)
    }

    fn parse(part: &str) -> Option<Self> {
        let fields: Vec<&str> = part.split('.').collect();
        let [PREFIX, action, incident, trigger, expires, nonce] = fields.as_slice() else { return None };
        let action = match *action {
            "ack" => PhoneAction::Acknowledge,
            "esc" => PhoneAction::Escalate,
            _ => return None,
        };
        let expires = DateTime::from_timestamp(expires.parse().ok()?, 0)?;
        if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(Self {
            incident: IncidentId(incident.parse().ok()?),
            trigger: trigger.parse().ok()?,
            action,
            expires,
            nonce: (*nonce).to_owned(),
        })
    }
}
