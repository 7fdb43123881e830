//! Acknowledge, resolve, silence, resolution notes and direct paging on an alert group, and how to
//! tell afterwards from the platform's state whether one of them took effect.

use super::GrafanaOncall;
use super::chains::Routing;
use super::wire::{AlertGroup, Escalation, NewNote, PagedUser, ResolutionNote, Silence, State};
use crate::{Provider, ProviderError};
use chrono::{DateTime, Duration, Utc};
use klaxon_core::{Action, RemoteUser};

/// How far the platform's clock may be behind ours when matching a note or a silence to the
/// action that made it.
const CLOCK_SKEW: Duration = Duration::seconds(30);

impl GrafanaOncall {
    /// Carries out `action` (see the module documentation for Snooze and Escalate).
    pub(super) async fn act(&self, id: &str, action: &Action) -> Result<(), ProviderError> {
        self.supports(action.kind())?;
        let group = group_path(id)?;
        match action {
            Action::Acknowledge => self.client.post::<()>(&format!("{group}acknowledge/"), None).await,
            Action::Resolve => self.client.post::<()>(&format!("{group}resolve/"), None).await,
            Action::Snooze { minutes } => {
                // OnCall refuses to silence an acknowledged group; un-acknowledging first is what
                // its own UI does (the model un-acknowledges inside silence).
                if self.alert_group(id).await?.state == State::Acknowledged {
                    self.client.post::<()>(&format!("{group}unacknowledge/"), None).await?;
                }
                let delay = i64::from(*minutes) * 60;
                self.client.post(&format!("{group}silence/"), Some(&Silence { delay })).await
            }
            Action::Note { text } => {
                self.client.post("api/v1/resolution_notes/", Some(&NewNote { alert_group_id: id, text })).await
            }
            Action::Escalate { to_level } => self.page_level(id, *to_level).await,
            Action::Reassign { .. } => Err(ProviderError::Unsupported("Grafana OnCall cannot reassign an alert group")),
        }
    }

    /// Whether `action`, taken at `taken_at`, shows in the alert group's current state.
    pub(super) async fn applied(
        &self,
        me: &RemoteUser,
        id: &str,
        action: &Action,
        taken_at: DateTime<Utc>,
    ) -> Result<bool, ProviderError> {
        self.supports(action.kind())?;
        if let Action::Note { text } = action {
            let notes: Vec<ResolutionNote> =
                self.client.list("api/v1/resolution_notes/", &[("alert_group_id", id)]).await?;
            return Ok(notes.iter().any(|n| {
                n.author.as_deref() == Some(me.id.as_str())
                    && n.text.trim() == text.trim()
                    && n.created_at >= taken_at - CLOCK_SKEW
            }));
        }
        let g = self.alert_group(id).await?;
        Ok(match action {
            Action::Acknowledge => g.state != State::Firing,
            Action::Resolve => g.state == State::Resolved,
            // Direct paging leaves no trace in the public API; an answered or closed group no
            // longer needs it. A page whose answer was lost is sent again (paged twice, not never).
            Action::Escalate { .. } => g.state != State::Firing,
            Action::Snooze { .. } => {
                g.state == State::Silenced && g.silenced_at.is_some_and(|at| at >= taken_at - CLOCK_SKEW)
            }
            Action::Note { .. } | Action::Reassign { .. } => false,
        })
    }

    /// One alert group.
    pub(super) async fn alert_group(&self, id: &str) -> Result<AlertGroup, ProviderError> {
        self.client.get(&group_path(id)?, &[]).await
    }

    /// Escalate: page, on this alert group, whoever level `to_level` of its route's escalation
    /// chain reaches now (OnCall has no "next step" action; direct paging is how a responder
    /// pulls more people in).
    async fn page_level(&self, id: &str, to_level: u32) -> Result<(), ProviderError> {
        let g = self.alert_group(id).await?;
        if g.state == State::Resolved {
            return Err(ProviderError::InvalidState("the alert group is resolved; there is nobody to page".into()));
        }
        let routing = Routing::fetch(&self.client).await?;
        let Some(chain) = routing.chain_of(g.route_id.as_deref()).and_then(|c| routing.chains.get(c)) else {
            return Err(ProviderError::InvalidState(
                "the alert group's route has no escalation chain, so it has no next level; page someone in Grafana"
                    .into(),
            ));
        };
        let count = u32::try_from(chain.levels.len()).unwrap_or(u32::MAX);
        // Past the last level, a chain that repeats starts over.
        let index = match to_level.checked_sub(1) {
            Some(i) if i < count => i,
            Some(i) if chain.repeat > 0 && count > 0 => i % count,
            _ => {
                return Err(ProviderError::InvalidState(format!(
                    "the escalation chain has {count} level(s); there is no level {to_level}"
                )));
            }
        };
        let level = chain.levels.get(usize::try_from(index).unwrap_or(usize::MAX));
        let users = level.map(|l| routing.reach(l)).unwrap_or_default();
        if users.is_empty() {
            return Err(ProviderError::InvalidState(format!("nobody is on call at level {} of the chain", index + 1)));
        }
        let users = users.iter().map(|u| PagedUser { id: u, important: false }).collect();
        self.client.post("api/v1/escalation/", Some(&Escalation { alert_group_id: id, users })).await
    }
}

/// `api/v1/alert_groups/{id}/`, refusing ids that would change the path.
fn group_path(id: &str) -> Result<String, ProviderError> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(ProviderError::NotFound(format!("`{id}` is not a Grafana OnCall alert group id")));
    }
    Ok(format!("api/v1/alert_groups/{id}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_escape_the_alert_group_path() {
        assert_eq!(group_path("I68T24C13IFW1").unwrap(), "api/v1/alert_groups/I68T24C13IFW1/");
        for bad in ["", "../users", "A?x=1", "A/B", "A B"] {
            assert!(matches!(group_path(bad), Err(ProviderError::NotFound(_))), "{bad}");
        }
    }
}
