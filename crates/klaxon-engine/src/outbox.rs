//! One outbox sender per platform account: sends queued actions in order per incident, checks the
//! platform before re-sending anything that may already have arrived (after a crash or a lost
//! answer; after a timeout, again and again for a while, see [`UncertainChecks`]), retries
//! transient failures with back-off, marks actions whose goal the platform already shows done
//! (saying so), and marks refusals failed with the platform's reason (then re-reads the platform).

use crate::remote::{MAX_BACKOFF, Remote, nth_backoff};
use crate::sync::me;
use crate::{EngineError, Resource};
use chrono::{DateTime, Utc};
use klaxon_core::{OutboxEntry, OutboxState, Performed, RemoteUser};
use klaxon_providers::{Provider, ProviderError};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// Sends until `stopped`; `wake` says an action was queued; `sync_now` asks the account's sync to
/// re-read the platform after a refusal.
pub(crate) async fn run(
    remote: Arc<Remote>,
    name: String,
    provider: Arc<dyn Provider>,
    wake: Arc<Notify>,
    sync_now: Arc<Notify>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let wait = match drain(&remote, &name, provider.as_ref(), &sync_now, &stopped).await {
            Ok(wait) => wait,
            Err(e) => {
                tracing::error!(account = %name, error = %e, "outbox step failed");
                Duration::from_secs(5)
            }
        };
        tokio::select! {
            _ = stopped.changed() => return,
            () = wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
        if *stopped.borrow() {
            return;
        }
    }
}

/// Sends every action that is due; returns how long until the next backed-off one is.
async fn drain(
    remote: &Remote,
    name: &str,
    provider: &dyn Provider,
    sync_now: &Notify,
    stopped: &watch::Receiver<bool>,
) -> Result<Duration, EngineError> {
    let store = remote.klaxon.store();
    while !*stopped.borrow() {
        let Some(entry) = store.next_outbox(name, Utc::now()).await? else { break };
        let account = store.account(name).await?;
        let Some(me) = me(&account) else {
            // Not known yet who I am there: the sync finds out first.
            sync_now.notify_one();
            return Ok(Duration::from_secs(2));
        };
        send(remote, provider, &me, &entry, sync_now).await?;
    }
    let mut next = store.next_outbox_time(name).await?;
    if !*stopped.borrow() {
        let account = store.account(name).await?;
        if let Some(me) = me(&account) {
            let cover = crate::covers::drain(remote, name, provider, &me, sync_now).await?;
            next = next.into_iter().chain(cover).min();
        }
    }
    Ok(next.map_or(MAX_BACKOFF, |at| (at - Utc::now()).to_std().unwrap_or(Duration::ZERO)).min(MAX_BACKOFF))
}

/// When a request's fate is unknown (a timeout, a connection lost after sending, a crash
/// mid-request), the platform is asked whether the action took effect `first` after, then again
/// with doubling gaps until `window` has passed since it became unknown. Only when the platform
/// has said "no" at least `min_checks` times and the window is over is the action sent again;
/// a "yes" at any point makes it done. (A slow platform may apply a request long after the
/// client gave up on it: re-sending at once would apply it twice.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UncertainChecks {
    /// The first check after the request's fate became unknown.
    pub first: Duration,
    /// How long the platform must keep saying "no" before the action is sent again.
    pub window: Duration,
    /// How many "no"s it takes at least.
    pub min_checks: u32,
}

impl Default for UncertainChecks {
    /// Checks after about 2, 4, 8, 16 and 32 s, and a last one at 45 s before sending again.
    fn default() -> Self {
        Self { first: Duration::from_secs(2), window: Duration::from_secs(45), min_checks: 3 }
    }
}

impl UncertainChecks {
    /// With `checks` "no"s so far since `since`, how long until the next check; `None` once the
    /// action may be sent again.
    fn next_check(&self, since: DateTime<Utc>, checks: u32, now: DateTime<Utc>) -> Option<Duration> {
        let elapsed = (now - since).to_std().unwrap_or_default();
        if elapsed >= self.window && checks >= self.min_checks {
            return None;
        }
        let left = self.window.saturating_sub(elapsed);
        Some(elapsed.max(self.first).min(left.max(self.first)))
    }
}

