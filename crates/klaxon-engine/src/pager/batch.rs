//! Paging a platform sync's incidents at once: pages begun and recorded in one transaction each,
//! and records the store refused kept in memory until it takes them.

use super::Pager;
use crate::{EngineError, EngineEvent, Resource};
use klaxon_core::pager::{PageKey, PageKind, decide};
use klaxon_core::{Incident, LogEntry};
use klaxon_store::PageRecord;
use std::collections::HashMap;

impl Pager {
    /// [`Pager::page_if_due`] for many incidents at once (a platform sync): the pages are
    /// recorded as begun in one transaction before any is delivered, and as sent in one more.
    pub async fn page_all(&self, incidents: &[Incident]) -> Result<(), EngineError> {
        let _one_batch = self.batches.lock().await;
        let keys: Vec<PageKey> =
            incidents.iter().map(|i| PageKey { incident: i.id, trigger_seq: i.trigger_seq }).collect();
        let mut records = self.klaxon.store().page_states(&keys, &self.owner).await?;
        let outer = self.state().batch.is_none();
        if outer {
            let fresh = self.deliverable(incidents, &records).await?;
            match self.klaxon.store().begin_pages(&fresh, self.clock.now(), &self.owner).await {
                Ok(_) => {
                    for key in fresh {
                        records.insert(key, PageRecord::Sending { ours: true });
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not record pages before delivering them; delivering anyway")
                }
            }
            let mut state = self.state();
            state.batch = Some(Vec::new());
            state.batch_records = keys.iter().map(|k| (*k, records.get(k).copied())).collect();
        }
        let mut result = Ok(());
        for incident in incidents {
            if let Err(e) = self.page_if_due(incident).await {
                tracing::error!(incident = %incident.id, error = %e, "paging failed");
                result = Err(e);
            }
        }
        if outer {
            let batch = {
                let mut state = self.state();
                state.batch_records.clear();
                state.batch.take().unwrap_or_default()
            };
            self.record(batch).await;
            self.announce().await;
        }
        result
    }

    /// The keys among `incidents` that would be delivered now and were never paged.
    pub(super) async fn deliverable(
        &self,
        incidents: &[Incident],
        records: &HashMap<PageKey, PageRecord>,
    ) -> Result<Vec<PageKey>, EngineError> {
        let settings = &self.klaxon.team().pager;
        let mut fresh = Vec::new();
        for incident in incidents {
            let me = self.klaxon.me_for(&incident.account).await?;
            if let Some((key, PageKind::Loud | PageKind::Normal)) = decide(incident, &me, settings, self.local_time())
                && !records.contains_key(&key)
                && !self.state().unrecorded.contains_key(&key)
            {
                fresh.push(key);
            }
        }
        Ok(fresh)
    }

    /// Records delivered pages as sent (with their timeline entries); what the store refuses is
    /// kept in memory and retried on the next tick.
    pub(super) async fn record(&self, pages: Vec<(PageKey, LogEntry)>) {
        if pages.is_empty() {
            return;
        }
        let result = self.klaxon.store().record_pages(&pages).await;
        let mut state = self.state();
        if let Err(e) = result {
            tracing::error!(error = %e, pages = pages.len(), "could not record delivered pages; will retry");
            state.unrecorded.extend(pages);
        }
    }

    /// Retries recording pages the store refused before.
    pub(super) async fn record_unrecorded(&self) {
        let pages: Vec<(PageKey, LogEntry)> = {
            let state = self.state();
            if state.unrecorded.is_empty() {
                return;
            }
            state.unrecorded.iter().map(|(k, l)| (*k, l.clone())).collect()
        };
        if self.klaxon.store().record_pages(&pages).await.is_ok() {
            let mut state = self.state();
            for (key, _) in &pages {
                state.unrecorded.remove(key);
            }
            tracing::info!(pages = pages.len(), "recorded pages delivered while the store refused writes");
            let _ = self.events.send(EngineEvent::Changed(&[Resource::Incidents]));
        }
    }
}
