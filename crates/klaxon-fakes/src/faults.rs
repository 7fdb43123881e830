//! Faults a fake injects into its next requests, in order.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// One way to misbehave for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and body instead of handling the request.
    Status(u16, String),
    /// Answer 429 with `ratelimit-reset` (and `Retry-After`) set to this many seconds.
    RateLimited { reset_secs: u64 },
    /// Handle the request, but only answer after this long.
    Delay(Duration),
    /// Accept the connection, read the request, and reset it (TCP RST) without an answer.
    Reset,
    /// Handle the request (its effects happen), then reset the connection instead of answering:
    /// the client cannot tell whether it was applied.
    ResetAfterHandling,
    /// Handle the request (its effects happen), then wait this long before answering: a client
    /// killed meanwhile never learns that it was applied.
    HoldAfterHandling(Duration),
    /// Hold the request this long without answering (a client with a shorter timeout gives up),
    /// then handle it all the same: its effects happen after the client stopped waiting, as on a
    /// slow platform that works through its backlog.
    HoldThenApply(Duration),
    /// Hold the request this long without answering, then drop it unhandled (answer 504): a
    /// client that timed out meanwhile cannot tell it from [`Fault::HoldThenApply`].
    HoldThenDrop(Duration),
    /// Answer 200 with a JSON body of the wrong shape.
    Malformed,
    /// Handle the request and answer with the first half of its JSON body.
    Truncated,
    /// Answer 401 as a platform does for a revoked token.
    Unauthorized,
}

/// A queue of faults; each request takes the first one, if any.
#[derive(Debug, Default)]
pub struct Faults {
    queue: Mutex<VecDeque<Fault>>,
    /// Requests taken by [`Fault::HoldThenApply`] and not yet applied.
    held: AtomicUsize,
}

impl Faults {
    /// Queues `fault` for the next request not yet given one.
    pub fn push(&self, fault: Fault) {
        self.lock().push_back(fault);
    }

    /// Queues `fault` for the next `n` requests.
    pub fn push_n(&self, fault: Fault, n: usize) {
        let mut q = self.lock();
        for _ in 0..n {
            q.push_back(fault.clone());
        }
    }

    /// Drops every queued fault.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many faults are still queued.
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    /// How many requests held by [`Fault::HoldThenApply`] are still to be applied (so a test
    /// can wait until a slow platform has caught up).
    pub fn held(&self) -> usize {
        self.held.load(Ordering::SeqCst)
    }

    pub(crate) fn take(&self) -> Option<Fault> {
        let fault = self.lock().pop_front();
        if matches!(fault, Some(Fault::HoldThenApply(_))) {
            self.held.fetch_add(1, Ordering::SeqCst);
        }
        fault
    }

    /// A held request was applied.
    pub(crate) fn release(&self) {
        self.held.fetch_sub(1, Ordering::SeqCst);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Fault>> {
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
