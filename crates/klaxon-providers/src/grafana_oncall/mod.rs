//! Grafana OnCall (and Grafana Cloud IRM, same API): its public API v1 behind [`Provider`].
//!
//! Base URL: the OnCall API URL from OnCall's settings page, e.g.
//! `https://oncall-prod-us-central-0.grafana.net/oncall`; the token goes bare into
//! `Authorization`. Lists are paged with `page`/`perpage` and followed through their `next`
//! links (only to the same host).
//!
//! How OnCall's model maps onto Klaxon's (docs/providers/grafana-oncall.md has the long form):
//! - **Assigned to me.** Alert groups belong to a team, not to a person. A group is for whoever
//!   the first level of its route's escalation chain reaches now (people named, plus whoever
//!   the chain's schedules have on call), and for whoever acknowledged or resolved it. Those are
//!   its `assignees`; `my_incidents` keeps the groups that include me.
//! - **States.** `firing` → triggered, `acknowledged` → acknowledged, `silenced` → acknowledged
//!   (nobody is being paged), `resolved` → resolved. The escalation level is always 1: the
//!   public API does not say how far a chain has got.
//! - **Severity.** From a `severity` (or `priority`) label; Sev2 and high urgency without one.
//! - **Service.** The integration's name; the escalation policy is the route's chain id.
//! - **Snooze** silences the group for the given minutes; OnCall will not silence an
//!   acknowledged group, so it is un-acknowledged first (two requests; a silence that fails in
//!   between leaves the group firing, and the outbox retries).
//! - **Escalate** has no OnCall equivalent ("next step" does not exist). It is mapped to direct
//!   paging: `POST /api/v1/escalation/` on the alert group with the users that level `to_level`
//!   of the group's chain reaches now. Direct paging changes no state the API shows, so after a
//!   lost answer `already_applied` can only say "yes" once the group is no longer firing; a
//!   resend pages the same people twice rather than never.
//! - **Reassign** is refused: OnCall cannot reassign an alert group.
//! - **Cover my shift** is a shift swap request (me the beneficiary) that the colleague takes;
//!   `covers` says why not an override shift.

mod actions;
mod chains;
mod client;
mod covers;
mod map;
mod schedules;
mod wire;

use crate::remote::refusal_or_goal;
use crate::{Connection, Provider, ProviderError};
use chains::Routing;
use chrono::{DateTime, Duration, Utc};
use client::Client;
use klaxon_core::remote::ScheduleCover;
use klaxon_core::{
    AccountKind, Action, EscalationPolicy, LogEntry, OnCallEntry, Performed, RemoteIncident, RemoteUser, Shift,
};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use wire::{AlertGroup, ResolutionNote, User};

/// How long routes, chains and schedules read for `my_incidents` are reused: OnCall allows 300
/// requests per 5 minutes per key, and they change far less often than alert groups.
const ROUTING_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);
/// Resolved groups are listed by start time (the API cannot filter by resolution time): those
/// started up to this long before `resolved_since` are looked at.
const RESOLVED_LOOKBACK: Duration = Duration::days(1);

/// A Grafana OnCall / Grafana Cloud IRM account.
#[derive(Debug)]
pub struct GrafanaOncall {
    client: Client,
    routing: Mutex<Option<(Instant, Arc<Routing>)>>,
}

impl GrafanaOncall {
    /// An adapter for the account at `connection.base_url` (nothing is sent yet).
    pub fn new(connection: Connection) -> Result<Self, ProviderError> {
        Ok(Self {
            client: Client::new(&connection.base_url, connection.token, connection.http)?,
            routing: Mutex::new(None),
        })
    }

    /// Routing read at most `max_age` ago, and whether it was read just now.
    async fn routing(&self, max_age: std::time::Duration) -> Result<(Arc<Routing>, bool), ProviderError> {
        if let Some((at, routing)) = self.routing.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref()
            && at.elapsed() < max_age
        {
            return Ok((routing.clone(), false));
        }
        let routing = Arc::new(Routing::fetch(&self.client).await?);
        *self.routing.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((Instant::now(), routing.clone()));
        Ok((routing, true))
    }

    async fn groups(&self, query: &[(&str, &str)]) -> Result<Vec<AlertGroup>, ProviderError> {
        self.client.list("api/v1/alert_groups/", query).await
    }
}

