//! The pager: decides which triggers page me and how loudly (klaxon-core's policy), runs every
//! delivery path, records each trigger's page once, and keeps loud pages ringing until answered.
//!
//! A page is recorded as begun (`sending`) before any path runs and as sent once they have run,
//! so a crash re-sends only the pages in flight at that instant, marked "re-sent after a
//! restart". If the store cannot record (a full disk), the page is delivered anyway and
//! remembered here, so it is not delivered twice; its record is retried every tick.

use crate::delivery::{on_every_path, send_test_page};
use crate::{Clock, EngineError, EngineEvent, Klaxon, Page, PageDelivery, RingState};
use chrono::{DateTime, Local, Utc};
use klaxon_core::pager::{PageKey, PageKind, PageQueue, decide, still_ringing};
use klaxon_core::{Incident, IncidentId, IncidentStatus, LogEntry, LogKind};
use klaxon_store::PageRecord;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::broadcast;

#[derive(Default)]
struct State {
    queue: PageQueue,
    /// Low-urgency pages waiting for quiet hours to end.
    held: Vec<PageKey>,
    /// Keys being paged right now, so concurrent triggers of the same key page once.
    in_flight: HashSet<PageKey>,
    muted_until: Option<DateTime<Utc>>,
    /// What the delivery paths were last told should ring.
    announced: RingState,
    /// While [`Pager::page_all`] runs: first pages delivered but not yet recorded (recorded
    /// together, in one transaction, instead of one fsync each).
    batch: Option<Vec<(PageKey, LogEntry)>>,
    /// While a batch runs: what the store holds of its incidents' pages (read at once, and kept
    /// up to date by this process's deliveries).
    batch_records: HashMap<PageKey, PageRecord>,
    /// Pages this process recorded as begun and has not finished delivering.
    begun: HashSet<PageKey>,
    /// Pages delivered whose record the store refused (e.g. a full disk): never delivered
    /// again by this process; recorded as soon as the store takes it.
    unrecorded: HashMap<PageKey, LogEntry>,
}

/// What is known of a trigger's page before paging it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prior {
    /// Never paged; `begun`: its `sending` record is written already (a batch wrote it).
    Fresh { begun: bool },
    /// Begun by a process that stopped mid-delivery: deliver again, saying so.
    Interrupted,
    /// Paged already.
    Done,
}

pub(crate) struct Pager {
    klaxon: Arc<Klaxon>,
    deliveries: Vec<Arc<dyn PageDelivery>>,
    delivery_timeout: Duration,
    events: broadcast::Sender<EngineEvent>,
    state: Mutex<State>,
    clock: Clock,
}

impl Pager {
    pub fn new(
        klaxon: Arc<Klaxon>,
        deliveries: Vec<Arc<dyn PageDelivery>>,
        delivery_timeout: Duration,
        events: broadcast::Sender<EngineEvent>,
        clock: Clock,
    ) -> Self {
        Self { klaxon, deliveries, delivery_timeout, events, state: Mutex::new(State::default()), clock }
    }

