//! PagerDuty (REST API v2): my incidents, their log, one-tap actions, on-call, schedules and
//! escalation policies. Every request is sequential; rate limits surface as
//! [`ProviderError::RateLimited`] for the sync engine to back off (nothing here sleeps or retries).

mod actions;
mod client;
mod covers;
mod map;
mod wire;

use crate::remote::http::Http;
use crate::remote::refusal_or_goal;
use crate::{Connection, Provider, ProviderError};
use chrono::{DateTime, SecondsFormat, Utc};
use client::{Client, Query, segment};
use klaxon_core::remote::ScheduleCover;
use klaxon_core::{
    AccountKind, Action, EscalationPolicy, LogEntry, OnCallEntry, Performed, Person, RemoteIncident, RemoteUser, Shift,
};
use std::collections::{BTreeMap, BTreeSet};

/// Most escalation policies named in one `GET /oncalls` (keeps the URL short).
const POLICIES_PER_QUERY: usize = 50;

/// A PagerDuty account.
#[derive(Debug)]
pub struct PagerDuty {
    client: Client,
    /// Who is on call at which level changes at shift boundaries, not between polls: one
    /// `GET /oncalls` a minute is enough to derive levels (so an idle poll is one request).
    levels: std::sync::Mutex<Option<(std::time::Instant, BTreeSet<String>, map::Levels)>>,
}

/// How long derived escalation levels are reused.
const LEVELS_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);

impl PagerDuty {
    /// An adapter for the account (no request yet).
    pub fn new(connection: Connection) -> Result<Self, ProviderError> {
        let http = Http::new(&connection.base_url, connection.http)?;
        Ok(Self { client: Client::new(http, connection.token)?, levels: std::sync::Mutex::default() })
    }

    /// Who is on call now at each level of `policies` (for working out incidents' levels).
    async fn levels(&self, policies: &BTreeSet<String>) -> Result<map::Levels, ProviderError> {
        {
            let cached = self.levels.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((at, ids, levels)) = cached.as_ref()
                && ids == policies
                && at.elapsed() < LEVELS_MAX_AGE
            {
                return Ok(levels.clone());
            }
        }
        let levels = self.fetch_levels(policies).await?;
        *self.levels.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((std::time::Instant::now(), policies.clone(), levels.clone()));
        Ok(levels)
    }

