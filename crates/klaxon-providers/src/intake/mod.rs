//! The local alert intake: an HTTP server that turns Alertmanager and plain JSON webhooks into alerts.
//!
//! Routes: `POST /v1/alertmanager`, `POST /v1/alerts` (both need `Authorization: Bearer <token>`
//! and `Content-Type: application/json`), `GET /healthz`. Errors are JSON
//! `{"error": {"code", "field", "message"}}` with 400 / 401 / 404 / 405 / 408 / 413 / 415 / 503; a
//! rejected request stores nothing. Every stored text field is capped ([`limits`]).
//!
//! Hostile connections: HTTP/1 only (hyper), at most [`ConnectionLimits::max_connections`] open
//! (at the cap the connection idle longest is closed for the new one), headers within
//! [`ConnectionLimits::header_read_timeout`] (also the keep-alive idle timeout), a body within
//! [`ConnectionLimits::body_timeout`] (408). When `accept` fails (out of file descriptors:
//! EMFILE), the connection idle longest is closed as at the cap, and `accept` retried after a
//! short pause; the failure is logged.
//!
//! What hyper answers itself, before any handler runs, cannot be given the JSON shape: hyper 1
//! writes a bare status with an empty body and closes the connection, with no hook to change it.
//! That is 400 for a malformed request line, header or `Content-Length` (two that differ, or not a
//! number) and for a bad `Transfer-Encoding`, 414 for an over-long URI and 431 for more than 100
//! headers or a header block over hyper's buffer. A request whose headers do not arrive in time
//! gets no answer at all (hyper closes the connection).

mod accept;
mod alertmanager;
mod auth;
mod generic;
pub mod limits;
mod reject;
mod routes;
mod server;
mod slots;

pub use server::{ConnectionLimits, IntakeConfig, IntakeHandle, serve};

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
