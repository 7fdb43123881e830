//! What the engine tells its shells, and the delivery paths they give it.

use klaxon_core::{Incident, IncidentId};

/// A page for me: one trigger of one incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub incident: Incident,
}

/// Something the shells may want to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineEvent {
    /// Incidents changed (new alert, action here or in another process, escalation).
    IncidentsChanged,
    /// A page was sent to the delivery paths.
    Paged(Page),
    /// One delivery path failed; the others still ran.
    DeliveryFailed { path: &'static str, incident: IncidentId, error: String },
}

/// Why a delivery path failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DeliveryError(pub String);

/// One way a page reaches a human (desktop notification, window, sound...). Each runs on its own
/// blocking thread, so one failing or hanging never holds up the others.
pub trait PageDelivery: Send + Sync + 'static {
    /// Short name for logs and the timeline (`desktop-notification`).
    fn name(&self) -> &'static str;
    /// Delivers the page. May block.
    fn deliver(&self, page: &Page) -> Result<(), DeliveryError>;
}
