//! One sync task per platform account: poll my incidents every `poll_secs` (with back-off and
//! the platform's rate-limit waits on failure), merge them into the cache, page what needs it,
//! and now and then refresh schedules, on-call and escalation policies.

use crate::remote::{Remote, backoff};
use crate::{EngineError, Resource};
use chrono::{Duration as Days, Utc};
use klaxon_core::{Account, RemoteUser};
use klaxon_providers::Provider;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// How far back resolved incidents and past shifts are kept.
pub const HISTORY_DAYS: i64 = 7;
/// How far ahead shifts are cached.
pub const SHIFTS_AHEAD_DAYS: i64 = 14;
/// Every this many polls (and on start) a poll is full: resolved incidents, schedules, on-call
/// and policies too. The others ask for my open incidents only (one request while nothing changes).
const FULL_EVERY: u32 = 40;

/// Who I am on the account's platform, as the adapter needs it for queries and writes.
pub(crate) fn me(account: &Account) -> Option<RemoteUser> {
    Some(RemoteUser {
        id: account.user_id.clone()?,
        name: account.user_name.clone().unwrap_or_default(),
        email: account.user_email.clone(),
        contact_methods: Vec::new(),
    })
}

/// Polls until `stopped`; `sync_now` cuts a wait short (after a refused action, or on request).
pub(crate) async fn run(
    remote: Arc<Remote>,
    name: String,
    provider: Arc<dyn Provider>,
    sync_now: Arc<Notify>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut polls: u32 = 0;
    let mut failures: Option<Box<dyn Iterator<Item = Duration> + Send>> = None;
    loop {
        let account = match remote.klaxon.store().account(&name).await {
            Ok(a) => a,
            Err(e) => {
                tracing::info!(account = %name, error = %e, "account gone; its sync stops");
                return;
            }
        };
        let poll = Duration::from_secs(u64::from(account.poll_secs.max(account.kind.min_poll_secs())));
        let wait = match sync_once(&remote, &account, provider.as_ref(), polls.is_multiple_of(FULL_EVERY)).await {
            Ok(()) => {
                polls = polls.wrapping_add(1);
                failures = None;
                poll
            }
            Err(e) => {
                let asked = match &e {
                    EngineError::Provider(p) => p.retry_after(),
                    _ => None,
                };
                let message = e.to_string();
                tracing::warn!(account = %name, error = %message, "sync failed");
                if let Err(e) = remote.klaxon.store().record_sync(&name, Utc::now(), Some(&message)).await {
                    tracing::error!(account = %name, error = %e, "cannot record the sync error");
                }
                remote.changed(&[Resource::Accounts, Resource::OnCall]);
                let next = failures.get_or_insert_with(|| Box::new(backoff(poll))).next().unwrap_or(poll);
                asked.map_or(next, |a| a.max(next))
            }
        };
        tokio::select! {
            _ = stopped.changed() => return,
            () = sync_now.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
        if *stopped.borrow() {
            return;
        }
    }
}

/// One poll: my open incidents; also the resolved ones when `full`, when an open one vanished
/// from the platform's list (resolved, or given to someone else), or when one whose actions just
/// finished is not in it (so that its optimistic values give way to the platform's, resolved or
/// not); schedules/on-call/policies when `full`.
pub(crate) async fn sync_once(
    remote: &Remote,
    account: &Account,
    provider: &dyn Provider,
    full: bool,
) -> Result<(), EngineError> {
    let store = remote.klaxon.store();
    let me = match me(account) {
        Some(me) => me,
        None => {
            let me = provider.current_user().await?;
            store.set_account_user(&account.name, &me).await?;
            me
        }
    };
    let now = Utc::now();
    let since = now - Days::days(HISTORY_DAYS);
    // Asked before the answer: an action that finishes after this is not undone by the answer.
    let mut asked_at = Utc::now();
    let mut incidents = provider.my_incidents(&me, full.then_some(since)).await?;
    let mut complete = full;
    if !full {
        let listed: HashSet<&str> = incidents.iter().map(|i| i.provider_ref.as_str()).collect();
        let mut expected = store.open_refs(&account.name).await?;
        expected.extend(store.reread_refs(&account.name).await?);
        if expected.iter().any(|r| !listed.contains(r.as_str())) {
            asked_at = Utc::now();
            incidents = provider.my_incidents(&me, Some(since)).await?;
            complete = true;
        }
    }
    let changes = store.apply_sync(&account.name, Some(&me.id), &incidents, since, complete, asked_at).await?;
    if !changes.is_empty() {
        remote.changed(&[Resource::Incidents, Resource::Accounts, Resource::OnCall]);
        remote.pager.page_all(&changes.changed).await?;
        remote.pager.refresh_ringing().await?;
    }
    if full {
        let shifts = provider.shifts(since, now + Days::days(SHIFTS_AHEAD_DAYS)).await?;
        let on_call = provider.on_call().await?;
        let policies = provider.escalation_policies().await?;
        store.save_shifts(&account.name, &shifts).await?;
        store.save_on_call(&account.name, &on_call, &policies).await?;
        // The page screen says whom a ringing page escalates to, from the on-call just saved.
        remote.pager.on_call_changed().await;
    }
    // "Last synced" is kept to the minute: a write per poll would wake every watcher of the file.
    let fresh = account.last_error.is_none() && account.last_synced_at.is_some_and(|t| now - t < Days::seconds(60));
    if !fresh {
        store.record_sync(&account.name, now, None).await?;
    }
    Ok(())
}