#[async_trait::async_trait]
impl Provider for GrafanaOncall {
    fn kind(&self) -> AccountKind {
        AccountKind::GrafanaOncall
    }

    async fn current_user(&self) -> Result<RemoteUser, ProviderError> {
        let user: User = self.client.get("api/v1/users/current/", &[]).await?;
        Ok(map::user(user))
    }

    async fn my_incidents(
        &self,
        me: &RemoteUser,
        resolved_since: Option<DateTime<Utc>>,
    ) -> Result<Vec<RemoteIncident>, ProviderError> {
        let (mut routing, fresh) = self.routing(ROUTING_MAX_AGE).await?;
        let mut groups = Vec::new();
        // The list's `state` filter calls firing groups `new`.
        for state in ["new", "acknowledged", "silenced"] {
            groups.extend(self.groups(&[("state", state)]).await?);
        }
        if let Some(resolved_since) = resolved_since {
            let from = (resolved_since - RESOLVED_LOOKBACK).format("%Y-%m-%dT%H:%M:%S").to_string();
            let to = (Utc::now() + Duration::days(1)).format("%Y-%m-%dT%H:%M:%S").to_string();
            let started_at = format!("{from}_{to}");
            let resolved = self.groups(&[("state", "resolved"), ("started_at", &started_at)]).await?;
            groups.extend(resolved.into_iter().filter(|g| g.resolved_at.is_some_and(|at| at >= resolved_since)));
        }
        // A route we have not seen is new (or its chain changed): read the routing again once.
        let unknown = groups.iter().any(|g| g.route_id.as_ref().is_some_and(|r| !routing.routes.contains_key(r)));
        if unknown && !fresh {
            routing = self.routing(std::time::Duration::ZERO).await?.0;
        }
        // A group that changes state between two of the lists may show up in both.
        let mut seen = HashSet::new();
        Ok(groups
            .into_iter()
            .filter(|g| seen.insert(g.id.clone()))
            .map(|g| map::incident(g, &routing))
            .filter(|i| i.assignees.contains(&me.id))
            .collect())
    }

    async fn log_entries(&self, incident: &str) -> Result<Vec<LogEntry>, ProviderError> {
        let group = self.alert_group(incident).await?;
        let notes: Vec<ResolutionNote> =
            self.client.list("api/v1/resolution_notes/", &[("alert_group_id", incident)]).await?;
        Ok(map::log(&group, notes))
    }

    /// OnCall refuses to acknowledge an acknowledged group or resolve a resolved one ("Can't
    /// acknowledge an acknowledged alert group"); the group is read back, and if it is there
    /// already, so is the action. (OnCall tells no escalation level: an escalation is never
    /// "already there".)
    async fn perform(&self, _me: &RemoteUser, incident: &str, action: &Action) -> Result<Performed, ProviderError> {
        match self.act(incident, action).await {
            Ok(()) => Ok(Performed::Applied),
            Err(refusal) => {
                let read_back = async { Ok((map::status(self.alert_group(incident).await?.state), None)) };
                refusal_or_goal(action, refusal, read_back).await
            }
        }
    }

    async fn already_applied(
        &self,
        me: &RemoteUser,
        incident: &str,
        action: &Action,
        taken_at: DateTime<Utc>,
    ) -> Result<bool, ProviderError> {
        self.applied(me, incident, action, taken_at).await
    }

    async fn on_call(&self) -> Result<Vec<OnCallEntry>, ProviderError> {
        schedules::on_call(&self.client).await
    }

    async fn shifts(&self, since: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<Shift>, ProviderError> {
        schedules::shifts(&self.client, since, until).await
    }

    async fn escalation_policies(&self) -> Result<Vec<EscalationPolicy>, ProviderError> {
        schedules::escalation_policies(&self.client).await
    }

    fn supports_cover(&self) -> Result<(), klaxon_core::CoreError> {
        Ok(())
    }

    /// A shift swap request the colleague takes (see `covers` for why not an override shift).
    async fn create_cover(&self, me: &RemoteUser, cover: &ScheduleCover) -> Result<String, ProviderError> {
        self.create_swap(me, cover).await
    }

    async fn cover_exists(&self, me: &RemoteUser, cover: &ScheduleCover) -> Result<bool, ProviderError> {
        self.has_swap(me, cover).await
    }
}
