//! "Cover my shift" as a GoAlert user override of the replace kind: `createUserOverride` with
//! the colleague as `addUserID` and me as `removeUserID`, so the colleague takes my shifts on the
//! schedule for the range (and only mine). `userOverrides` on the schedule tells whether one is
//! there. GoAlert itself refuses a second override of the same people over the same time ("cannot
//! override the same user twice at the same time"), and overrides that end in the past.

use super::GoAlert;
use super::queries::{CREATE_USER_OVERRIDE, USER_OVERRIDES};
use super::wire::{CreateUserOverrideData, UserOverridesData};
use crate::ProviderError;
use klaxon_core::RemoteUser;
use klaxon_core::remote::ScheduleCover;
use serde_json::json;

impl GoAlert {
    /// Creates the override; returns its id.
    pub(super) async fn create_override(
        &self,
        me: &RemoteUser,
        cover: &ScheduleCover,
    ) -> Result<String, ProviderError> {
        cover.check()?;
        let input = json!({ "input": {
            "scheduleID": cover.schedule_id,
            "addUserID": cover.user_id,
            "removeUserID": me.id,
            "start": cover.start.to_rfc3339(),
            "end": cover.end.to_rfc3339(),
        }});
        let data: CreateUserOverrideData = self.gql.run(CREATE_USER_OVERRIDE, input).await?;
        data.create_user_override
            .map(|o| o.id)
            .ok_or_else(|| ProviderError::Malformed("GoAlert created no override and said nothing".into()))
    }

    /// Whether the schedule has an override of me by `cover`'s person over (to the minute) its range.
    pub(super) async fn has_override(&self, me: &RemoteUser, cover: &ScheduleCover) -> Result<bool, ProviderError> {
        cover.check()?;
        let input = json!({
            "scheduleID": cover.schedule_id,
            "filterAddUserID": [cover.user_id],
            "filterRemoveUserID": [me.id],
            "start": cover.start.to_rfc3339(),
            "end": cover.end.to_rfc3339(),
            "first": super::PAGE,
        });
        let pick = |d: UserOverridesData| d.user_overrides;
        let found = self.gql.all_pages(USER_OVERRIDES, json!({}), input, pick).await?;
        Ok(found.iter().any(|o| o.remove_user_id == me.id && cover.is(&o.add_user_id, o.start, o.end)))
    }
}
