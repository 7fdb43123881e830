//! Readiness checklists through the running engine (the window's and the socket's way in).

use super::Engine;
use crate::EngineEvent;
use crate::checklists::RunReport;
use crate::{EngineError, Resource};
use klaxon_core::checklist::{RunTrigger, Tick};

impl Engine {
    /// Runs the checklist `name` now (asked), with this process's delivery paths for a test page.
    pub async fn run_checklist(&self, name: &str) -> Result<RunReport, EngineError> {
        let list = self.klaxon.checklist(name)?;
        let report = self.klaxon.run_checklist(&list, RunTrigger::Asked, None, &self.checks).await?;
        let _ = self.events.send(EngineEvent::Changed(&[Resource::Readiness]));
        report.ok_or_else(|| EngineError::Internal("an asked run is never refused".into()))
    }

    /// Ticks (or takes back) an item answered by hand, and checks that item again so that its
    /// result says so at once.
    pub async fn tick_item(
        &self,
        checklist: &str,
        item: &str,
        ticked: bool,
        note: Option<String>,
    ) -> Result<Tick, EngineError> {
        let tick = self.klaxon.tick(checklist, item, ticked, note).await?;
        let mut one = self.klaxon.checklist(checklist)?;
        one.checklist.items.retain(|i| i.id == item);
        self.klaxon.run_checklist(&one, RunTrigger::Asked, None, &self.checks).await?;
        let _ = self.events.send(EngineEvent::Changed(&[Resource::Readiness]));
        Ok(tick)
    }

    /// Every checklist as it stands.
    pub async fn readiness(&self) -> Result<crate::checklists::Readiness, EngineError> {
        self.klaxon.readiness().await
    }

    /// Tells the shells that these resources changed (after a change made outside the engine's
    /// own methods, e.g. an onboarding tick).
    pub fn changed(&self, what: &'static [Resource]) {
        let _ = self.events.send(EngineEvent::Changed(what));
    }
}
