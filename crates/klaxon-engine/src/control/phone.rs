//! The dispatcher's phone calls: settings, the phone's replies, and the test round trip.

use super::calls::{GetPhone, PhonePress, SetPhone, SuggestPhone, TestPhone};
use super::{Dispatcher, IpcError};
use crate::phone::{PhonePressed, PhoneView, ROUND_TRIP_TIMEOUT, RoundTrip};
use klaxon_core::phone::PhoneSettings;
use std::time::Duration;

impl Dispatcher {
    pub(super) async fn phone(&self, _: GetPhone) -> Result<PhoneView, IpcError> {
        Ok(self.engine().phone_view().await?)
    }

    pub(super) async fn suggest_phone(&self, _: SuggestPhone) -> Result<PhoneSettings, IpcError> {
        Ok(crate::phone::suggested_settings())
    }

    pub(super) async fn set_phone(&self, c: SetPhone) -> Result<PhoneView, IpcError> {
        Ok(self.engine().set_phone(c.settings, c.token.map(super::WireSecret::into_secret)).await?)
    }

    pub(super) async fn phone_press(&self, c: PhonePress) -> Result<PhonePressed, IpcError> {
        Ok(self.engine().phone_press(&c.message_id, &c.body).await?)
    }

    pub(super) async fn test_phone(&self, c: TestPhone) -> Result<RoundTrip, IpcError> {
        let wait = Duration::from_secs(u64::from(c.seconds)).min(ROUND_TRIP_TIMEOUT);
        Ok(self.engine().phone_round_trip(wait).await?)
    }
}
