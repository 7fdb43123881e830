//! The local alert intake: an HTTP server that turns Alertmanager and plain JSON webhooks into alerts.
//!
//! Routes: `POST /v1/alertmanager`, `POST /v1/alerts` (both need `Authorization: Bearer <token>`),
//! `GET /healthz`. Errors are JSON `{"error": {"code", "message", "field"?}}` with 400 / 401 / 404 /
//! 405 / 413 / 503; a rejected request stores nothing.

mod alertmanager;
mod auth;
mod generic;
mod reject;
mod server;

pub use server::{IntakeConfig, IntakeHandle, serve};

use klaxon_core::{Alert, IncidentId};
use std::future::Future;

/// Body size limit for alert payloads.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What an accepted alert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Created,
    Updated,
    Ignored,
}

/// One alert's fate, as reported back to the sender.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Accepted {
    pub incident: Option<IncidentId>,
    pub change: Change,
}

/// Where accepted alerts go (the engine): stored durably before the sender hears 200.
pub trait AlertSink: Send + Sync + 'static {
    /// Stores the alerts, all or nothing, and reports what each did.
    fn ingest(
        &self,
        alerts: Vec<Alert>,
    ) -> impl Future<Output = Result<Vec<Accepted>, Box<dyn std::error::Error + Send + Sync>>> + Send;
}
