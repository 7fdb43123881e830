//! Placeholder until the adapter lands (being written now).

use crate::{Connection, Provider, ProviderError};
use chrono::{DateTime, Utc};
use klaxon_core::{AccountKind, Action, EscalationPolicy, LogEntry, OnCallEntry, RemoteIncident, RemoteUser, Shift};

/// The adapter.
#[derive(Debug)]
pub struct GoAlert;

const TODO: ProviderError = ProviderError::Unsupported("this platform's adapter is not built yet");

impl GoAlert {
    /// Connects.
    pub fn new(_connection: Connection) -> Result<Self, ProviderError> {
        Err(TODO)
    }
}

#[async_trait::async_trait]
impl Provider for GoAlert {
    fn kind(&self) -> AccountKind {
        AccountKind::GoAlert
    }
    async fn current_user(&self) -> Result<RemoteUser, ProviderError> {
        Err(TODO)
    }
    async fn my_incidents(&self, _: &RemoteUser, _: DateTime<Utc>) -> Result<Vec<RemoteIncident>, ProviderError> {
        Err(TODO)
    }
    async fn log_entries(&self, _: &str) -> Result<Vec<LogEntry>, ProviderError> {
        Err(TODO)
    }
    async fn perform(&self, _: &RemoteUser, _: &str, _: &Action) -> Result<(), ProviderError> {
        Err(TODO)
    }
    async fn already_applied(
        &self,
        _: &RemoteUser,
        _: &str,
        _: &Action,
        _: DateTime<Utc>,
    ) -> Result<bool, ProviderError> {
        Err(TODO)
    }
    async fn on_call(&self) -> Result<Vec<OnCallEntry>, ProviderError> {
        Err(TODO)
    }
    async fn shifts(&self, _: DateTime<Utc>, _: DateTime<Utc>) -> Result<Vec<Shift>, ProviderError> {
        Err(TODO)
    }
    async fn escalation_policies(&self) -> Result<Vec<EscalationPolicy>, ProviderError> {
        Err(TODO)
    }
}

/// Logs in with a username and password (placeholder until the adapter lands).
pub async fn login(
    _base_url: &str,
    _username: &str,
    _password: &klaxon_core::Secret,
    _http: crate::HttpOptions,
) -> Result<klaxon_core::Secret, ProviderError> {
    Err(TODO)
}
