//! Paging platforms: one trait with what an on-call companion needs, one adapter per platform.

pub mod http;

use crate::ProviderError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use klaxon_core::remote::{ScheduleCover, cover_unsupported};
use klaxon_core::{
    AccountKind, Action, ActionKind, EscalationPolicy, IncidentStatus, LogEntry, OnCallEntry, Performed, Person,
    RemoteIncident, RemoteUser, Secret, Shift,
};
use std::future::Future;
use std::sync::Arc;

pub use http::HttpOptions;

/// Why an adapter that does not implement covers refuses them.
const NO_COVER: &str = "Klaxon cannot put someone else on this platform's schedules";

/// What an adapter needs to reach one account.
#[derive(Debug, Clone)]
pub struct Connection {
    pub base_url: String,
    pub token: Secret,
    pub http: HttpOptions,
}

/// A paging platform account, as the sync engine and the outbox use it.
///
/// Methods that act on an incident take the platform's id of it (`provider_ref`). Every method
/// either does what it says or fails with a [`ProviderError`] whose kind says whether trying
/// again may help ([`ProviderError::is_transient`]).
#[async_trait]
pub trait Provider: Send + Sync + std::fmt::Debug {
    /// Which platform this is.
    fn kind(&self) -> AccountKind;

    /// Whether the platform can do `action`; if not, why (checked before anything is queued).
    fn supports(&self, action: ActionKind) -> Result<(), klaxon_core::CoreError> {
        self.kind().supports(action)
    }

    /// The user the token belongs to, with contact methods.
    async fn current_user(&self) -> Result<RemoteUser, ProviderError>;

    /// Incidents assigned to `me` that are open (triggered or acknowledged), plus (when
    /// `resolved_since` is given) those resolved since then; every page of them. Without it, only
    /// open ones: the cheap poll the sync makes while nothing changes.
    async fn my_incidents(
        &self,
        me: &RemoteUser,
        resolved_since: Option<DateTime<Utc>>,
    ) -> Result<Vec<RemoteIncident>, ProviderError>;

    /// The platform's timeline of one incident, oldest first.
    async fn log_entries(&self, incident: &str) -> Result<Vec<LogEntry>, ProviderError>;

    /// Carries out `action` on the incident as `me`. Unsupported actions fail with
    /// [`ProviderError::Unsupported`] without a request. When the platform already is where the
    /// action would take it (an acknowledgement of an acknowledged incident, a resolution of a
    /// resolved one), that is [`Performed::AlreadyThere`], told from the platform's answer or by
    /// reading the incident back after a refusal, not an error.
    async fn perform(&self, me: &RemoteUser, incident: &str, action: &Action) -> Result<Performed, ProviderError>;

    /// Whether `action`, taken at `taken_at` and perhaps sent before a crash or a lost answer,
    /// has already taken effect on the platform (so it must not be sent again).
    async fn already_applied(
        &self,
        me: &RemoteUser,
        incident: &str,
        action: &Action,
        taken_at: DateTime<Utc>,
    ) -> Result<bool, ProviderError>;

    /// Who is on call now, per escalation policy and level.
    async fn on_call(&self) -> Result<Vec<OnCallEntry>, ProviderError>;

    /// Rendered shifts of every schedule overlapping `[since, until)`.
    async fn shifts(&self, since: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<Shift>, ProviderError>;

    /// Escalation policies with their levels (targets are `person:ID` or `rotation:SCHEDULE_ID`).
    async fn escalation_policies(&self) -> Result<Vec<EscalationPolicy>, ProviderError>;

    /// The platform's users, every page of them: whom an incident can be reassigned to. Only
    /// platforms that can reassign list them; the others refuse without a request.
    async fn users(&self) -> Result<Vec<Person>, ProviderError> {
        self.supports(ActionKind::Reassign)?;
        Err(ProviderError::Unsupported("Klaxon does not list this platform's users"))
    }

    /// Whether the platform can put someone else on a schedule for a while; if not, why (checked
    /// before anything is queued).
    fn supports_cover(&self) -> Result<(), klaxon_core::CoreError> {
        Err(cover_unsupported(NO_COVER))
    }

    /// Creates the override on the platform; returns the platform's id of it. `me` is the
    /// account's user (the one being covered). Platforms that cannot refuse without a request.
    async fn create_cover(&self, me: &RemoteUser, cover: &ScheduleCover) -> Result<String, ProviderError> {
        let _ = (me, cover);
        self.supports_cover()?;
        Err(ProviderError::Unsupported(NO_COVER))
    }

    /// Whether an override equal to `cover` already exists (for an outbox retry after a lost
    /// answer: never create twice).
    async fn cover_exists(&self, me: &RemoteUser, cover: &ScheduleCover) -> Result<bool, ProviderError> {
        let _ = (me, cover);
        self.supports_cover()?;
        Err(ProviderError::Unsupported(NO_COVER))
    }
}

/// What a refusal of `action` means: when `read_back` (the incident's status and, where the
/// platform tells it, its escalation level) shows the incident already where the action would
/// take it, there was nothing to do ([`Performed::AlreadyThere`]); otherwise the refusal stands.
/// Only refusals in the incident's current state are read back; a read-back that fails
/// transiently is returned instead (the action is tried again later).
pub(crate) async fn refusal_or_goal<F>(
    action: &Action,
    refusal: ProviderError,
    read_back: F,
) -> Result<Performed, ProviderError>
where
    F: Future<Output = Result<(IncidentStatus, Option<u32>), ProviderError>>,
{
    let could_be_there = matches!(action, Action::Acknowledge | Action::Resolve | Action::Escalate { .. });
    if !matches!(refusal, ProviderError::InvalidState(_)) || !could_be_there {
        return Err(refusal);
    }
    match read_back.await {
        Ok((status, level)) => match action.goal_reached(status, level) {
            Some(note) => Ok(Performed::AlreadyThere(note)),
            None => Err(refusal),
        },
        Err(e) if e.is_transient() => Err(e),
        Err(_) => Err(refusal),
    }
}

/// The adapter for an account of `kind`.
pub fn connect(kind: AccountKind, connection: Connection) -> Result<Arc<dyn Provider>, ProviderError> {
    match kind {
        AccountKind::Local => Err(ProviderError::Config("the local intake is not a remote platform".into())),
        AccountKind::PagerDuty => Ok(Arc::new(crate::pagerduty::PagerDuty::new(connection)?)),
        AccountKind::GrafanaOncall => Ok(Arc::new(crate::grafana_oncall::GrafanaOncall::new(connection)?)),
        AccountKind::GoAlert => Ok(Arc::new(crate::goalert::GoAlert::new(connection)?)),
    }
}
