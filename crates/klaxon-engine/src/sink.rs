//! The engine side of the intake: store alerts durably, then page.

use crate::pager::Pager;
use crate::{EngineEvent, Klaxon, Resource};
use klaxon_core::Alert;
use klaxon_providers::intake::{Accepted, AlertSink, Change};
use klaxon_store::IngestChange;
use std::sync::Arc;
use tokio::sync::{broadcast, watch};

pub(crate) struct Sink {
    pub klaxon: Arc<Klaxon>,
    pub pager: Arc<Pager>,
    pub events: broadcast::Sender<EngineEvent>,
    pub clock: crate::Clock,
    /// How many of the pages begun for accepted alerts are not done yet.
    pub paging: Arc<watch::Sender<usize>>,
}

/// Counts one page begun by the intake until dropped (also if paging panics).
struct Begun(Arc<watch::Sender<usize>>);

impl Begun {
    fn new(paging: &Arc<watch::Sender<usize>>) -> Self {
        paging.send_modify(|n| *n += 1);
        Self(paging.clone())
    }
}

impl Drop for Begun {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n -= 1);
    }
}

impl AlertSink for Sink {
    async fn ingest(&self, alerts: Vec<Alert>) -> Result<Vec<Accepted>, Box<dyn std::error::Error + Send + Sync>> {
        // The pages these alerts cause are recorded as being paged in the same transaction.
        let pages = |incident: &klaxon_core::Incident| self.pager.delivers_now(incident);
        let paging = Some(klaxon_store::Paging { owner: self.pager.owner(), pages: &pages });
        let store = self.klaxon.store();
        let results = store.ingest_alerts_paging(&alerts, self.klaxon.team(), self.clock.now(), paging).await?;
        let _ = self.events.send(EngineEvent::Changed(&[Resource::Incidents]));
        let mut accepted = Vec::with_capacity(results.len());
        for r in results {
            if let Some(incident) = r.incident.clone() {
                // Page without holding up the sender's response.
                let pager = self.pager.clone();
                let begun = Begun::new(&self.paging);
                tokio::spawn(async move {
                    let _done = begun;
                    if let Err(e) = pager.page_if_due(&incident).await {
                        tracing::error!(error = %e, "paging failed");
                    }
                });
            }
            let change = match r.change {
                IngestChange::Created => Change::Created,
                IngestChange::Updated => Change::Updated,
                IngestChange::Ignored => Change::Ignored,
            };
            accepted.push(Accepted { incident: r.incident.map(|i| i.id), change });
        }
        Ok(accepted)
    }
}
