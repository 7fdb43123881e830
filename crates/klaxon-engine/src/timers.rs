//! The engine's timer task: escalation by the clock, the pager's tick, and other processes' changes.

use crate::pager::Pager;
use crate::runners::Runners;
use crate::{Clock, EngineError, EngineEvent, Klaxon, Resource};
use chrono::Utc;
use klaxon_core::CoreError;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// What the engine's timer task works with.
pub(crate) struct Timers {
    pub klaxon: Arc<Klaxon>,
    pub pager: Arc<Pager>,
    /// Pages on their way to the phone.
    pub phone: Arc<crate::phone::PhonePusher>,
    pub runners: Arc<Runners>,
    pub events: broadcast::Sender<EngineEvent>,
    /// How often timers and other processes' changes are checked.
    pub tick: Duration,
    /// What escalation delays are measured against.
    pub clock: Clock,
    /// Counts completed passes: 1 once the start-up scan (whatever was due while no engine
    /// ran) is done, then one more after every tick.
    pub passes: watch::Sender<u64>,
    /// The checklists run before my shifts.
    pub pre_shift: crate::checklists::PreShift,
    /// Reminders of my shifts, and notices of their changes.
    pub reminders: crate::reminders::ShiftReminders,
    /// Imported calendars, asked again now and then.
    pub calendars: crate::calendars::CalendarRefresh,
}

impl Timers {
    /// Escalates due incidents and notices other processes' changes, once per tick, until stopped.
    pub async fn run(self, mut watcher: klaxon_store::ChangeWatcher, mut stopped: watch::Receiver<bool>) {
        let Self {
            klaxon,
            pager,
            phone,
            runners,
            events,
            tick,
            clock,
            passes,
            mut pre_shift,
            mut reminders,
            mut calendars,
        } = self;
        if let Err(e) = pager.scan().await {
            tracing::error!(error = %e, "initial page scan failed");
        }
        passes.send_modify(|n| *n += 1);
        let mut interval = tokio::time::interval(tick);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stopped.changed() => break,
                _ = interval.tick() => {}
            }
            if let Err(e) = escalate_due(&klaxon, &pager, &events, clock.now()).await {
                tracing::error!(error = %e, "escalation step failed");
            }
            if let Err(e) = pager.tick().await {
                tracing::error!(error = %e, "pager tick failed");
            }
            if let Err(e) = phone.step().await {
                tracing::error!(error = %e, "phone step failed");
            }
            match pre_shift.step(&klaxon, clock.now()).await {
                Ok(runs) if !runs.is_empty() => {
                    let _ = events.send(EngineEvent::Changed(&[Resource::Readiness]));
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "pre-shift checklist run failed"),
            }
            match calendars.step(&klaxon, clock.now()).await {
                Ok(true) => {
                    let _ = events.send(EngineEvent::Changed(&[Resource::OnCall]));
                }
                Ok(false) => {}
                Err(e) => tracing::error!(error = %e, "calendar refresh failed"),
            }
            if let Err(e) = reminders.step(&klaxon, clock.now()).await {
                tracing::error!(error = %e, "shift reminders failed");
            }
            passes.send_modify(|n| *n += 1);
            match watcher.changed().await {
                Ok(true) => {
                    // Overrides (`klaxon override add`) change who is on call too, and
                    // `klaxon phone setup` where pages go to the phone.
                    let _ = events.send(EngineEvent::Changed(&[
                        Resource::Incidents,
                        Resource::Readiness,
                        Resource::OnCall,
                        Resource::Phone,
                    ]));
                    // Another process (e.g. `klaxon ack`, `klaxon accounts add`) may have queued
                    // actions or changed accounts.
                    if let Err(e) = runners.reconcile().await {
                        tracing::error!(error = %e, "account check failed");
                    }
                    runners.wake_outbox(None);
                    if let Err(e) = klaxon.reload_shadow().await {
                        tracing::error!(error = %e, "shadow settings check failed");
                    }
                    if let Err(e) = pager.scan().await {
                        tracing::error!(error = %e, "page scan failed");
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::error!(error = %e, "change check failed"),
            }
        }
    }
}

async fn escalate_due(
    klaxon: &Klaxon,
    pager: &Pager,
    events: &broadcast::Sender<EngineEvent>,
    now: chrono::DateTime<Utc>,
) -> Result<(), EngineError> {
    let team = klaxon.team();
    let due = klaxon.store().due_escalations(now).await?;
    if due.is_empty() {
        return Ok(());
    }
    let roster = klaxon.store().roster().await?;
    for id in due {
        // Re-checked inside the transaction: an ack from another process may have landed.
        let result = klaxon
            .store()
            .update_incident(id, |i| {
                let due = i.status == klaxon_core::IncidentStatus::Triggered
                    && i.next_escalation_at.is_some_and(|t| t <= now);
                if !due {
                    return Ok(vec![]);
                }
                match team.escalate(i, now, None, &roster) {
                    Ok(log) => Ok(vec![log]),
                    Err(CoreError::NoFurtherLevel) => {
                        i.next_escalation_at = None;
                        Ok(vec![])
                    }
                    Err(e) => Err(e),
                }
            })
            .await;
        match result {
            Ok((incident, log)) if !log.is_empty() => {
                tracing::info!(incident = %id, level = incident.escalation_level, "escalated");
                let _ = events.send(EngineEvent::Changed(&[Resource::Incidents]));
                pager.page_if_due(&incident).await?;
            }
            Ok(_) => {}
            Err(e) => tracing::error!(incident = %id, error = %e, "could not escalate"),
        }
    }
    Ok(())
}