    async fn fetch_levels(&self, policies: &BTreeSet<String>) -> Result<map::Levels, ProviderError> {
        let ids: Vec<&String> = policies.iter().collect();
        let mut oncalls = Vec::new();
        for chunk in ids.chunks(POLICIES_PER_QUERY) {
            let query: Query = chunk.iter().map(|id| ("escalation_policy_ids[]", (*id).clone())).collect();
            oncalls.extend(self.client.get_all::<wire::OnCallPage>("oncalls", &query).await?);
        }
        Ok(map::levels(&oncalls))
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[async_trait::async_trait]
impl Provider for PagerDuty {
    fn kind(&self) -> AccountKind {
        AccountKind::PagerDuty
    }

    async fn current_user(&self) -> Result<RemoteUser, ProviderError> {
        let user = self.client.get::<wire::UserBody>("users/me", &Vec::new()).await?.user;
        let path = format!("users/{}/contact_methods", segment(&user.id));
        let methods = self.client.get::<wire::ContactMethods>(&path, &Vec::new()).await?.contact_methods;
        Ok(RemoteUser {
            id: user.id,
            name: user.name,
            email: user.email,
            contact_methods: methods.iter().map(map::contact_method).collect(),
        })
    }

    /// Open incidents assigned to me, plus incidents resolved since `resolved_since`.
    ///
    /// PagerDuty unassigns an incident when it resolves and its `user_ids[]` filter then no
    /// longer matches, so resolved incidents cannot be narrowed to mine: the second query returns
    /// the account's incidents that were resolved and created since `resolved_since` (PagerDuty's
    /// `since`/`until` select by creation time). PagerDuty reports no escalation level; it is
    /// worked out from who is on call at each level of the incident's policy (one `GET /oncalls`).
    async fn my_incidents(
        &self,
        me: &RemoteUser,
        resolved_since: Option<DateTime<Utc>>,
    ) -> Result<Vec<RemoteIncident>, ProviderError> {
        let now = Utc::now();
        let open: Query = vec![
            ("user_ids[]", me.id.clone()),
            ("statuses[]", "triggered".into()),
            ("statuses[]", "acknowledged".into()),
            ("date_range", "all".into()),
        ];
        let mut incidents = self.client.get_all::<wire::IncidentPage>("incidents", &open).await?;
        if let Some(since) = resolved_since {
            let resolved: Query =
                vec![("statuses[]", "resolved".into()), ("since", time(since.min(now))), ("until", time(now))];
            incidents.extend(self.client.get_all::<wire::IncidentPage>("incidents", &resolved).await?);
        }

        // An incident resolved between the two queries comes twice: the later answer wins.
        let mut by_id: BTreeMap<String, wire::Incident> = BTreeMap::new();
        for i in incidents {
            by_id.insert(i.id.clone(), i);
        }
        let policies: BTreeSet<String> = by_id
            .values()
            .filter(|i| i.status != wire::Status::Resolved)
            .filter_map(|i| i.escalation_policy.as_ref().map(|p| p.id.clone()))
            .collect();
        let levels = if policies.is_empty() { map::Levels::new() } else { self.levels(&policies).await? };
        Ok(by_id
            .values()
            .map(|i| map::incident(i, &levels))
            .filter(|i| i.resolved_at.is_none_or(|at| resolved_since.is_some_and(|since| at >= since)))
            .collect())
    }

    async fn log_entries(&self, incident: &str) -> Result<Vec<LogEntry>, ProviderError> {
        let path = format!("incidents/{}/log_entries", segment(incident));
        let mut entries: Vec<LogEntry> =
            self.client.get_all::<wire::LogEntryPage>(&path, &Vec::new()).await?.iter().map(map::log_entry).collect();
        entries.sort_by_key(|e| e.at); // oldest first, whatever order the pages came in
        Ok(entries)
    }

    /// PagerDuty takes an acknowledgement of an acknowledged incident as a no-op (applied); it
    /// refuses to touch a resolved one ("Incident Already Resolved"), which for a resolution is
    /// read back as already there.
    async fn perform(&self, me: &RemoteUser, incident: &str, action: &Action) -> Result<Performed, ProviderError> {
        self.supports(action.kind())?;
        match self.send_action(me, incident, action).await {
            Ok(()) => Ok(Performed::Applied),
            Err(refusal) => refusal_or_goal(action, refusal, self.read_back(incident, action)).await,
        }
    }

    async fn already_applied(
        &self,
        me: &RemoteUser,
        incident: &str,
        action: &Action,
        taken_at: DateTime<Utc>,
    ) -> Result<bool, ProviderError> {
        self.shows(me, incident, action, taken_at).await
    }

    async fn on_call(&self) -> Result<Vec<OnCallEntry>, ProviderError> {
        let oncalls = self.client.get_all::<wire::OnCallPage>("oncalls", &Vec::new()).await?;
        Ok(oncalls.iter().map(map::on_call).collect())
    }

    async fn shifts(&self, since: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<Shift>, ProviderError> {
        let schedules = self.client.get_all::<wire::SchedulePage>("schedules", &Vec::new()).await?;
        let range: Query = vec![("since", time(since)), ("until", time(until))];
        let mut shifts = Vec::new();
        for s in schedules {
            let path = format!("schedules/{}", segment(&s.id));
            let schedule = self.client.get::<wire::ScheduleBody>(&path, &range).await?.schedule;
            shifts.extend(map::shifts(&schedule));
        }
        Ok(shifts)
    }

    async fn escalation_policies(&self) -> Result<Vec<EscalationPolicy>, ProviderError> {
        let policies = self.client.get_all::<wire::PolicyPage>("escalation_policies", &Vec::new()).await?;
        Ok(policies.iter().map(map::policy).collect())
    }

    async fn users(&self) -> Result<Vec<Person>, ProviderError> {
        let users = self.client.get_all::<wire::UserPage>("users", &Vec::new()).await?;
        Ok(users
            .into_iter()
            .map(|u| Person { id: u.id, name: u.name, email: u.email, phone: None, chat: None })
            .collect())
    }

    fn supports_cover(&self) -> Result<(), klaxon_core::CoreError> {
        Ok(())
    }

    async fn create_cover(&self, _me: &RemoteUser, cover: &ScheduleCover) -> Result<String, ProviderError> {
        self.create_override(cover).await
    }

    async fn cover_exists(&self, _me: &RemoteUser, cover: &ScheduleCover) -> Result<bool, ProviderError> {
        self.has_override(cover).await
    }
}
