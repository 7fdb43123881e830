//! Keeping loud pages ringing until answered: re-alerts, held pages, mute, and what the paths ring.

use super::{Pager, REMEMBER_DELIVERED};
use crate::delivery::send_test_page;
use crate::{EngineError, EngineEvent, RingState};
use klaxon_core::pager::{PageKey, PageKind, WaitingPage, still_ringing};
use klaxon_core::{IncidentId, IncidentStatus};
use std::time::Duration;

impl Pager {
    /// One tick: ends an expired mute, drops answered pages, re-alerts unanswered ones, releases
    /// held pages after quiet hours, and tells the paths what should ring. A step that fails (a
    /// full disk) is logged and the others still run; the first error is returned at the end.
    pub async fn tick(&self) -> Result<(), EngineError> {
        let now = self.clock.now();
        {
            let mut state = self.state();
            if state.muted.is_some_and(|(_, until)| until <= now) {
                state.muted = None;
            }
            state.delivered.retain(|_, at| at.elapsed() < REMEMBER_DELIVERED);
        }
        self.record_unrecorded().await;
        let mut first_error = None;
        let mut keep = |result: Result<(), EngineError>, what: &str| {
            if let Err(e) = result {
                tracing::error!(error = %e, "pager tick: {what} failed");
                first_error.get_or_insert(e);
            }
        };
        keep(self.refresh_ringing().await, "dropping answered pages");
        let settings = self.klaxon.team().pager.clone();
        let due = self.state().queue.due_realerts(now, &settings);
        for id in due {
            keep(self.realert(id).await, "a re-alert");
        }
        let quiet = settings.quiet_hours.is_some_and(|q| q.contains(self.local_time()));
        if !quiet {
            let held = std::mem::take(&mut self.state().held);
            for key in held {
                let result = self.release(key).await;
                if result.is_err() {
                    self.state().held.push(key); // tried again next tick
                }
                keep(result, "releasing a held page");
            }
        }
        self.announce().await;
        first_error.map_or(Ok(()), Err)
    }

    async fn realert(&self, id: IncidentId) -> Result<(), EngineError> {
        let incident = self.klaxon.store().incident(id).await?;
        let realert = self.state().queue.entries().iter().find(|e| e.key.incident == id).map_or(1, |e| e.realerts);
        self.deliver(&incident, PageKind::Loud, realert, false).await
    }

    /// Pages a held low-urgency trigger now, if it still stands.
    async fn release(&self, key: PageKey) -> Result<(), EngineError> {
        let incident = match self.klaxon.store().incident(key.incident).await {
            Ok(incident) => incident,
            Err(klaxon_store::StoreError::NotFound(_)) => return Ok(()), // its account was removed
            Err(e) => return Err(e.into()),
        };
        if incident.trigger_seq == key.trigger_seq && incident.status == IncidentStatus::Triggered {
            self.page_if_due(&incident).await?;
        }
        Ok(())
    }

    /// Drops queued pages that are answered (acknowledged, resolved, or no longer mine).
    pub async fn refresh_ringing(&self) -> Result<(), EngineError> {
        let queued: Vec<PageKey> = self.state().queue.entries().iter().map(|e| e.key).collect();
        let mut answered = Vec::new();
        for key in queued {
            let incident = match self.klaxon.store().incident(key.incident).await {
                Ok(i) => Some(i),
                Err(klaxon_store::StoreError::NotFound(_)) => None,
                Err(e) => return Err(e.into()),
            };
            let ringing = match &incident {
                Some(i) => still_ringing(key, i, &self.klaxon.me_for(&i.account).await?),
                None => false,
            };
            if !ringing {
                answered.push(key.incident);
            }
        }
        for id in answered {
            self.state().queue.remove(id);
            self.run_paths(id, move |d| d.answered(id)).await;
        }
        Ok(())
    }

    /// Says again what rings once whom it escalates to may have changed (a sync saved on-call).
    pub async fn on_call_changed(&self) {
        self.announce().await;
    }

    /// Tells the paths what should ring, if that changed.
    pub(super) async fn announce(&self) {
        let (head, unanswered, muted_until, waiting) = {
            let state = self.state();
            let order = state.queue.in_ring_order();
            let head = order.first().map(|r| r.key.incident);
            let muted_until = state.muted.filter(|(id, _)| Some(*id) == head).map(|(_, until)| until);
            let waiting: Vec<WaitingPage> = order
                .iter()
                .skip(1)
                .map(|r| WaitingPage {
                    id: r.key.incident,
                    severity: r.severity,
                    title: r.title.clone(),
                    since: r.since,
                })
                .collect();
            (head, state.queue.len(), muted_until, waiting)
        };
        let current = match head {
            Some(id) => self.klaxon.store().incident(id).await.ok(),
            None => None,
        };
        let escalates_to = match &current {
            Some(i) => self.klaxon.escalates_to(i).await.unwrap_or_else(|e| {
                tracing::warn!(incident = %i.id, error = %e, "cannot tell whom the page escalates to");
                None
            }),
            None => None,
        };
        let next_known = escalates_to.is_some();
        let next_up = escalates_to.unwrap_or_default();
        let unanswered = u32::try_from(unanswered).unwrap_or(u32::MAX);
        let muted = muted_until.is_some();
        let ring = RingState { current, unanswered, muted, muted_until, waiting, next_up, next_known };
        {
            let mut state = self.state();
            if state.announced == ring {
                return;
            }
            state.announced = ring.clone();
        }
        let _ = self.events.send(EngineEvent::Ringing(ring.clone()));
        let incident = ring.current.as_ref().map_or(IncidentId(0), |i| i.id);
        self.run_paths(incident, move |d| d.ringing(&ring)).await;
    }

    /// Silences the ringing page's ringtone for `duration`; it stays unanswered and re-alerts
    /// still happen. A new page (or a worse one taking over) rings at once.
    pub async fn mute(&self, duration: Duration) {
        let until =
            self.clock.now() + chrono::Duration::from_std(duration).unwrap_or_else(|_| chrono::Duration::minutes(5));
        {
            let mut state = self.state();
            state.muted = state.queue.ringing().map(|r| (r.key.incident, until));
        }
        self.announce().await;
    }

    /// Lets the muted page ring again.
    pub async fn unmute(&self) {
        self.state().muted = None;
        self.announce().await;
    }

    /// What rings now.
    pub fn ring_state(&self) -> RingState {
        self.state().announced.clone()
    }

    /// Sends a test page through every path (no incident, nothing stored) and reports each.
    pub async fn test_page(&self) -> Vec<(&'static str, Result<(), String>)> {
        send_test_page(&self.deliveries, self.me(), self.delivery_timeout).await
    }
}
