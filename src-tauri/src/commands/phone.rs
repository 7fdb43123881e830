//! The phone: where pages are pushed through ntfy, its access token, and a timed test push.

use super::signature::commands;
use crate::AppState;
use klaxon_engine::control::{GetPhone, SetPhone, SuggestPhone, TestPhone, WireSecret};
use klaxon_engine::core::Secret;
use klaxon_engine::core::phone::PhoneSettings;
use klaxon_engine::phone::{PhoneView, RoundTrip};
use tauri::State;

commands! {
    /// Where pages go to the phone, its QR code, and whether an access token is kept (never the
    /// token itself).
    pub async fn get_phone[state: State<'_, AppState>]() -> PhoneView {
        state.call(GetPhone {}).await
    }

    /// Settings to start from: ntfy.sh and a fresh unguessable topic (nothing saved).
    pub async fn suggest_phone[state: State<'_, AppState>]() -> PhoneSettings {
        state.call(SuggestPhone {}).await
    }

    /// Chooses where pages go to the phone (`null`: nowhere; refused while the team file has
    /// `[phone]`). `token`: keep this ntfy access token in the OS keyring (`""`: forget it;
    /// `null`: leave it); it is wrapped in a `Secret` as it is deserialized and never returned.
    pub async fn set_phone[state: State<'_, AppState>](
        settings: Option<PhoneSettings>,
        token: Option<Secret> as "string | null",
    ) -> PhoneView {
        let token = token.as_ref().map(WireSecret::from_secret);
        state.call(SetPhone { settings, token }).await
    }

    /// Pushes a test page to the phone and waits up to `seconds` (at most 120) for its
    /// Acknowledge: the round trip, timed.
    pub async fn test_phone[state: State<'_, AppState>](seconds: u32) -> RoundTrip {
        state.call(TestPhone { seconds }).await
    }
}
