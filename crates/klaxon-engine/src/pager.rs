//! The pager: decides which triggers page me and how loudly (klaxon-core's policy), runs every
//! delivery path, records each trigger's page once, and keeps loud pages ringing until answered.

use crate::{EngineError, EngineEvent, Klaxon, Page, PageDelivery, RingState};
use chrono::{DateTime, Local, Utc};
use klaxon_core::pager::{PageKey, PageKind, PageQueue, decide, still_ringing};
use klaxon_core::{Incident, IncidentId, IncidentStatus, LogEntry, LogKind};
use std::collections::HashSet;
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
    /// While a batch runs: which of its incidents' triggers were paged before it (read at once).
    batch_paged: HashSet<PageKey>,
}

pub(crate) struct Pager {
    klaxon: Arc<Klaxon>,
    deliveries: Vec<Arc<dyn PageDelivery>>,
    delivery_timeout: Duration,
    events: broadcast::Sender<EngineEvent>,
    state: Mutex<State>,
}

fn local_time() -> chrono::NaiveTime {
    Local::now().time()
}

impl Pager {
    pub fn new(
        klaxon: Arc<Klaxon>,
        deliveries: Vec<Arc<dyn PageDelivery>>,
        delivery_timeout: Duration,
        events: broadcast::Sender<EngineEvent>,
    ) -> Self {
        Self { klaxon, deliveries, delivery_timeout, events, state: Mutex::new(State::default()) }
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

    /// [`Pager::page_if_due`] for many incidents at once (a platform sync), recording the pages
    /// in one transaction at the end. A crash before that re-pages them after restart: a page
    /// may come twice, never not at all.
    pub async fn page_all(&self, incidents: &[Incident]) -> Result<(), EngineError> {
        let keys: Vec<PageKey> =
            incidents.iter().map(|i| PageKey { incident: i.id, trigger_seq: i.trigger_seq }).collect();
        let paged = self.klaxon.store().paged_keys(&keys).await?;
        let outer = {
            let mut state = self.state();
            let outer = state.batch.is_none();
            if outer {
                state.batch = Some(Vec::new());
                state.batch_paged = paged;
            }
            outer
        };
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
                state.batch_paged.clear();
                state.batch.take().unwrap_or_default()
            };
            self.klaxon.store().record_pages(&batch).await?;
            self.announce().await;
        }
        result
    }

    /// Pages this incident's current trigger if it is for me and not paged yet; keeps a loud one
    /// ringing until answered.
    pub async fn page_if_due(&self, incident: &Incident) -> Result<(), EngineError> {
        let settings = &self.klaxon.team().pager;
        let me = self.klaxon.me_for(&incident.account).await?;
        let Some((key, kind)) = decide(incident, &me, settings, local_time()) else {
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

    async fn page_once(&self, key: PageKey, kind: PageKind, incident: &Incident) -> Result<(), EngineError> {
        let known = {
            let state = self.state();
            state.batch.is_some().then(|| state.batch_paged.contains(&key))
        };
        let paged = match known {
            Some(paged) => paged,
            None => self.klaxon.store().was_paged(key).await?,
        };
        match kind {
            PageKind::Loud => {
                self.state().queue.add(key, Utc::now());
                if !paged {
                    self.deliver(incident, kind, 0).await?;
                }
            }
            PageKind::Normal if !paged => self.deliver(incident, kind, 0).await?,
            PageKind::Held if !paged => {
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

    /// Shows someone else's page to me as a shadow, once per trigger, if I follow them.
    async fn shadow_if_followed(&self, incident: &Incident) -> Result<(), EngineError> {
        let team = self.klaxon.team();
        let targets = self.klaxon.shadow_targets();
        let Some(target) = targets.iter().find(|t| t.follows(incident, team, Utc::now())) else { return Ok(()) };
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
        let page = Page { incident: incident.clone(), kind: PageKind::Shadow, realert: 0, test: false };
        let verb = format!("Shadow notification to {} (following {target})", self.my_name());
        let message = self.send_page(page, &verb).await;
        let log = LogEntry::new(Utc::now(), LogKind::Note, message, Some("klaxon"));
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
    /// for a first alert, as paged).
    async fn deliver(&self, incident: &Incident, kind: PageKind, realert: u32) -> Result<(), EngineError> {
        let page = Page { incident: incident.clone(), kind, realert, test: false };
        let who = self.my_name();
        let verb = if realert > 0 { format!("Re-alerted {who} (#{realert})") } else { format!("Paged {who}") };
        let message = self.send_page(page, &verb).await;
        let log = LogEntry::new(Utc::now(), LogKind::Notified, message, Some("klaxon"));
        if realert == 0 {
            let key = PageKey { incident: incident.id, trigger_seq: incident.trigger_seq };
            let unbatched = {
                let mut state = self.state();
                match state.batch.as_mut() {
                    Some(batch) => {
                        batch.push((key, log));
                        None
                    }
                    None => Some(log),
                }
            };
            if let Some(log) = unbatched {
                self.klaxon.store().record_page(key, &log).await?;
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
        self.refresh_ringing().await?;
        let now = Utc::now();
        let settings = self.klaxon.team().pager.clone();
        let due = self.state().queue.due_realerts(now, &settings);
        for id in due {
            let incident = self.klaxon.store().incident(id).await?;
            let realert = self.state().queue.entries().iter().find(|e| e.key.incident == id).map_or(1, |e| e.realerts);
            self.deliver(&incident, PageKind::Loud, realert).await?;
        }
        let quiet = settings.quiet_hours.is_some_and(|q| q.contains(local_time()));
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
        let until = Utc::now() + chrono::Duration::from_std(duration).unwrap_or_else(|_| chrono::Duration::minutes(5));
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

/// Runs `f` on every path, each on its own blocking thread with a timeout, so one failing or
/// hanging path never holds up the others. Returns each path's outcome, in order.
pub async fn on_every_path<F>(
    deliveries: &[Arc<dyn PageDelivery>],
    timeout: Duration,
    f: F,
) -> Vec<(&'static str, Result<(), String>)>
where
    F: Fn(&dyn PageDelivery) -> Result<(), crate::DeliveryError> + Send + Sync + 'static,
{
    let f = Arc::new(f);
    let tasks: Vec<_> = deliveries
        .iter()
        .map(|d| {
            let (d, f) = (d.clone(), f.clone());
            (d.name(), tokio::task::spawn_blocking(move || f(d.as_ref())))
        })
        .collect();
    let mut results = Vec::with_capacity(tasks.len());
    for (name, task) in tasks {
        let outcome = match tokio::time::timeout(timeout, task).await {
            Ok(joined) => joined.map_err(|e| e.to_string()).and_then(|r| r.map_err(|e| e.0)),
            Err(_) => Err(format!("no answer within {} s", timeout.as_secs_f32())),
        };
        results.push((name, outcome));
    }
    results
}

/// Sends a test page (loud, marked as a test, nothing stored) through `deliveries`.
pub async fn send_test_page(
    deliveries: &[Arc<dyn PageDelivery>],
    me: &str,
    timeout: Duration,
) -> Vec<(&'static str, Result<(), String>)> {
    let page = Page { incident: test_incident(me), kind: PageKind::Loud, realert: 0, test: true };
    on_every_path(deliveries, timeout, move |d| d.deliver(&page)).await
}

/// The synthetic incident of a test page.
pub fn test_incident(me: &str) -> Incident {
    let mut incident = Incident::new_triggered(
        "local",
        "Klaxon test page",
        klaxon_core::Severity::Sev1,
        klaxon_core::Urgency::High,
        Utc::now(),
    );
    incident.provider_ref = "test-page".into();
    incident.service = Some("klaxon".into());
    incident.assignees = vec![me.to_owned()];
    incident.details.text = Some("This is a test. Nothing is wrong.".into());
    incident
}
