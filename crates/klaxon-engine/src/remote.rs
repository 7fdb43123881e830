//! What the per-account tasks share: the facade, the pager, the event channel, and how to back off.

use crate::pager::Pager;
use crate::{EngineEvent, Klaxon, Resource};
use backon::{BackoffBuilder, ExponentialBuilder};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// The longest wait between attempts after repeated failures.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Shared by every account's sync and outbox tasks.
pub(crate) struct Remote {
    pub klaxon: Arc<Klaxon>,
    pub pager: Arc<Pager>,
    pub events: broadcast::Sender<EngineEvent>,
    /// How an action whose request's fate is unknown is checked before it is sent again.
    pub checks: crate::outbox::UncertainChecks,
}

impl Remote {
    /// Tells the shells what changed.
    pub fn changed(&self, what: &'static [Resource]) {
        let _ = self.events.send(EngineEvent::Changed(what));
    }
}

/// Exponential back-off with jitter from `min` up to [`MAX_BACKOFF`], never ending.
pub(crate) fn backoff(min: Duration) -> impl Iterator<Item = Duration> + Send {
    ExponentialBuilder::new()
        .with_min_delay(min)
        .with_max_delay(MAX_BACKOFF)
        .with_factor(2.0)
        .with_jitter()
        .without_max_times()
        .build()
}

/// The `attempts`-th delay of [`backoff`] from one second (for outbox retries, which persist
/// their attempt count across restarts).
pub(crate) fn nth_backoff(attempts: u32) -> Duration {
    let n = usize::try_from(attempts.saturating_sub(1)).unwrap_or(usize::MAX).min(16);
    backoff(Duration::from_secs(1)).nth(n).unwrap_or(MAX_BACKOFF)
}
