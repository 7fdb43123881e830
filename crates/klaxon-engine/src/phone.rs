//! The phone as one more delivery path: pages pushed through an ntfy server (self-hosted or
//! ntfy.sh), answered by the buttons of the phone's notification.
//!
//! The engine decides (when to push, what it says, who answered, what a reply may do) and owns
//! the keys; the network side is a port, [`PhoneChannel`], that `klaxon-ntfy` implements. Replies
//! reach the engine through the dispatcher like every other way in (`PhonePress`).

mod press;
mod pusher;
mod qr;
mod round_trip;
pub(crate) mod settings;
mod words;

pub use press::PhonePressed;
pub(crate) use pusher::PhonePusher;
pub use qr::{qr_svg, qr_text};
pub use round_trip::{TEST_INCIDENT, round_trip};
pub use settings::{PhoneSource, PhoneView, capability_key, set_token, token};

use klaxon_core::Secret;
use klaxon_core::phone::{Capability, PhoneSettings, Publication};
use std::time::Duration;

/// Keyring entry of the ntfy access token (optional; never in the team file).
pub const PHONE_TOKEN_KEY: &str = "phone.token";
/// Keyring entry of the key capabilities are signed with.
pub const PHONE_KEY: &str = "phone.capability-key";
/// How long one publish may take before it counts as failed.
pub const PUBLISH_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a test round trip waits for the phone's Acknowledge.
pub const ROUND_TRIP_TIMEOUT: Duration = Duration::from_secs(120);

/// A test push's round trip, as measured.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoundTrip {
    /// From sending the push to the server taking it.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub publish_ms: u64,
    /// From the server taking it to the Acknowledge coming back.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub answer_ms: u64,
}

/// What a test push needs to know to recognise its answer.
#[derive(Debug)]
pub struct TestPush<'a> {
    pub settings: &'a PhoneSettings,
    pub token: Option<&'a Secret>,
    pub message: &'a Publication,
    /// The capability its Acknowledge carries, and the key it is signed with.
    pub capability: &'a Capability,
    pub key: &'a [u8],
    pub timeout: Duration,
}

/// The network side of the phone: publishing to an ntfy server (`klaxon-ntfy`).
#[async_trait::async_trait]
pub trait PhoneChannel: Send + Sync + std::fmt::Debug + 'static {
    /// Publishes one message to `server` (with the access token, if any); `Err` says why not.
    async fn publish(&self, server: &str, token: Option<&Secret>, message: &Publication) -> Result<(), String>;
    /// Publishes a test push and waits for its Acknowledge on the reply topic.
    async fn round_trip(&self, test: TestPush<'_>) -> Result<RoundTrip, String>;
}

/// Whether the desktop session is locked or idle (the desktop's screensaver, over D-Bus).
#[async_trait::async_trait]
pub trait ScreenLock: Send + Sync + 'static {
    /// `Err` when no screensaver answers: then pushes wait for `after` as usual.
    async fn away(&self) -> Result<bool, String>;
}

/// A fresh random capability key (256 bits, hex).
fn new_key() -> Secret {
    klaxon_secrets::generate_token()
}

/// 16 random bytes (nonces, topics).
pub fn random_16() -> [u8; 16] {
    rand::random()
}

/// Settings to start from: ntfy.sh, a fresh unguessable topic, pushed at once (and at once while
/// locked, should `after` be set later).
pub fn suggested_settings() -> PhoneSettings {
    PhoneSettings {
        server: klaxon_core::phone::DEFAULT_SERVER.to_owned(),
        topic: klaxon_core::phone::topic_from(random_16()),
        after_secs: 0,
        when_locked: true,
        details: false,
    }
}
