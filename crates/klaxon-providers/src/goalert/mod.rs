//! GoAlert (Target's open-source on-call platform) over its GraphQL API (`POST /api/graphql`).
//!
//! The token is a session token from [`login`] (or a GraphQL API key an admin created); both go
//! as `Authorization: Bearer`. An alert's `provider_ref` is GoAlert's alert number. Which alerts
//! are "mine", levels, assignees and severities are described on [`GoAlert::my_incidents`] and in
//! `map`; `docs/providers/goalert.md` has the whole mapping.

mod actions;
mod client;
mod covers;
mod login;
mod map;
mod oncall;
mod queries;
mod wire;

pub use login::login;

use crate::{Connection, Provider, ProviderError};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use client::Gql;
use klaxon_core::remote::ScheduleCover;
use klaxon_core::{
    AccountKind, Action, EscalationPolicy, LogEntry, OnCallEntry, Performed, RemoteIncident, RemoteUser, Shift,
};
use serde_json::{Value, json};
use wire::{AlertStatus, Connection as Page};

/// Alerts, schedules and policies asked per page (GoAlert allows up to 149 for most lists).
const PAGE: u32 = 100;

/// Why GoAlert refuses what its API cannot do (in case core's table ever lets one through).
const NOT_ON_GOALERT: &str = "GoAlert alerts can only be acknowledged, closed or escalated";

/// A GoAlert account.
#[derive(Debug)]
pub struct GoAlert {
    gql: Gql,
    base_url: String,
}

impl GoAlert {
    /// An adapter for the account (no request is made until a method is called).
    pub fn new(connection: Connection) -> Result<Self, ProviderError> {
        let gql = Gql::new(&connection.base_url, connection.token, connection.http)?;
        Ok(Self { gql, base_url: connection.base_url.trim().trim_end_matches('/').to_owned() })
    }

    /// One alert; NotFound when GoAlert has none by that number.
    async fn alert(&self, id: i64) -> Result<wire::Alert, ProviderError> {
        let data: wire::AlertData = self.gql.run(queries::ALERT, json!({ "id": id })).await?;
        data.alert.ok_or_else(|| ProviderError::NotFound(format!("GoAlert has no alert {id}")))
    }

    /// Every alert matching the search `input`, all pages.
    async fn alerts(&self, input: Value) -> Result<Vec<wire::Alert>, ProviderError> {
        self.gql.all_pages(queries::ALERTS, json!({}), input, |d: wire::AlertsData| d.alerts).await
    }

    /// Every schedule with its shifts in `[since, until)`, asked in windows GoAlert accepts.
    async fn schedules(
        &self,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<wire::Schedule>, ProviderError> {
        let mut out = Vec::new();
        let mut start = since;
        // Bounded by the window: each round moves `start` on by a whole piece.
        while start < until {
            let end = (start + oncall::SHIFT_WINDOW).min(until);
            let vars = json!({ "start": start.to_rfc3339(), "end": end.to_rfc3339() });
            let pick = |d: wire::SchedulesData| d.schedules;
            out.extend(self.gql.all_pages(queries::SCHEDULES, vars, json!({ "first": PAGE }), pick).await?);
            start = end;
        }
        Ok(out)
    }

    /// Every escalation policy.
    async fn policies(&self) -> Result<Vec<wire::Policy>, ProviderError> {
        let pick = |d: wire::PoliciesData| d.escalation_policies;
        self.gql.all_pages(queries::POLICIES, json!({}), json!({ "first": PAGE }), pick).await
    }

    /// Every rotation.
    async fn rotations(&self) -> Result<Vec<wire::Rotation>, ProviderError> {
        let pick = |d: wire::RotationsData| d.rotations;
        self.gql.all_pages(queries::ROTATIONS, json!({}), json!({ "first": PAGE }), pick).await
    }
}

/// GoAlert's number of an alert from its `provider_ref`.
fn alert_id(incident: &str) -> Result<i64, ProviderError> {
    incident
        .trim()
        .parse::<i64>()
        .map_err(|_| ProviderError::NotFound(format!("`{incident}` is not a GoAlert alert number")))
}

#[async_trait]
impl Provider for GoAlert {
    fn kind(&self) -> AccountKind {
        AccountKind::GoAlert
    }

    async fn current_user(&self) -> Result<RemoteUser, ProviderError> {
        let data: wire::UserData = self.gql.run(queries::CURRENT_USER, json!({})).await?;
        let user =
            data.user.ok_or_else(|| ProviderError::Unauthorized("GoAlert knows no user for this token".into()))?;
        Ok(map::user(user))
    }

