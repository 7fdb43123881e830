//! Faults a fake injects into its next requests, in order.

use std::collections::VecDeque;
use std::sync::Mutex;
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

    pub(crate) fn take(&self) -> Option<Fault> {
        self.lock().pop_front()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Fault>> {
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
