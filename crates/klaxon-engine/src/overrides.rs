//! Overrides of the team file's schedules ("Sam covers my shift"), checked against the team
//! file before they are kept; and the schedules as they stand at a moment.

use crate::{EngineError, Klaxon};
use chrono::{DateTime, TimeDelta, Utc};
use klaxon_core::{LOCAL_ACCOUNT, Override, OverrideEntry, Rendered};

/// The longest override: longer is a change of the rotation, made in the team file.
pub const MAX_OVERRIDE: TimeDelta = TimeDelta::days(90);

impl Klaxon {
    /// Keeps an override: `person` holds `layer` (the first when `None`) of team-file schedule
    /// `schedule` over `[start, end)`.
    pub async fn add_override(
        &self,
        schedule: &str,
        layer: Option<&str>,
        person: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<OverrideEntry, EngineError> {
        let team = self.team();
        let Some(s) = team.schedule(schedule) else {
            let known: Vec<&str> = team.schedules.iter().map(|s| s.id.as_str()).collect();
            return Err(EngineError::InvalidInput(format!(
                "schedule: no team-file schedule `{schedule}` (known: {}); a platform's is ACCOUNT:SCHEDULE_ID",
                if known.is_empty() { "none".to_owned() } else { known.join(", ") }
            )));
        };
        if let Some(l) = layer.filter(|l| s.layer(l).is_none()) {
            return Err(EngineError::InvalidInput(format!("layer: schedule `{schedule}` has no layer `{l}`")));
        }
        if team.person(person).is_none() {
            return Err(EngineError::InvalidInput(format!("who: no person `{person}` in the team file")));
        }
        if end <= start {
            return Err(EngineError::InvalidInput("to: the override must end after it starts".into()));
        }
        if end - start > MAX_OVERRIDE {
            return Err(EngineError::InvalidInput("to: an override lasts at most 90 days".into()));
        }
        let cover = Override {
            id: 0,
            schedule: schedule.to_owned(),
            layer: layer.map(str::to_owned),
            person: person.to_owned(),
            start,
            end,
            created_by: Some(team.me.clone()),
        };
        Ok(self.store().add_override(LOCAL_ACCOUNT, &cover, Utc::now()).await?)
    }

    /// Overrides not yet over, by start.
    pub async fn overrides(&self) -> Result<Vec<OverrideEntry>, EngineError> {
        Ok(self.store().overrides(Utc::now()).await?)
    }

    /// Removes an override (a platform's only before it was sent).
    pub async fn remove_override(&self, id: i64) -> Result<OverrideEntry, EngineError> {
        Ok(self.store().remove_override(id).await?)
    }

    /// Every team-file schedule rendered over `[from, to)`, with its overrides and calendars.
    pub async fn render_schedules(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Rendered>, EngineError> {
        let roster = self.store().roster().await?;
        Ok(self.team().schedules.iter().map(|s| s.render(from, to, &roster)).collect())
    }
}