    /// Open alerts plus those closed since `resolved_since`, from GoAlert's own "my alerts" view
    /// (`favoritesOnly` with `includeNotified`): alerts that notified `me` and alerts of services
    /// `me` marked as favourites. (Without `favoritesOnly`, GoAlert ignores `includeNotified` and
    /// returns every service's alerts.) Closed ones are filtered by GoAlert (`notClosedBefore`,
    /// from its alert metrics) and again here by their closing time.
    async fn my_incidents(
        &self,
        _me: &RemoteUser,
        resolved_since: Option<DateTime<Utc>>,
    ) -> Result<Vec<RemoteIncident>, ProviderError> {
        let mine = json!({ "favoritesOnly": true, "includeNotified": true, "first": PAGE });
        let mut open = mine.clone();
        open["filterByStatus"] = json!(["StatusUnacknowledged", "StatusAcknowledged"]);
        let open = self.alerts(open).await?;
        let closed = match resolved_since {
            Some(since) => {
                let mut closed = mine;
                closed["filterByStatus"] = json!(["StatusClosed"]);
                closed["notClosedBefore"] = json!(since.to_rfc3339());
                let closed = self.alerts(closed).await?;
                closed.into_iter().filter(|a| a.metrics.as_ref().is_none_or(|m| m.closed_at >= since)).collect()
            }
            None => Vec::new(),
        };
        let mut out: Vec<RemoteIncident> = Vec::new();
        // An alert closed between the two searches is in both; the later (closed) answer wins.
        for alert in open.into_iter().chain(closed) {
            let incident = map::incident(alert, &self.base_url);
            match out.iter_mut().find(|i| i.provider_ref == incident.provider_ref) {
                Some(seen) => *seen = incident,
                None => out.push(incident),
            }
        }
        Ok(out)
    }

    async fn log_entries(&self, incident: &str) -> Result<Vec<LogEntry>, ProviderError> {
        let id = alert_id(incident)?;
        let pick = |d: wire::AlertLogData| -> Page<wire::AlertLogEntry> {
            d.alert.map_or(
                Page { nodes: Vec::new(), page_info: wire::PageInfo { end_cursor: None, has_next_page: false } },
                |a| a.recent_events,
            )
        };
        // A missing alert reads as an empty log; ask for the alert itself to tell the two apart.
        let entries =
            self.gql.all_pages(queries::ALERT_LOG, json!({ "id": id }), json!({ "limit": PAGE }), pick).await?;
        if entries.is_empty() {
            self.alert(id).await?;
        }
        // GoAlert lists newest first (by entry id, which also orders entries of the same instant).
        let mut log: Vec<LogEntry> = entries.into_iter().rev().map(map::log_entry).collect();
        log.sort_by_key(|e| e.at);
        Ok(log)
    }

    /// GoAlert answers an acknowledgement or closing of an alert already there with "nothing
    /// changed", and an escalation of an alert at or past the level asked for is not sent: both
    /// are [`Performed::AlreadyThere`].
    async fn perform(&self, _me: &RemoteUser, incident: &str, action: &Action) -> Result<Performed, ProviderError> {
        self.supports(action.kind())?;
        let id = alert_id(incident)?;
        match action {
            Action::Acknowledge => self.set_status(id, AlertStatus::Acknowledged).await,
            Action::Resolve => self.set_status(id, AlertStatus::Closed).await,
            Action::Escalate { to_level } => self.escalate(id, *to_level).await,
            Action::Reassign { .. } | Action::Snooze { .. } | Action::Note { .. } => {
                Err(ProviderError::Unsupported(NOT_ON_GOALERT))
            }
        }
    }

    async fn already_applied(
        &self,
        _me: &RemoteUser,
        incident: &str,
        action: &Action,
        _taken_at: DateTime<Utc>,
    ) -> Result<bool, ProviderError> {
        self.supports(action.kind())?;
        let id = alert_id(incident)?;
        match action {
            Action::Acknowledge => Ok(self.alert(id).await?.status != AlertStatus::Unacknowledged),
            Action::Resolve => Ok(self.alert(id).await?.status == AlertStatus::Closed),
            Action::Escalate { to_level } => self.escalated(id, *to_level).await,
            Action::Reassign { .. } | Action::Snooze { .. } | Action::Note { .. } => {
                Err(ProviderError::Unsupported(NOT_ON_GOALERT))
            }
        }
    }

    /// From the policies' steps: named users, whoever is on shift now in a targeted schedule, and
    /// the active member of a targeted rotation.
    async fn on_call(&self) -> Result<Vec<OnCallEntry>, ProviderError> {
        let now = Utc::now();
        let policies = self.policies().await?;
        let targets =
            |kind: &str| policies.iter().flat_map(|p| &p.steps).flat_map(|s| &s.targets).any(|t| t.kind == kind);
        // A window past now, so that a shift's end is known unless it is weeks away.
        let schedules =
            if targets("schedule") { self.schedules(now, now + Duration::days(14)).await? } else { Vec::new() };
        let rotations = if targets("rotation") { self.rotations().await? } else { Vec::new() };
        Ok(oncall::on_call(&policies, &schedules, &rotations, now))
    }

    async fn shifts(&self, since: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<Shift>, ProviderError> {
        Ok(oncall::shifts(self.schedules(since, until).await?))
    }

    async fn escalation_policies(&self) -> Result<Vec<EscalationPolicy>, ProviderError> {
        Ok(self.policies().await?.iter().map(oncall::policy).collect())
    }

    fn supports_cover(&self) -> Result<(), klaxon_core::CoreError> {
        Ok(())
    }

    async fn create_cover(&self, me: &RemoteUser, cover: &ScheduleCover) -> Result<String, ProviderError> {
        self.create_override(me, cover).await
    }

    async fn cover_exists(&self, me: &RemoteUser, cover: &ScheduleCover) -> Result<bool, ProviderError> {
        self.has_override(me, cover).await
    }
}
