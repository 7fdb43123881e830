//! The owning engine: intake, escalation timers and pager for one data dir.

mod checks;
mod covers;
mod options;
mod phone;

pub use options::EngineOptions;

use crate::accounts::NewAccount;
use crate::actions::UserAction;
use crate::pager::Pager;
use crate::remote::Remote;
use crate::runners::Runners;
use crate::sink::Sink;
use crate::timers::Timers;
use crate::{DataDirLock, EngineError, EngineEvent, Klaxon, Resource};
use chrono::Utc;
use klaxon_core::{Account, OutboxEntry, RemoteUser, ShadowSettings};
use klaxon_core::{Incident, IncidentId};
use klaxon_providers::intake::{self, IntakeConfig, IntakeHandle};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

/// The running engine. Only one per data dir (see [`DataDirLock`]).
pub struct Engine {
    klaxon: Arc<Klaxon>,
    pager: Arc<Pager>,
    phone: Arc<crate::phone::PhonePusher>,
    events: broadcast::Sender<EngineEvent>,
    intake_addr: Option<SocketAddr>,
    runners: Arc<Runners>,
    stop: watch::Sender<bool>,
    passes: watch::Receiver<u64>,
    /// How many pages begun by the intake are not done yet.
    intake_paging: watch::Receiver<usize>,
    /// Taken by the first `shutdown`.
    running: tokio::sync::Mutex<Option<(Option<IntakeHandle>, JoinHandle<()>)>>,
    /// Where checklists run (the keyring, HTTP settings, this process's delivery paths).
    checks: crate::checklists::CheckContext,
    _lock: DataDirLock,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("paths", self.klaxon.paths()).field("intake", &self.intake_addr()).finish()
    }
}

impl Engine {
    /// Takes ownership of the data dir, starts the intake and timers, and pages whatever is
    /// waiting (triggers that arrived or escalated while no engine ran).
    pub async fn start(klaxon: Klaxon, options: EngineOptions) -> Result<Self, EngineError> {
        let lock = DataDirLock::acquire(&klaxon.paths().data_dir)?;
        klaxon.store().save_team(klaxon_store::LOCAL_ACCOUNT, klaxon.team()).await?;
        let klaxon = Arc::new(klaxon);
        let (events, _) = broadcast::channel(256);
        let checks = crate::checklists::CheckContext {
            secrets: options.secrets.clone(),
            http: options.http,
            deliveries: options.deliveries.clone(),
            probes: crate::checklists::HttpProbeOptions::default(),
            phone: options.phone.clone(),
        };
        let pre_shift = crate::checklists::PreShift { ctx: checks.clone(), last_looked: None };
        let reminders = crate::reminders::ShiftReminders { deliveries: checks.deliveries.clone(), last_looked: None };
        let client = klaxon_ical::Fetcher::new()
            .map_err(|e| EngineError::InvalidInput(format!("cannot fetch calendars: {e}")))?;
        let calendars = crate::calendars::CalendarRefresh { client, last: None };
        let phone = Arc::new(crate::phone::PhonePusher::new(
            klaxon.clone(),
            options.phone,
            options.screen,
            options.secrets.clone(),
            events.clone(),
            options.clock.clone(),
        ));
        let pager = Arc::new(Pager::new(
            klaxon.clone(),
            options.deliveries,
            options.delivery_timeout,
            events.clone(),
            options.clock.clone(),
            phone.clone(),
        ));
        let (intake_paging_tx, intake_paging) = watch::channel(0);
        let settings = klaxon.intake_settings().clone();
        for warning in crate::team_file_warnings(&klaxon.paths().config_file, klaxon.intake_settings()) {
            tracing::warn!("{warning}");
        }
        let intake = if settings.enabled {
            let (k, secrets) = (klaxon.clone(), options.secrets.clone());
            let token = tokio::task::spawn_blocking(move || k.intake_token(secrets.as_ref(), true))
                .await
                .map_err(|e| EngineError::Internal(e.to_string()))??;
            let mut config = IntakeConfig::new(settings.listen, token, settings.grouping);
            config.unknown_severity = settings.unknown_severity;
            let sink = Sink {
                klaxon: klaxon.clone(),
                pager: pager.clone(),
                events: events.clone(),
                clock: options.clock.clone(),
                paging: Arc::new(intake_paging_tx),
            };
            Some(intake::serve(config, Arc::new(sink)).await?)
        } else {
            None
        };
        let remote = Arc::new(Remote {
            klaxon: klaxon.clone(),
            pager: pager.clone(),
            events: events.clone(),
            checks: options.uncertain,
        });
        let runners = Arc::new(Runners::new(remote, options.secrets.clone(), options.http));
        runners.reconcile().await?;
        let (stop, stopped) = watch::channel(false);
        let (passes_tx, passes) = watch::channel(0);
        let watcher = klaxon.store().change_watcher().await?;
        let timers = tokio::spawn(
            Timers {
                klaxon: klaxon.clone(),
                pager: pager.clone(),
                phone: phone.clone(),
                runners: runners.clone(),
                events: events.clone(),
                tick: options.tick,
                clock: options.clock,
                passes: passes_tx,
                pre_shift,
                reminders,
                calendars,
            }
            .run(watcher, stopped),
        );
        let intake_addr = intake.as_ref().map(IntakeHandle::local_addr);
        let running = tokio::sync::Mutex::new(Some((intake, timers)));
        Ok(Self {
            klaxon,
            pager,
            phone,
            events,
            intake_addr,
            runners,
            stop,
            passes,
            intake_paging,
            running,
            checks,
            _lock: lock,
        })
    }

