//! Pushing pages to the phone: each page's push planned when the laptop is paged, published
//! when due (at once, after `after` unanswered, or at once while the screen is locked), retried
//! with back-off when the server fails, and followed by "Acknowledged by … from phone" once the
//! page is answered anywhere. Publishing runs in its own task with its own timeout, so a failing
//! ntfy server never holds up the other paths or the timers.

mod messages;

use super::settings::capability_key;
use super::{PUBLISH_TIMEOUT, PhoneChannel, ScreenLock};
use crate::{Clock, EngineError, EngineEvent, Klaxon, Resource};
use klaxon_core::pager::{PageKey, page_for};
use klaxon_core::phone::{PhoneAction, PhoneSettings, push_due};
use klaxon_core::{Incident, IncidentId, LogEntry, LogKind, Secret};
use klaxon_secrets::SecretStore;
use klaxon_store::PhonePush;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::broadcast;

/// Follow-ups are given up after this many failed attempts (the page itself never is).
const MAX_FOLLOW_UP_ATTEMPTS: u32 = 20;
/// Retry delays double from this up to [`MAX_RETRY`].
const FIRST_RETRY: Duration = Duration::from_secs(5);
const MAX_RETRY: Duration = Duration::from_secs(300);

/// The delay before attempt `attempts + 1`.
pub(crate) fn retry_after(attempts: u32) -> Duration {
    FIRST_RETRY.saturating_mul(1 << attempts.saturating_sub(1).min(6)).min(MAX_RETRY)
}

pub(crate) struct PhonePusher {
    pub klaxon: Arc<Klaxon>,
    pub channel: Option<Arc<dyn PhoneChannel>>,
    pub screen: Option<Arc<dyn ScreenLock>>,
    pub secrets: Arc<dyn SecretStore>,
    pub events: broadcast::Sender<EngineEvent>,
    pub clock: Clock,
    /// Pushes being published right now.
    busy: Mutex<HashSet<PageKey>>,
    /// One step at a time (the timers' and one asked for after a page).
    steps: tokio::sync::Mutex<()>,
    /// Incidents last answered from the phone, and how (for the follow-up's wording).
    from_phone: Mutex<HashMap<IncidentId, PhoneAction>>,
    key: OnceLock<Secret>,
}

/// Takes a push off the busy list when dropped.
struct Done(Arc<PhonePusher>, PageKey);

impl Drop for Done {
    fn drop(&mut self) {
        self.0.busy().remove(&self.1);
    }
}

/// What an attempt publishes.
enum Attempt {
    Page(Incident),
    FollowUp(Option<Incident>),
}

impl PhonePusher {
    pub fn new(
        klaxon: Arc<Klaxon>,
        channel: Option<Arc<dyn PhoneChannel>>,
        screen: Option<Arc<dyn ScreenLock>>,
        secrets: Arc<dyn SecretStore>,
        events: broadcast::Sender<EngineEvent>,
        clock: Clock,
    ) -> Self {
        Self {
            klaxon,
            channel,
            screen,
            secrets,
            events,
            clock,
            busy: Mutex::default(),
            steps: tokio::sync::Mutex::new(()),
            from_phone: Mutex::default(),
            key: OnceLock::new(),
        }
    }

    /// The key capabilities are signed with (from the keyring, made on first use).
    pub async fn key(&self) -> Result<Secret, EngineError> {
        if let Some(k) = self.key.get() {
            return Ok(k.clone());
        }
        let secrets = self.secrets.clone();
        let key = tokio::task::spawn_blocking(move || capability_key(secrets.as_ref()))
            .await
            .map_err(|e| EngineError::Internal(e.to_string()))??;
        Ok(self.key.get_or_init(|| key).clone())
    }

    /// Remembers that the phone answered this incident (the follow-up says so).
    pub fn answered_from_phone(&self, id: IncidentId, action: PhoneAction) {
        self.from_phone.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(id, action);
    }

