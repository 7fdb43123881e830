//! Shadow notifications: someone else's page, shown to me softly, once per trigger.

use super::Pager;
use crate::{EngineError, EngineEvent, Page, Resource};
use klaxon_core::pager::{PageKey, PageKind};
use klaxon_core::{Incident, LogEntry, LogKind};

impl Pager {
    /// Shows someone else's page to me as a shadow, once per trigger, if I follow them.
    pub(super) async fn shadow_if_followed(&self, incident: &Incident) -> Result<(), EngineError> {
        let team = self.klaxon.team();
        let targets = self.klaxon.shadow_targets();
        if targets.is_empty() {
            return Ok(());
        }
        let roster = self.klaxon.store().roster().await?;
        let Some(target) = targets.iter().find(|t| t.follows(incident, team, self.clock.now(), &roster)) else {
            return Ok(());
        };
        let key = PageKey { incident: incident.id, trigger_seq: incident.trigger_seq };
        if !self.state().in_flight.insert(key) {
            return Ok(());
        }
        let result = self.shadow_once(key, target, incident).await;
        self.state().in_flight.remove(&key);
        result
    }

    pub(super) async fn shadow_once(
        &self,
        key: PageKey,
        target: &klaxon_core::ShadowTarget,
        incident: &Incident,
    ) -> Result<(), EngineError> {
        if self.klaxon.store().was_shadowed(key).await? {
            return Ok(());
        }
        let page = Page {
            incident: incident.clone(),
            kind: PageKind::Shadow,
            realert: 0,
            test: false,
            resent: false,
            ring: false,
        };
        let verb = format!("Shadow notification to {} (following {target})", self.my_name());
        let message = self.send_page(page, &verb).await;
        let log = LogEntry::new(self.clock.now(), LogKind::Note, message, Some("klaxon"));
        self.klaxon.store().record_shadow(key, &target.to_string(), &incident.assignees, &log).await?;
        let _ = self.events.send(EngineEvent::Changed(&[Resource::Incidents]));
        Ok(())
    }
}
