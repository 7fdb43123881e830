//! The pager: decides which triggers page me and how loudly (klaxon-core's policy), runs every
//! delivery path, records each trigger's page once, and keeps loud pages ringing until answered.
//!
//! A page is recorded as begun (`sending`) before any path runs and as sent once they have run,
//! so a crash re-sends only the pages in flight at that instant, marked "re-sent after a
//! restart". If the store cannot record (a full disk), the page is delivered anyway and
//! remembered here, so it is not delivered twice; its record is retried every tick.

mod batch;
mod ringing;
mod shadow;

use crate::delivery::on_every_path;
use crate::{Clock, EngineError, EngineEvent, Klaxon, Page, PageDelivery, Resource, RingState};
use chrono::{DateTime, Local, Utc};
use klaxon_core::pager::{PageKey, PageKind, PageQueue, decide};
use klaxon_core::{Incident, IncidentId, LogEntry, LogKind};
use klaxon_store::PageRecord;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

#[derive(Default)]
struct State {
    queue: PageQueue,
    /// Low-urgency pages waiting for quiet hours to end.
    held: Vec<PageKey>,
    /// Keys being paged right now, so concurrent triggers of the same key page once.
    in_flight: HashSet<PageKey>,
    /// The page whose ringtone is muted, and until when (a new page rings again at once).
    muted: Option<(IncidentId, DateTime<Utc>)>,
    /// What the delivery paths were last told should ring.
    announced: RingState,
    /// While [`Pager::page_all`] runs: first pages delivered but not yet recorded (recorded
    /// together, in one transaction, instead of one fsync each).
    batch: Option<Vec<(PageKey, LogEntry)>>,
    /// While a batch runs: what the store holds of each of its incidents' pages (read at once,
    /// kept up to date by this process's deliveries); `None`: never paged.
    batch_records: HashMap<PageKey, Option<PageRecord>>,
    /// Pages delivered whose record the store refused (e.g. a full disk): never delivered
    /// again by this process; recorded as soon as the store takes it.
    unrecorded: HashMap<PageKey, LogEntry>,
    /// First pages this process delivered lately (whatever their record says meanwhile), so
    /// that no race between a batch and a scan delivers one twice. Pruned after a while.
    delivered: HashMap<PageKey, Instant>,
}

/// How long [`State::delivered`] remembers a page (its record is long written by then).
const REMEMBER_DELIVERED: Duration = Duration::from_secs(600);

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
    /// One [`Pager::page_all`] at a time (two accounts' syncs may finish together).
    batches: tokio::sync::Mutex<()>,
    /// This pager instance, as the owner of the pages it records as being paged: a page being
    /// paged by another owner was interrupted by a crash.
    owner: String,
    /// The phone, one more path: planned here, pushed on its own time.
    phone: Arc<crate::phone::PhonePusher>,
}

impl Pager {
    pub fn new(
        klaxon: Arc<Klaxon>,
        deliveries: Vec<Arc<dyn PageDelivery>>,
        delivery_timeout: Duration,
        events: broadcast::Sender<EngineEvent>,
        clock: Clock,
        phone: Arc<crate::phone::PhonePusher>,
    ) -> Self {
        Self {
            phone,
            klaxon,
            deliveries,
            delivery_timeout,
            events,
            state: Mutex::new(State::default()),
            clock,
            batches: tokio::sync::Mutex::new(()),
            owner: format!("{}-{}", std::process::id(), Utc::now().timestamp_nanos_opt().unwrap_or_default()),
        }
    }

    /// The local wall-clock time (quiet hours).
    fn local_time(&self) -> chrono::NaiveTime {
        self.clock.now().with_timezone(&Local).time()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether a local incident's current trigger is one this pager delivers now (loud or
    /// normal), so the intake can record it as being paged in the alert's own transaction.
    pub fn delivers_now(&self, incident: &Incident) -> bool {
        let team = self.klaxon.team();
        matches!(
            decide(incident, &team.me, &team.pager, self.local_time()),
            Some((_, PageKind::Loud | PageKind::Normal))
        )
    }

    /// This pager instance's name as the owner of pages being paged.
    pub fn owner(&self) -> &str {
        &self.owner
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
        let known = {
            let state = self.state();
            if state.unrecorded.contains_key(&key) || state.delivered.contains_key(&key) {
                return Ok(Prior::Done);
            }
            // Only the batch's own keys were read with it; any other key is asked of the store.
            state.batch_records.get(&key).copied()
        };
        let record = match known {
            Some(record) => record,
            None => self.klaxon.store().page_state(key, &self.owner).await?,
        };
        Ok(match record {
            None => Prior::Fresh { begun: false },
            Some(PageRecord::Sending { ours: true }) => Prior::Fresh { begun: true },
            Some(PageRecord::Sending { ours: false }) => Prior::Interrupted,
            Some(PageRecord::Sent) => Prior::Done,
        })
    }

    async fn page_once(&self, key: PageKey, kind: PageKind, incident: &Incident) -> Result<(), EngineError> {
        let prior = self.prior(key).await?;
        match kind {
            PageKind::Loud => {
                {
                    let mut state = self.state();
                    if state.queue.add(key, incident, self.clock.now()) {
                        state.muted = None; // a new page rings, even while another one is muted
                    }
                }
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
        let mut resent = prior == Prior::Interrupted;
        if prior == (Prior::Fresh { begun: false }) {
            match self.klaxon.store().begin_page(key, self.clock.now(), &self.owner).await {
                Ok(true) => {}
                // Recorded meanwhile (what was read before is stale): go by the record.
                Ok(false) => match self.klaxon.store().page_state(key, &self.owner).await? {
                    Some(PageRecord::Sent) => return Ok(()),
                    _ => resent = true,
                },
                // Never silent: deliver anyway; this process remembers it was delivered.
                Err(e) => {
                    tracing::error!(incident = %incident.id, error = %e, "could not record the page before delivering it")
                }
            }
        }
        self.deliver(incident, kind, 0, resent).await
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
        let now = self.clock.now();
        let muted = self.state().muted.is_some_and(|(id, until)| id == incident.id && until > now);
        let ring = kind == PageKind::Loud && !muted;
        let page = Page { incident: incident.clone(), kind, realert, test: false, resent, ring };
        // The phone in its own task: the other paths never wait for it (nor for the screensaver
        // it may ask).
        let (phone, for_phone, loud) = (self.phone.clone(), incident.clone(), kind == PageKind::Loud);
        let every = self.klaxon.team().pager.realert_after;
        tokio::spawn(async move {
            match realert {
                0 => phone.paged(&for_phone, loud).await,
                n => phone.realerted(&for_phone, n, every).await,
            }
        });
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
                state.delivered.insert(key, Instant::now());
                if let Some(record) = state.batch_records.get_mut(&key) {
                    *record = Some(PageRecord::Sent);
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
        } else if let Err(e) = self.klaxon.store().append_log(incident.id, std::slice::from_ref(&log)).await {
            // The re-alert went out; only its timeline entry is missing.
            tracing::error!(incident = %incident.id, error = %e, "could not log a re-alert");
        }
        let _ = self.events.send(EngineEvent::Changed(&[Resource::Incidents]));
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
}
