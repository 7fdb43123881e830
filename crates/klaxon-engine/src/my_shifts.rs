//! My shifts, wherever they are kept: the team file's schedules (every layer, with overrides and
//! imported calendars) and every platform account's cached schedules (where the shift's person is
//! the account's user).

use crate::{EngineError, Klaxon};
use chrono::{DateTime, Utc};

impl Klaxon {
    /// My shifts overlapping `[from, to)`, as (start, end), in start order, overlaps merged.
    pub async fn my_shifts(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>, EngineError> {
        let team = self.team();
        let roster = self.store().roster().await?;
        let mut shifts: Vec<(DateTime<Utc>, DateTime<Utc>)> = team
            .schedules
            .iter()
            .flat_map(|s| s.shifts_of(&team.me, from, to, &roster))
            .map(|(start, end, _)| (start, end))
            .collect();
        for (account, shift) in self.store().shifts(from, to).await? {
            let me = self.me_for(&account).await?;
            if !me.is_empty() && shift.person_id == me {
                shifts.push((shift.start, shift.end));
            }
        }
        shifts.sort();
        let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::with_capacity(shifts.len());
        for (start, end) in shifts {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        Ok(merged)
    }

    /// When the shift a tick made at `at` was for ends: the shift under way then, or one starting
    /// within 12 hours (ticked while getting ready). `None` when there is none.
    pub async fn shift_end_for(&self, at: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, EngineError> {
        let shifts = self.my_shifts(at, at + chrono::Duration::hours(12)).await?;
        Ok(shifts.iter().find(|(_, end)| *end > at).map(|(_, end)| *end))
    }
}
