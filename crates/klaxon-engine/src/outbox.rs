//! One outbox sender per platform account: sends queued actions in order per incident, checks the
//! platform before re-sending anything that may already have arrived (after a crash or a lost
//! answer), retries transient failures with back-off, and marks refusals failed with the
//! platform's reason (then re-reads the platform).

use crate::EngineError;
use crate::remote::{MAX_BACKOFF, Remote, nth_backoff};
use crate::sync::me;
use chrono::Utc;
use klaxon_core::{OutboxEntry, OutboxState, RemoteUser};
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
    let next = store.next_outbox_time(name).await?;
    Ok(next.map_or(MAX_BACKOFF, |at| (at - Utc::now()).to_std().unwrap_or(Duration::ZERO)).min(MAX_BACKOFF))
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
    // A request may have left before (crash mid-request, lost answer): ask the platform first.
    let maybe_sent = entry.maybe_sent || entry.state == OutboxState::Sending;
    if !store.outbox_sending(entry.id, Utc::now()).await? {
        return Ok(()); // discarded meanwhile
    }
    let outcome = if maybe_sent {
        match provider.already_applied(me, &entry.provider_ref, &entry.action, entry.created_at).await {
            Ok(true) => {
                tracing::info!(outbox = entry.id, "already applied on the platform; not sent again");
                Ok(())
            }
            Ok(false) => provider.perform(me, &entry.provider_ref, &entry.action).await,
            Err(e) => Err(e),
        }
    } else {
        provider.perform(me, &entry.provider_ref, &entry.action).await
    };
    let now = Utc::now();
    match outcome {
        Ok(()) => {
            store.outbox_done(entry.id, now).await?;
            tracing::info!(outbox = entry.id, action = %entry.action.kind(), incident = %entry.provider_ref, "sent");
        }
        Err(e) if e.is_transient() || matches!(e, ProviderError::Unauthorized(_)) => {
            // A refused token is the account's problem, not the action's: it waits for a new token.
            let wait = e.retry_after().unwrap_or_default().max(nth_backoff(entry.attempts + 1));
            let at = now + chrono::Duration::from_std(wait).unwrap_or_else(|_| chrono::Duration::seconds(300));
            let may_have_arrived = maybe_sent || !matches!(e, ProviderError::RateLimited { .. });
            tracing::warn!(outbox = entry.id, error = %e, retry_in = ?wait, "send failed; will retry");
            store.outbox_retry_at(entry.id, &e.to_string(), at, may_have_arrived, now).await?;
        }
        Err(e) => {
            tracing::warn!(outbox = entry.id, error = %e, "refused by the platform");
            store.outbox_failed(entry.id, &e.to_string(), now).await?;
            sync_now.notify_one();
        }
    }
    remote.changed();
    Ok(())
}