    /// Forgets the incident list's warnings (the user has read them).
    pub async fn dismiss_warnings(&self) -> Result<(), EngineError> {
        self.klaxon.store().dismiss_warnings().await?;
        let _ = self.events.send(EngineEvent::Changed(&[Resource::Incidents]));
        Ok(())
    }

    /// Follows these targets in shadow mode (`None`: the team file's list again).
    pub async fn set_shadow(&self, follow: Option<Vec<String>>) -> Result<ShadowSettings, EngineError> {
        let settings = self.klaxon.set_shadow(follow).await?;
        let _ = self.events.send(EngineEvent::Changed(&[Resource::Shadow]));
        Ok(settings)
    }

    /// Returns once the start-up scan is done: whatever was due while no engine ran has been
    /// paged (or found paged already).
    pub async fn ready(&self) {
        let mut passes = self.passes.clone();
        let _ = passes.wait_for(|n| *n >= 1).await;
    }

    /// Returns once `n` more timer ticks (escalation, re-alerts, held pages) have completed: with
    /// the clock moved forward, what was due by then has happened.
    pub async fn ticks(&self, n: u64) {
        let mut passes = self.passes.clone();
        let target = *passes.borrow_and_update() + n;
        let _ = passes.wait_for(|done| *done >= target).await;
    }

    /// Returns once the pages begun for the alerts the intake has accepted so far are done
    /// (delivered, or found paged already): the intake answers before it pages.
    pub async fn intake_paged(&self) {
        let mut paging = self.intake_paging.clone();
        let _ = paging.wait_for(|n| *n == 0).await;
    }

    /// Events for the shell.
    pub fn subscribe(&self) -> broadcast::Receiver<EngineEvent> {
        self.events.subscribe()
    }

    /// The facade.
    pub fn klaxon(&self) -> &Klaxon {
        &self.klaxon
    }

    /// Where the intake listens, if enabled.
    pub fn intake_addr(&self) -> Option<SocketAddr> {
        self.intake_addr
    }

    /// Carries out `action` as me: local incidents at once; platform incidents in the cache and
    /// the outbox at once (durable before this returns), then sent by the account's sender.
    pub async fn act(
        &self,
        id: IncidentId,
        action: UserAction,
    ) -> Result<(Incident, Option<OutboxEntry>), EngineError> {
        let escalating = action == UserAction::Escalate;
        let (incident, queued) = self.klaxon.act(id, action).await?;
        if let Some(q) = &queued {
            self.runners.wake_outbox(Some(&q.account));
        }
        self.after_action().await;
        if escalating {
            self.pager.page_if_due(&incident).await?;
        }
        Ok((incident, queued))
    }

    /// Acknowledges as me (and stops its ringing).
    pub async fn acknowledge(&self, id: IncidentId) -> Result<Incident, EngineError> {
        Ok(self.act(id, UserAction::Acknowledge).await?.0)
    }

    async fn after_action(&self) {
        let _ = self.events.send(EngineEvent::Changed(&[Resource::Incidents, Resource::Outbox]));
        if let Err(e) = self.pager.tick().await {
            tracing::error!(error = %e, "pager update after an action failed");
        }
    }

    /// Silences the ringing page for `duration` (it stays unanswered; re-alerts still happen; a
    /// new page rings at once).
    pub async fn mute_ringing(&self, duration: Duration) {
        self.pager.mute(duration).await;
    }

    /// Lets the muted page ring again.
    pub async fn unmute_ringing(&self) {
        self.pager.unmute().await;
    }

    /// What rings now.
    pub fn ring_state(&self) -> crate::RingState {
        self.pager.ring_state()
    }

    /// Sends a test page through every delivery path and reports which fired.
    pub async fn test_page(&self) -> Vec<(&'static str, Result<(), String>)> {
        self.pager.test_page().await
    }