    /// The local wall-clock time (quiet hours).
    fn local_time(&self) -> chrono::NaiveTime {
        self.clock.now().with_timezone(&Local).time()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn me(&self) -> &str {
        &self.klaxon.team().me
    }

    /// Looks at every triggered incident (start-up, other processes' changes): pages what has not
    /// been paged and puts unanswered loud pages back in the ringing queue.
    pub async fn scan(&self) -> Result<(), EngineError> {
        for incident in self.klaxon.store().triggered_incidents().await? {
            self.page_if_due(&incident).await?;
        }
        self.refresh_ringing().await
    }

    /// [`Pager::page_if_due`] for many incidents at once (a platform sync): the pages are
    /// recorded as begun in one transaction before any is delivered, and as sent in one more.
    pub async fn page_all(&self, incidents: &[Incident]) -> Result<(), EngineError> {
        let keys: Vec<PageKey> =
            incidents.iter().map(|i| PageKey { incident: i.id, trigger_seq: i.trigger_seq }).collect();
        let mut records = self.klaxon.store().page_states(&keys).await?;
        let outer = self.state().batch.is_none();
        if outer {
            let fresh = self.deliverable(incidents, &records).await?;
            match self.klaxon.store().begin_pages(&fresh, self.clock.now()).await {
                Ok(_) => {
                    let mut state = self.state();
                    for key in fresh {
                        records.insert(key, PageRecord::Sending);
                        state.begun.insert(key);
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not record pages before delivering them; delivering anyway")
                }
            }
            let mut state = self.state();
            state.batch = Some(Vec::new());
            state.batch_records = records;
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
    async fn deliverable(
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
    async fn record(&self, pages: Vec<(PageKey, LogEntry)>) {
        if pages.is_empty() {
            return;
        }
        let result = self.klaxon.store().record_pages(&pages).await;
        let mut state = self.state();
        for (key, _) in &pages {
            state.begun.remove(key);
        }
        if let Err(e) = result {
            tracing::error!(error = %e, pages = pages.len(), "could not record delivered pages; will retry");
            state.unrecorded.extend(pages);
        }
    }

    /// Retries recording pages the store refused before.
    async fn record_unrecorded(&self) {
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
            let _ = self.events.send(EngineEvent::IncidentsChanged);
        }
    }

    /// Pages this incident's current trigger if it is for me and not paged yet; keeps a loud one
    /// ringing until answered.
    pub async fn page_if_due(&self, incident: &Incident) -> Result<(), EngineError> {
        let settings = &self.klaxon.team().pager;
        let me = self.klaxon.me_for(&incident.account).await?;
        let Some((key, kind)) = decide(incident, &me, settings, self.local_time()) else {
            return self.shadow_if_followed(incident).await;
        };
        if !self.state().in_flight.insert(key) {
            return Ok(());
        }
        let result = self.page_once(key, kind, incident).await;
        let batching = {
            let mut state = self.state();
            state.in_flight.remove(&key);
            state.batch.is_some()
        };
        result?;
        if !batching {
            self.announce().await; // a batch announces once, at its end
        }
        Ok(())
    }

    /// What is known of `key`'s page (from the batch's read, or the store).
    async fn prior(&self, key: PageKey) -> Result<Prior, EngineError> {
        let (known, ours) = {
            let state = self.state();
            if state.unrecorded.contains_key(&key) {
                return Ok(Prior::Done);
            }
            let known = state.batch.is_some().then(|| state.batch_records.get(&key).copied());
            (known, state.begun.contains(&key))
        };
        let record = match known {
            Some(record) => record,
            None => self.klaxon.store().page_state(key).await?,
        };
        Ok(match record {
            None => Prior::Fresh { begun: false },
            Some(PageRecord::Sending) if ours => Prior::Fresh { begun: true },
            Some(PageRecord::Sending) => Prior::Interrupted,
            Some(PageRecord::Sent) => Prior::Done,
        })
    }

    async fn page_once(&self, key: PageKey, kind: PageKind, incident: &Incident) -> Result<(), EngineError> {
        let prior = self.prior(key).await?;
        match kind {
            PageKind::Loud => {
                self.state().queue.add(key, self.clock.now());
                if prior != Prior::Done {
                    self.first_page(key, kind, incident, prior).await?;
                }
            }
            PageKind::Normal if prior != Prior::Done => self.first_page(key, kind, incident, prior).await?,
            PageKind::Held if prior != Prior::Done => {
                let mut state = self.state();
                if !state.held.contains(&key) {
                    state.held.push(key);
                    tracing::info!(incident = %incident.id, "low-urgency page held for quiet hours");
                }
            }
            PageKind::Normal | PageKind::Held | PageKind::Shadow => {}
        }
        Ok(())
    }

    /// Records the page as begun (if not yet), delivers it on every path, records it as sent.
    async fn first_page(
        &self,
        key: PageKey,
        kind: PageKind,
        incident: &Incident,
        prior: Prior,
    ) -> Result<(), EngineError> {
        if prior == (Prior::Fresh { begun: false }) {
            match self.klaxon.store().begin_page(key, self.clock.now()).await {
                Ok(_) => {
                    self.state().begun.insert(key);
                }
                // Never silent: deliver anyway; this process remembers it was delivered.
                Err(e) => {
                    tracing::error!(incident = %incident.id, error = %e, "could not record the page before delivering it")
                }
            }
        }
        self.deliver(incident, kind, 0, prior == Prior::Interrupted).await
    }

    /// Shows someone else's page to me as a shadow, once per trigger, if I follow them.
    async fn shadow_if_followed(&self, incident: &Incident) -> Result<(), EngineError> {
        let team = self.klaxon.team();
        let targets = self.klaxon.shadow_targets();
        let Some(target) = targets.iter().find(|t| t.follows(incident, team, self.clock.now())) else { return Ok(()) };
        let key = PageKey { incident: incident.id, trigger_seq: incident.trigger_seq };
        if !self.state().in_flight.insert(key) {
            return Ok(());
        }
        let result = self.shadow_once(key, target, incident).await;
        self.state().in_flight.remove(&key);
        result
    }

    async fn shadow_once(
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
        let _ = self.events.send(EngineEvent::IncidentsChanged);
        Ok(())
    }

    /// My display name, for the timeline.
    fn my_name(&self) -> &str {
        self.klaxon.team().person(self.me()).map_or(self.me(), |p| p.name.as_str())
    }

    /// Tells the shells, runs every path, and words the timeline entry:
    /// "`verb` via a, b; failed: c (why)" or "`verb`: failed on every path".
    async fn send_page(&self, page: Page, verb: &str) -> String {
        let incident = page.incident.id;
        let _ = self.events.send(EngineEvent::Paged(page.clone()));
        let results = self.run_paths(incident, move |d| d.deliver(&page)).await;
        let ok: Vec<_> = results.iter().filter(|(_, r)| r.is_ok()).map(|(n, _)| *n).collect();
        let failed: Vec<_> =
            results.iter().filter_map(|(n, r)| r.as_ref().err().map(|e| format!("{n} ({e})"))).collect();
        let mut message = if ok.is_empty() {
            format!("{verb}: failed on every path")
        } else {
            format!("{verb} via {}", ok.join(", "))
        };
        if !failed.is_empty() {
            message.push_str(&format!("; failed: {}", failed.join(", ")));
        }
        message
    }

    /// Runs every delivery path for one page or re-alert, and records it in the timeline (and,
    /// for a first alert, as paged). `resent`: a first alert delivered again after a restart.
    async fn deliver(
        &self,
        incident: &Incident,
        kind: PageKind,
        realert: u32,
        resent: bool,
    ) -> Result<(), EngineError> {
        let muted = self.state().muted_until.is_some();
        let ring = kind == PageKind::Loud && !muted;
        let page = Page { incident: incident.clone(), kind, realert, test: false, resent, ring };
        let who = self.my_name();
        let mut verb = if realert > 0 { format!("Re-alerted {who} (#{realert})") } else { format!("Paged {who}") };
        if resent {
            verb.push_str(" (re-sent after a restart)");
        }
        let mut message = self.send_page(page, &verb).await;
        if kind == PageKind::Loud && muted {
            message.push_str("; ringtone muted");
        }
        let log = LogEntry::new(self.clock.now(), LogKind::Notified, message, Some("klaxon"));
        if realert == 0 {
            let key = PageKey { incident: incident.id, trigger_seq: incident.trigger_seq };
            let unbatched = {
                let mut state = self.state();
                if state.batch.is_some() {
                    state.batch_records.insert(key, PageRecord::Sent);
                }
                match state.batch.as_mut() {
                    Some(batch) => {
                        batch.push((key, log));
                        None
                    }
                    None => Some(log),
                }
            };
            if let Some(log) = unbatched {
                self.record(vec![(key, log)]).await;
            }
        } else {
            self.klaxon.store().append_log(incident.id, std::slice::from_ref(&log)).await?;
        }
        let _ = self.events.send(EngineEvent::IncidentsChanged);
        Ok(())
    }

    /// Runs `f` on every path (see [`on_every_path`]) and reports failures as events.
    async fn run_paths<F>(&self, incident: IncidentId, f: F) -> Vec<(&'static str, Result<(), String>)>
    where
        F: Fn(&dyn PageDelivery) -> Result<(), crate::DeliveryError> + Send + Sync + 'static,
    {
        let results = on_every_path(&self.deliveries, self.delivery_timeout, f).await;
        for (name, outcome) in &results {
            if let Err(error) = outcome {
                tracing::warn!(path = name, %incident, %error, "delivery path failed");
                let _ = self.events.send(EngineEvent::DeliveryFailed { path: name, incident, error: error.clone() });
            }
        }
        results
    }

    /// One tick: drops answered pages, re-alerts unanswered ones, releases held pages after
    /// quiet hours, ends an expired mute, and tells the paths what should ring.
    pub async fn tick(&self) -> Result<(), EngineError> {
        self.record_unrecorded().await;
        self.refresh_ringing().await?;
        let now = self.clock.now();
        let settings = self.klaxon.team().pager.clone();
        let due = self.state().queue.due_realerts(now, &settings);
        for id in due {
            let incident = self.klaxon.store().incident(id).await?;
            let realert = self.state().queue.entries().iter().find(|e| e.key.incident == id).map_or(1, |e| e.realerts);
            self.deliver(&incident, PageKind::Loud, realert, false).await?;
        }
        let quiet = settings.quiet_hours.is_some_and(|q| q.contains(self.local_time()));
        if !quiet {
            let held = std::mem::take(&mut self.state().held);
            for key in held {
                let incident = self.klaxon.store().incident(key.incident).await?;
                if incident.trigger_seq == key.trigger_seq && incident.status == IncidentStatus::Triggered {
                    self.page_if_due(&incident).await?;
                }
            }
        }
        {
            let mut state = self.state();
            if state.muted_until.is_some_and(|t| t <= now) {
                state.muted_until = None;
            }
        }
        self.announce().await;
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

    /// Tells the paths what should ring, if that changed.
    async fn announce(&self) {
        let (head, unanswered, muted) = {
            let state = self.state();
            (state.queue.ringing().map(|r| r.key.incident), state.queue.len(), state.muted_until.is_some())
        };
        let current = match head {
            Some(id) => self.klaxon.store().incident(id).await.ok(),
            None => None,
        };
        let next_up = current.as_ref().map(|i| self.klaxon.next_up(i)).unwrap_or_default();
        let unanswered = u32::try_from(unanswered).unwrap_or(u32::MAX);
        let ring = RingState { current, unanswered, muted, next_up };
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

    /// Silences ringing for `duration`; pages stay unanswered and re-alerts still happen.
    pub async fn mute(&self, duration: Duration) {
        let until =
            self.clock.now() + chrono::Duration::from_std(duration).unwrap_or_else(|_| chrono::Duration::minutes(5));
        self.state().muted_until = Some(until);
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
