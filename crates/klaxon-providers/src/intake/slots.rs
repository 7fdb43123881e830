//! The connection cap: one semaphore permit per open connection, and at the cap, room made by
//! closing the connection that has been idle longest.
//!
//! "Idle" means no request in flight: just accepted, waiting for (or partway through) the next
//! request's headers, or kept alive after a response. Real senders write their request as soon
//! as they connect, so they are idle for moments; a flood of connections that never finish a
//! request is what gets closed, oldest first, while requests being handled are never cut off.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// How often a full house is looked at again for a connection that has become idle.
const RECHECK: Duration = Duration::from_millis(100);
/// At most one warning per this long about the same trouble.
pub(crate) const WARN_EVERY: Duration = Duration::from_secs(10);

/// The open connections.
pub(crate) struct Slots {
    permits: Arc<Semaphore>,
    max: u32,
    open: Mutex<HashMap<u64, Arc<Conn>>>,
    next_id: AtomicU64,
    epoch: Instant,
}

/// One connection as the cap sees it.
pub(crate) struct Conn {
    epoch: Instant,
    /// Requests being handled: the service called and its response not yet produced.
    busy: AtomicUsize,
    /// When it last became idle, in µs since `epoch`.
    idle_since: AtomicU64,
    /// Asked to close (to make room, or the intake is stopping); `close` wakes it.
    closing: AtomicBool,
    close: Notify,
}

/// A connection's place under the cap; dropping it frees the place.
pub(crate) struct Slot {
    id: u64,
    pub conn: Arc<Conn>,
    slots: Arc<Slots>,
    _permit: OwnedSemaphorePermit,
}

/// A request in flight on a connection; dropping it (answered or abandoned) makes the connection idle.
pub(crate) struct Busy(Arc<Conn>);

/// Rate limit for a warning about a lasting condition.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    last: Option<Instant>,
    suppressed: u64,
}

impl Throttle {
    /// `Some(times not logged since the last warning)` when it is time to warn again.
    pub fn ready(&mut self) -> Option<u64> {
        let now = Instant::now();
        if self.last.is_some_and(|last| now.duration_since(last) < WARN_EVERY) {
            self.suppressed += 1;
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.suppressed))
    }
}

fn micros_since(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
}

impl Conn {
    /// Marks a request in flight until the returned guard is dropped.
    pub fn begin(self: &Arc<Self>) -> Busy {
        self.busy.fetch_add(1, Ordering::SeqCst);
        Busy(self.clone())
    }

    pub fn is_busy(&self) -> bool {
        self.busy.load(Ordering::SeqCst) > 0
    }

    /// Resolves once the connection is asked to close.
    pub async fn closing(&self) {
        self.close.notified().await;
    }

    fn ask_to_close(&self) {
        self.closing.store(true, Ordering::SeqCst);
        self.close.notify_one();
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.idle_since.store(micros_since(self.0.epoch), Ordering::SeqCst);
        self.0.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.slots.lock().remove(&self.id);
    }
}

impl Slots {
    pub fn new(max_connections: usize) -> Arc<Self> {
        let max = u32::try_from(max_connections.clamp(1, Semaphore::MAX_PERMITS)).unwrap_or(u32::MAX);
        Arc::new(Self {
            permits: Arc::new(Semaphore::new(max as usize)),
            max,
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            epoch: Instant::now(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for a new connection: a free one, else one made by closing the connection idle
    /// longest, else the first to free up (all connections busy with requests).
    pub async fn take(self: &Arc<Self>, full: &mut Throttle) -> Slot {
        let permit = loop {
            if let Ok(permit) = self.permits.clone().try_acquire_owned() {
                break permit;
            }
            let made_room = self.close_longest_idle();
            if let Some(suppressed) = full.ready() {
                tracing::warn!(
                    limit = self.max,
                    made_room,
                    suppressed,
                    "intake connection limit reached: closing idle connections to make room (or waiting for busy ones)"
                );
            }
            if let Ok(Ok(permit)) = tokio::time::timeout(RECHECK, self.permits.clone().acquire_owned()).await {
                break permit;
            }
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn {
            epoch: self.epoch,
            busy: AtomicUsize::new(0),
            idle_since: AtomicU64::new(micros_since(self.epoch)),
            closing: AtomicBool::new(false),
            close: Notify::new(),
        });
        self.lock().insert(id, conn.clone());
        Slot { id, conn, slots: self.clone(), _permit: permit }
    }

    /// Asks the connection idle longest (and not already asked) to close; false if all are busy.
    pub fn close_longest_idle(&self) -> bool {
        let open = self.lock();
        let idle = open.iter().filter(|(_, c)| !c.is_busy() && !c.closing.load(Ordering::SeqCst));
        // Idle longest; of two idle since the same moment, the one accepted first.
        match idle.min_by_key(|&(id, c)| (c.idle_since.load(Ordering::SeqCst), *id)) {
            Some((_, conn)) => {
                conn.ask_to_close();
                true
            }
            None => false,
        }
    }

    /// Asks every connection to close: idle ones at once, busy ones after their request.
    pub fn close_all(&self) {
        self.lock().values().for_each(|c| c.ask_to_close());
    }

    /// Resolves once every connection is closed.
    pub async fn all_closed(&self) {
        let _all = self.permits.acquire_many(self.max).await;
    }
}