/// One attempt at one action.
async fn send(
    remote: &Remote,
    provider: &dyn Provider,
    me: &RemoteUser,
    entry: &OutboxEntry,
    sync_now: &Notify,
) -> Result<(), EngineError> {
    let store = remote.klaxon.store();
    // Still `sending`: the process that sent it died before hearing back.
    let crashed = entry.state == OutboxState::Sending;
    // A request may have left before (crash mid-request, lost answer): ask the platform first.
    let maybe_sent = entry.maybe_sent || crashed;
    let uncertain_since = entry.uncertain_since.or_else(|| crashed.then_some(entry.updated_at));
    if !store.outbox_sending(entry.id, Utc::now()).await? {
        return Ok(()); // discarded meanwhile
    }
    let mut sent = false;
    let outcome = if maybe_sent {
        match provider.already_applied(me, &entry.provider_ref, &entry.action, entry.created_at).await {
            Ok(true) => {
                tracing::info!(outbox = entry.id, "already applied on the platform; not sent again");
                Ok(Performed::AlreadyThere("applied on the platform (its answer was lost); not sent again".into()))
            }
            Ok(false) => {
                let now = Utc::now();
                let checks = entry.checks.saturating_add(1);
                if let Some(since) = uncertain_since
                    && let Some(wait) = remote.checks.next_check(since, checks, now)
                {
                    // Not (yet) on the platform, but it may still land: ask again before re-sending.
                    let reason = entry.last_error.as_deref().unwrap_or("the request's answer was lost");
                    tracing::info!(outbox = entry.id, checks, next_in = ?wait, "not applied yet; checking again");
                    store.outbox_uncertain(entry.id, reason, since, checks, now + chrono_duration(wait), now).await?;
                    remote.changed(&[Resource::Outbox, Resource::Incidents]);
                    return Ok(());
                }
                sent = true;
                provider.perform(me, &entry.provider_ref, &entry.action).await
            }
            Err(e) => Err(e),
        }
    } else {
        sent = true;
        provider.perform(me, &entry.provider_ref, &entry.action).await
    };
    let now = Utc::now();
    match outcome {
        Ok(performed) => {
            let note = match performed {
                Performed::Applied => None,
                Performed::AlreadyThere(note) => Some(note),
            };
            store.outbox_done(entry.id, note.as_deref(), now).await?;
            tracing::info!(
                outbox = entry.id,
                action = %entry.action.kind(),
                incident = %entry.provider_ref,
                note = note.as_deref().unwrap_or(""),
                "sent"
            );
        }
        Err(e) if sent && e.uncertain() => {
            // It may have arrived, or may yet: check over the window before any re-send.
            tracing::warn!(outbox = entry.id, error = %e, "no answer; checking whether it took effect before re-sending");
            let at = now + chrono_duration(remote.checks.first);
            store.outbox_uncertain(entry.id, &e.to_string(), now, 0, at, now).await?;
        }
        Err(e) if e.is_transient() || matches!(e, ProviderError::Unauthorized(_)) => {
            // A refused token is the account's problem, not the action's: it waits for a new token.
            let wait = e.retry_after().unwrap_or_default().max(nth_backoff(entry.attempts + 1));
            let at = now + chrono_duration(wait);
            tracing::warn!(outbox = entry.id, error = %e, retry_in = ?wait, "send failed; will retry");
            match uncertain_since {
                // A check that failed: the window goes on.
                Some(since) if !sent => {
                    store.outbox_uncertain(entry.id, &e.to_string(), since, entry.checks, at, now).await?;
                }
                _ => {
                    let not_sent = matches!(e, ProviderError::RateLimited { .. } | ProviderError::Unreachable(_));
                    let may_have_arrived = maybe_sent || (sent && !not_sent);
                    store.outbox_retry_at(entry.id, &e.to_string(), at, may_have_arrived, now).await?;
                }
            }
        }
        Err(e) => {
            tracing::warn!(outbox = entry.id, error = %e, "refused by the platform");
            store.outbox_failed(entry.id, &e.to_string(), now).await?;
            sync_now.notify_one();
        }
    }
    remote.changed(&[Resource::Outbox, Resource::Incidents]);
    Ok(())
}

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or_else(|_| chrono::Duration::seconds(300))
}
