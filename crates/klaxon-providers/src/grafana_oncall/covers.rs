//! "Cover my shift" on Grafana OnCall / IRM: a shift swap request that the colleague takes.
//!
//! OnCall's public API offers two ways to put someone else on a schedule, and Klaxon uses the
//! shift swap (`POST /api/v1/shift_swaps/` with me as `beneficiary`, then
//! `POST /api/v1/shift_swaps/{id}/take` with the colleague as `benefactor`):
//! - it is OnCall's own "cover my shift": the final schedule (and so `final_shifts` and who is
//!   paged) gives the colleague exactly my shifts in the range, on every kind of schedule;
//! - the other way, an override shift (`POST /api/v1/on_call_shifts/` with `type: override`),
//!   can only be attached to a web schedule by `PUT`ting the schedule's whole `shifts` list (a
//!   read-modify-write that would drop a rotation someone added meanwhile); calendar schedules
//!   refuse override shifts and iCal schedules take no shifts at all.
//!
//! OnCall only takes swaps that start in the future: a cover that has already begun is refused by
//! the platform ("swap_start must be a datetime in the future"). A request left open by a lost
//! answer or a failed take is found again and taken, never made twice; one the colleague cannot
//! take (unknown user) is withdrawn.

use super::GrafanaOncall;
use super::schedules::path_segment;
use super::wire::{NewShiftSwap, ShiftSwap, TakeShiftSwap};
use crate::ProviderError;
use chrono::SecondsFormat;
use klaxon_core::RemoteUser;
use klaxon_core::remote::ScheduleCover;

const SWAPS: &str = "api/v1/shift_swaps/";

impl GrafanaOncall {
    /// Asks for the swap (unless an open one for the range is there) and has the colleague take
    /// it; returns the swap request's id.
    pub(super) async fn create_swap(&self, me: &RemoteUser, cover: &ScheduleCover) -> Result<String, ProviderError> {
        cover.check()?;
        let mine = self.my_swaps(me, cover).await?;
        if let Some(taken) = mine.iter().find(|s| s.benefactor.as_deref() == Some(cover.user_id.as_str())) {
            return Ok(taken.id.clone());
        }
        let open = mine.into_iter().find(|s| s.benefactor.is_none() && s.status.as_deref() == Some("open"));
        let swap = match open {
            Some(open) => open,
            None => {
                let asked = NewShiftSwap {
                    schedule: &cover.schedule_id,
                    swap_start: cover.start.to_rfc3339_opts(SecondsFormat::Secs, true),
                    swap_end: cover.end.to_rfc3339_opts(SecondsFormat::Secs, true),
                    beneficiary: &me.id,
                    description: "Covered through Klaxon",
                };
                self.client.create::<_, ShiftSwap>(SWAPS, &asked).await?
            }
        };
        let id = path_segment(&swap.id)?;
        let take = TakeShiftSwap { benefactor: &cover.user_id };
        match self.client.create::<_, ShiftSwap>(&format!("{SWAPS}{id}/take"), &take).await {
            Ok(taken) => Ok(taken.id),
            Err(refused) if !refused.is_transient() => {
                // Nobody was asked to take it; an open request would only invite others to.
                if let Err(e) = self.client.delete(&format!("{SWAPS}{id}/")).await {
                    tracing::warn!(swap = id, "could not withdraw a shift swap request nobody can take: {e}");
                }
                Err(refused)
            }
            Err(transient) => Err(transient),
        }
    }

    /// Whether the colleague has taken a swap of my shifts on the schedule for (to the minute)
    /// the cover's range.
    pub(super) async fn has_swap(&self, me: &RemoteUser, cover: &ScheduleCover) -> Result<bool, ProviderError> {
        cover.check()?;
        let mine = self.my_swaps(me, cover).await?;
        Ok(mine.iter().any(|s| {
            s.status.as_deref() != Some("deleted")
                && s.benefactor.as_deref().is_some_and(|b| cover.is(b, s.swap_start, s.swap_end))
        }))
    }

    /// My swap requests on the cover's schedule over its range (the list only shows requests
    /// starting after `starting_after`, now by default).
    async fn my_swaps(&self, me: &RemoteUser, cover: &ScheduleCover) -> Result<Vec<ShiftSwap>, ProviderError> {
        let after = (cover.start - ScheduleCover::SLACK).to_rfc3339_opts(SecondsFormat::Secs, true);
        let query = [("schedule_id", cover.schedule_id.as_str()), ("beneficiary", &me.id), ("starting_after", &after)];
        let listed: Vec<ShiftSwap> = self.client.list(SWAPS, &query).await?;
        Ok(listed.into_iter().filter(|s| s.beneficiary == me.id && cover.spans(s.swap_start, s.swap_end)).collect())
    }
}