    /// Acknowledges every triggered incident assigned to me; returns how many.
    pub async fn acknowledge_all_mine(&self) -> Result<usize, EngineError> {
        let mut count = 0;
        for incident in self.klaxon.incidents(false).await? {
            let me = self.klaxon.me_for(&incident.account).await?;
            if incident.status == klaxon_core::IncidentStatus::Triggered && incident.assignees.contains(&me) {
                match self.klaxon.act(incident.id, UserAction::Acknowledge).await {
                    Ok((_, queued)) => {
                        count += 1;
                        if let Some(q) = queued {
                            self.runners.wake_outbox(Some(&q.account));
                        }
                    }
                    Err(EngineError::InvalidState { .. }) => {} // acknowledged meanwhile
                    Err(e) => return Err(e),
                }
            }
        }
        self.after_action().await;
        Ok(count)
    }

    /// Resolves as me (and stops its ringing).
    pub async fn resolve(&self, id: IncidentId) -> Result<Incident, EngineError> {
        Ok(self.act(id, UserAction::Resolve).await?.0)
    }

    /// Escalates to the next level: stops ringing here unless that is me again, then pages it.
    pub async fn escalate(&self, id: IncidentId) -> Result<Incident, EngineError> {
        Ok(self.act(id, UserAction::Escalate).await?.0)
    }

    /// Adds a platform account (token checked, then kept in the keyring) and starts syncing it.
    pub async fn add_account(&self, new: NewAccount) -> Result<Account, EngineError> {
        let account = self.klaxon.add_account(new, self.runners.secrets(), self.runners.http()).await?;
        self.runners.start(&account).await?;
        let _ = self.events.send(EngineEvent::Changed(&[Resource::Accounts, Resource::Incidents, Resource::OnCall]));
        Ok(account)
    }

    /// Stops syncing an account and removes it with its cache, outbox and token.
    pub async fn remove_account(&self, name: &str) -> Result<(), EngineError> {
        self.runners.stop(name).await;
        self.klaxon.remove_account(name, self.runners.secrets()).await?;
        self.pager.refresh_ringing().await?;
        let _ = self.events.send(EngineEvent::Changed(&Resource::ALL));
        Ok(())
    }

    /// Polls an account once and waits for it (`full`: also resolved incidents, schedules and
    /// policies); the account's own task keeps polling on its schedule.
    pub async fn poll_once(&self, name: &str, full: bool) -> Result<(), EngineError> {
        self.runners.poll_once(name, full).await
    }

    /// Asks an account's sync to poll now; false if it is not running.
    pub fn sync_now(&self, name: &str) -> bool {
        self.runners.sync_now(name)
    }

    /// Asks the platform who an account's token belongs to (token from the keyring) and records it.
    pub async fn test_account(&self, name: &str) -> Result<RemoteUser, EngineError> {
        self.klaxon.test_account(name, self.runners.secrets(), self.runners.http()).await
    }

    /// Whom an account's incidents can be reassigned to (see [`Klaxon::responders`]).
    pub async fn responders(
        &self,
        account: &str,
        fetch: crate::ResponderFetch,
    ) -> Result<klaxon_core::Responders, EngineError> {
        self.klaxon.responders(account, fetch, self.runners.secrets(), self.runners.http()).await
    }

    /// Polls an account now; restarts its sync if it had stopped (e.g. its token was missing).
    pub async fn sync_account(&self, name: &str) -> Result<(), EngineError> {
        if self.runners.sync_now(name) {
            return Ok(());
        }
        let account = self.klaxon.store().account(name).await?;
        self.runners.start(&account).await
    }

    /// Unfinished and failed actions (with `all`, also the done ones), oldest first.
    pub async fn outbox(&self, all: bool) -> Result<Vec<OutboxEntry>, EngineError> {
        Ok(self.klaxon.store().outbox(all).await?)
    }

    /// Drops a failed or pending action and re-reads its platform, whose state then wins.
    pub async fn discard_outbox(&self, id: i64) -> Result<OutboxEntry, EngineError> {
        let entry = self.klaxon.store().discard_outbox(id).await?;
        self.runners.sync_now(&entry.account);
        let _ = self.events.send(EngineEvent::Changed(&[Resource::Outbox, Resource::Incidents]));
        Ok(entry)
    }

    /// Queues a failed action again and wakes its sender.
    pub async fn retry_outbox(&self, id: i64) -> Result<OutboxEntry, EngineError> {
        let entry = self.klaxon.store().retry_outbox(id, Utc::now()).await?;
        self.runners.wake_outbox(Some(&entry.account));
        let _ = self.events.send(EngineEvent::Changed(&[Resource::Outbox, Resource::Incidents]));
        Ok(entry)
    }

    /// Stops the intake and timers and closes the store; the data dir is released when the
    /// engine is dropped. Later calls do nothing.
    pub async fn shutdown(&self) -> Result<(), EngineError> {
        let Some((intake, timers)) = self.running.lock().await.take() else { return Ok(()) };
        let _ = self.stop.send(true);
        self.runners.stop_all().await;
        let intake = match intake {
            Some(i) => i.shutdown().await.map_err(EngineError::from),
            None => Ok(()),
        };
        let timers = timers.await.map_err(|e| EngineError::Internal(e.to_string()));
        self.klaxon.close().await;
        intake.and(timers)
    }
}