    /// A page went out on the laptop: plan its push (once per trigger) and push now if due.
    pub async fn paged(self: &Arc<Self>, incident: &Incident, loud: bool) {
        let Some(channel) = self.channel.clone() else { return };
        let settings = match self.klaxon.phone_settings().await {
            Ok(Some((settings, _))) => settings,
            Ok(None) => return,
            Err(e) => return tracing::error!(error = %e, "cannot read the phone settings"),
        };
        let key = PageKey { incident: incident.id, trigger_seq: incident.trigger_seq };
        let now = self.clock.now();
        match self.klaxon.store().plan_phone_push(key, now, loud).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => return tracing::error!(incident = %incident.id, error = %e, "cannot plan the phone push"),
        }
        // Due now: pushed at once, without looking at every other open push first. Otherwise
        // the timers' step pushes it when its time comes.
        let due_now = push_due(&settings, now, false) <= now
            || (settings.when_locked && push_due(&settings, now, self.away().await) <= now);
        if !due_now {
            return;
        }
        let _one = self.steps.lock().await; // no step is deciding about it meanwhile
        if self.busy().contains(&key) {
            return;
        }
        let push = PhonePush {
            key,
            paged_at: now,
            loud,
            pushed_at: None,
            attempts: 0,
            next_attempt_at: None,
            last_error: None,
        };
        self.spawn(channel, settings, push, Attempt::Page(incident.clone()));
    }

    /// The laptop re-alerted an unanswered page: the phone rings again too, once its push is at
    /// least `realert_after` old (one more push, fresh buttons; no retry: the next re-alert is one).
    pub async fn realerted(self: &Arc<Self>, incident: &Incident, realert: u32, realert_after: Duration) {
        let Some(channel) = self.channel.clone() else { return };
        let key = PageKey { incident: incident.id, trigger_seq: incident.trigger_seq };
        let (settings, push) =
            match (self.klaxon.phone_settings().await, self.klaxon.store().open_phone_push(key).await) {
                (Ok(Some((settings, _))), Ok(Some(push))) => (settings, push),
                (Err(e), _) => return tracing::error!(error = %e, "cannot read the phone settings"),
                (_, Err(e)) => return tracing::error!(error = %e, "cannot read the phone push"),
                _ => return,
            };
        let old_enough = push
            .pushed_at
            .is_some_and(|at| at + chrono::Duration::from_std(realert_after).unwrap_or_default() <= self.clock.now());
        if !old_enough || self.busy().contains(&key) {
            return;
        }
        let me = self.clone();
        let incident = incident.clone();
        tokio::spawn(async move {
            let sent = match me.page_message(&settings, &incident, push.loud, realert).await {
                Ok(message) => {
                    let token = me.token().await;
                    tokio::time::timeout(PUBLISH_TIMEOUT, channel.publish(&settings.server, token.as_ref(), &message))
                        .await
                        .unwrap_or_else(|_| Err("no answer in time".into()))
                }
                Err(e) => Err(e.to_string()),
            };
            if let Err(error) = sent {
                tracing::warn!(path = "phone", incident = %incident.id, %error, "phone re-alert failed");
            }
        });
    }

    /// Runs a step in its own task (after a page or an answer).
    pub fn step_soon(self: &Arc<Self>) {
        let me = self.clone();
        tokio::spawn(async move {
            if let Err(e) = me.step().await {
                tracing::error!(error = %e, "phone step failed");
            }
        });
    }

    /// Publishes what is due: pushes whose time has come, retries, and follow-ups for answered
    /// pages; closes pushes answered before they went out.
    pub async fn step(self: &Arc<Self>) -> Result<(), EngineError> {
        let Some(channel) = self.channel.clone() else { return Ok(()) };
        let _one = self.steps.lock().await;
        let Some((settings, _)) = self.klaxon.phone_settings().await? else { return Ok(()) };
        let store = self.klaxon.store();
        let open = store.open_phone_pushes().await?;
        if open.is_empty() {
            return Ok(());
        }
        let mut incidents: HashMap<IncidentId, Incident> =
            store.incidents_of_pushes(&open).await?.into_iter().map(|i| (i.id, i)).collect();
        let now = self.clock.now();
        let mut away = None;
        for push in open {
            if self.busy().contains(&push.key) {
                continue;
            }
            let incident = incidents.remove(&push.key.incident);
            // Still paging me for this very trigger; or paging me again for a later one (the
            // later trigger has its own push: this one needs no follow-up).
            let (standing, superseded) = match &incident {
                Some(i) => {
                    let mine = page_for(i, &self.klaxon.me_for(&i.account).await?).is_some();
                    (mine && i.trigger_seq == push.key.trigger_seq, mine && i.trigger_seq != push.key.trigger_seq)
                }
                None => (false, false),
            };
            let retry_due = push.next_attempt_at.is_none_or(|at| at <= now);
            match (push.pushed_at, standing) {
                (None, false) => store.phone_push_done(push.key, now).await?,
                (None, true) => {
                    let mut due = push_due(&settings, push.paged_at, false);
                    if due > now && settings.when_locked {
                        if away.is_none() {
                            away = Some(self.away().await);
                        }
                        due = push_due(&settings, push.paged_at, away == Some(true));
                    }
                    if due <= now && retry_due {
                        self.spawn(
                            channel.clone(),
                            settings.clone(),
                            push,
                            Attempt::Page(incident.unwrap_or_else(|| unreachable!("standing"))),
                        );
                    }
                }
                (Some(_), false) if superseded => store.phone_push_done(push.key, now).await?,
                (Some(_), false) if retry_due => {
                    self.spawn(channel.clone(), settings.clone(), push, Attempt::FollowUp(incident))
                }
                (Some(_), _) => {}
            }
        }
        Ok(())
    }

    fn busy(&self) -> std::sync::MutexGuard<'_, HashSet<PageKey>> {
        self.busy.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether the screen is locked or the session idle (unknown counts as not).
    async fn away(&self) -> bool {
        let Some(screen) = &self.screen else { return false };
        match tokio::time::timeout(Duration::from_secs(2), screen.away()).await {
            Ok(Ok(away)) => away,
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "cannot tell whether the screen is locked");
                false
            }
            Err(_) => false,
        }
    }

    fn spawn(
        self: &Arc<Self>,
        channel: Arc<dyn PhoneChannel>,
        settings: PhoneSettings,
        push: PhonePush,
        what: Attempt,
    ) {
        self.busy().insert(push.key);
        let me = self.clone();
        tokio::spawn(async move {
            let key = push.key;
            // Not busy any more however the attempt ends (also if it panics).
            let _done = Done(me.clone(), key);
            if let Err(e) = me.attempt(channel, &settings, push, what).await {
                tracing::error!(incident = %key.incident, error = %e, "phone push bookkeeping failed");
            }
        });
    }

    async fn attempt(
        &self,
        channel: Arc<dyn PhoneChannel>,
        settings: &PhoneSettings,
        push: PhonePush,
        what: Attempt,
    ) -> Result<(), EngineError> {
        let page = matches!(what, Attempt::Page(_));
        // A keyring that cannot be read fails this path like a server that cannot be reached:
        // visibly, and tried again.
        let sent = match self.prepare(settings, &push, &what).await {
            Ok((token, message)) => {
                tokio::time::timeout(PUBLISH_TIMEOUT, channel.publish(&settings.server, token.as_ref(), &message))
                    .await
                    .unwrap_or_else(|_| Err(format!("no answer within {} s", PUBLISH_TIMEOUT.as_secs())))
            }
            Err(e) => Err(e.to_string()),
        };
        let store = self.klaxon.store();
        let now = self.clock.now();
        let host = url::Url::parse(&settings.server).ok().and_then(|u| u.host_str().map(str::to_owned));
        let host = host.unwrap_or_else(|| settings.server.clone());
        match (sent, page) {
            (Ok(()), true) => {
                store.phone_pushed(push.key, now).await?;
                let tries =
                    if push.attempts > 0 { format!(" after {} attempts", push.attempts + 1) } else { String::new() };
                self.log(push.key.incident, format!("Pushed to the phone via ntfy ({host}){tries}")).await;
            }
            (Ok(()), false) => store.phone_push_done(push.key, now).await?,
            (Err(error), _) => {
                let attempts = push.attempts + 1;
                if !page && attempts >= MAX_FOLLOW_UP_ATTEMPTS {
                    tracing::warn!(incident = %push.key.incident, %error, "giving up the phone follow-up");
                    return Ok(store.phone_push_done(push.key, now).await?);
                }
                let wait = retry_after(attempts);
                let next = now + chrono::Duration::from_std(wait).unwrap_or_default();
                store.phone_push_failed(push.key, &error, next).await?;
                tracing::warn!(path = "phone", incident = %push.key.incident, %error, "phone push failed");
                if page && push.attempts == 0 {
                    let _ = self.events.send(EngineEvent::DeliveryFailed {
                        path: "phone",
                        incident: push.key.incident,
                        error: error.clone(),
                    });
                    let message = format!(
                        "Phone push via ntfy ({host}) failed: {error}; trying again until it goes through or the page is answered"
                    );
                    self.log(push.key.incident, message).await;
                }
            }
        }
        Ok(())
    }

    async fn log(&self, id: IncidentId, message: String) {
        let entry = LogEntry::new(self.clock.now(), LogKind::Notified, message, Some("klaxon"));
        match self.klaxon.store().append_log(id, &[entry]).await {
            Ok(()) => {
                let _ = self.events.send(EngineEvent::Changed(&[Resource::Incidents]));
            }
            Err(e) => tracing::error!(incident = %id, error = %e, "cannot log the phone push"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::retry_after;
    use std::time::Duration;

    #[test]
    fn retries_back_off_from_5_s_to_5_min() {
        let waits: Vec<u64> = (1..=9).map(|n| retry_after(n).as_secs()).collect();
        assert_eq!(waits, [5, 10, 20, 40, 80, 160, 300, 300, 300]);
        assert_eq!(retry_after(u32::MAX), Duration::from_secs(300));
    }
}
