//! What the engine tells its shells, and the delivery paths they give it.

use klaxon_core::pager::PageKind;
pub use klaxon_core::pager::RingState;
use klaxon_core::{Incident, IncidentId};
use serde::{Deserialize, Serialize};

/// A page for me: one trigger of one incident (or a re-alert of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub incident: Incident,
    /// Loud pages ring until answered; normal ones are an ordinary notification.
    pub kind: PageKind,
    /// 0 for the first alert of this trigger, then 1, 2, ... for re-alerts.
    pub realert: u32,
    /// A test page (`klaxon test-page`): no incident behind it.
    pub test: bool,
    /// A first alert delivered again because the process that began it stopped mid-delivery
    /// (after a crash, pages in flight at that instant come again, saying so).
    pub resent: bool,
    /// Whether the ringtone should ring for it now (loud, not muted).
    pub ring: bool,
}

/// What a change touched, so that a listener reloads only that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    /// The incident list and each incident's detail and timeline.
    Incidents,
    /// Platform accounts and their sync status.
    Accounts,
    /// Actions waiting for (or refused by) a platform.
    Outbox,
    /// Who is on call (shifts, synced schedules).
    OnCall,
    /// Whom shadow mode follows.
    Shadow,
    /// Readiness checklists' results and ticks.
    Readiness,
    /// Where pages go to the phone.
    Phone,
}

impl Resource {
    /// Every resource (a listener that missed events reloads them all).
    pub const ALL: [Resource; 7] = [
        Resource::Incidents,
        Resource::Accounts,
        Resource::Outbox,
        Resource::OnCall,
        Resource::Shadow,
        Resource::Readiness,
        Resource::Phone,
    ];
}

/// Something the shells may want to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineEvent {
    /// These resources changed (new alert, action here or in another process, sync, escalation).
    Changed(&'static [Resource]),
    /// A page (or re-alert) was sent to the delivery paths.
    Paged(Page),
    /// What is ringing changed.
    Ringing(RingState),
    /// One delivery path failed; the others still ran.
    DeliveryFailed { path: &'static str, incident: IncidentId, error: String },
}

/// Something to tell me that is not a page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Notice {
    pub summary: String,
    pub body: String,
}

/// Why a delivery path failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DeliveryError(pub String);

/// One way a page reaches a human (desktop notification, ringtone, page screen, tray). Each runs
/// on its own blocking thread with a timeout, so one failing or hanging never holds up the others.
pub trait PageDelivery: Send + Sync + 'static {
    /// Short name for logs and the timeline (`desktop-notification`).
    fn name(&self) -> &'static str;
    /// Delivers one page or re-alert. May block.
    fn deliver(&self, page: &Page) -> Result<(), DeliveryError>;
    /// What should ring now; called whenever it changes. Paths that do not ring ignore it.
    fn ringing(&self, _state: &RingState) -> Result<(), DeliveryError> {
        Ok(())
    }
    /// Removes whatever this path shows for an answered page (e.g. its notification).
    fn answered(&self, _incident: IncidentId) -> Result<(), DeliveryError> {
        Ok(())
    }
    /// Tells me something that is not a page (normal urgency, no ringing): "Not ready for your
    /// 09:00 shift: VPN …". Paths that cannot say things quietly ignore it.
    fn notice(&self, _notice: &Notice) -> Result<(), DeliveryError> {
        Ok(())
    }
}
