//! The pager: decides which triggers page me, runs every delivery path, records the page once.

use crate::{EngineError, EngineEvent, Klaxon, Page, PageDelivery};
use chrono::Utc;
use klaxon_core::pager::{PageKey, page_for};
use klaxon_core::{Incident, LogEntry, LogKind};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

pub(crate) struct Pager {
    klaxon: Arc<Klaxon>,
    deliveries: Vec<Arc<dyn PageDelivery>>,
    delivery_timeout: std::time::Duration,
    events: broadcast::Sender<EngineEvent>,
    /// Keys being paged right now, so concurrent triggers of the same key page once.
    in_flight: Mutex<HashSet<PageKey>>,
}

impl Pager {
    pub fn new(
        klaxon: Arc<Klaxon>,
        deliveries: Vec<Arc<dyn PageDelivery>>,
        delivery_timeout: std::time::Duration,
        events: broadcast::Sender<EngineEvent>,
    ) -> Self {
        Self { klaxon, deliveries, delivery_timeout, events, in_flight: Mutex::new(HashSet::new()) }
    }

    fn claim(&self, key: PageKey) -> bool {
        self.in_flight.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(key)
    }

    fn release(&self, key: PageKey) {
        self.in_flight.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&key);
    }

    /// Pages every trigger assigned to me that has not been paged (start-up, external changes).
    pub async fn scan(&self) -> Result<(), EngineError> {
        for incident in self.klaxon.store().unpaged_triggers().await? {
            self.page_if_due(&incident).await?;
        }
        Ok(())
    }

    /// Pages this incident's current trigger if it is for me and not paged yet.
    pub async fn page_if_due(&self, incident: &Incident) -> Result<(), EngineError> {
        let me = &self.klaxon.team().me;
        let Some(key) = page_for(incident, me) else { return Ok(()) };
        if !self.claim(key) {
            return Ok(());
        }
        let result = self.deliver_once(key, incident).await;
        self.release(key);
        result
    }

    async fn deliver_once(&self, key: PageKey, incident: &Incident) -> Result<(), EngineError> {
        let store = self.klaxon.store();
        if store.was_paged(key).await? {
            return Ok(());
        }
        let page = Page { incident: incident.clone() };
        let _ = self.events.send(EngineEvent::Paged(page.clone()));
        let page = Arc::new(page);
        let tasks: Vec<_> = self
            .deliveries
            .iter()
            .map(|d| {
                let (d, page) = (d.clone(), page.clone());
                (d.name(), tokio::task::spawn_blocking(move || d.deliver(&page)))
            })
            .collect();
        let (mut ok, mut failed) = (Vec::new(), Vec::new());
        for (name, task) in tasks {
            // A path that hangs (e.g. a stuck notification server) must not hold up the pager.
            let outcome = match tokio::time::timeout(self.delivery_timeout, task).await {
                Ok(joined) => joined.map_err(|e| e.to_string()).and_then(|r| r.map_err(|e| e.0)),
                Err(_) => Err(format!("no answer within {} s", self.delivery_timeout.as_secs_f32())),
            };
            match outcome {
                Ok(()) => ok.push(name),
                Err(error) => {
                    tracing::warn!(path = name, incident = %incident.id, %error, "page delivery failed");
                    let _ = self.events.send(EngineEvent::DeliveryFailed {
                        path: name,
                        incident: incident.id,
                        error: error.clone(),
                    });
                    failed.push(format!("{name} ({error})"));
                }
            }
        }
        let who = self
            .klaxon
            .team()
            .person(&self.klaxon.team().me)
            .map_or(self.klaxon.team().me.as_str(), |p| p.name.as_str());
        let mut message = if ok.is_empty() {
            format!("Paging {who} failed on every path")
        } else {
            format!("Paged {who} via {}", ok.join(", "))
        };
        if !failed.is_empty() {
            message.push_str(&format!("; failed: {}", failed.join(", ")));
        }
        let log = LogEntry::new(Utc::now(), LogKind::Notified, message, Some("klaxon"));
        store.record_page(key, &log).await?;
        let _ = self.events.send(EngineEvent::IncidentsChanged);
        Ok(())
    }
}
