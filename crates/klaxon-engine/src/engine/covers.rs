//! Overrides through the engine: a team-file schedule's at once, a platform's (named
//! `ACCOUNT:SCHEDULE_ID`) queued for that account's outbox, which is woken.

use super::Engine;
use crate::EngineError;
use chrono::{DateTime, Utc};
use klaxon_core::OverrideEntry;

impl Engine {
    /// `person` covers `schedule` (a team-file schedule's `layer`, the first when `None`; or a
    /// platform's `ACCOUNT:SCHEDULE_ID`, `person` then being the platform's user id) over
    /// `[start, end)`.
    pub async fn add_override(
        &self,
        schedule: &str,
        layer: Option<&str>,
        person: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<OverrideEntry, EngineError> {
        let o = self.klaxon.add_any_override(schedule, layer, person, start, end).await?;
        if o.account != klaxon_core::LOCAL_ACCOUNT {
            self.runners.wake_outbox(Some(&o.account));
        }
        Ok(o)
    }
}
