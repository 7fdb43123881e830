//! The fake's state: the message cache that `since=` reads, a log of every accepted message
//! for the tests, and the open JSON streams that new messages are handed to.

use super::NtfyConfig;
use super::message::{Message, now_unix};
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Which cached messages a subscriber asks for (`since=`), as ntfy's `sinceMarker`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Since {
    /// None (a stream without `since`).
    Nothing,
    /// Every cached message.
    All,
    /// The newest message of each topic.
    Latest,
    /// Messages cached after the one with this id (every one if it is unknown).
    Id(String),
    /// Messages with `time` at or after these unix seconds.
    Time(i64),
}

/// What an open stream is handed.
#[derive(Debug)]
pub(super) enum Event {
    Message(Box<Message>),
    /// Cut the stream short, as a dropped connection would.
    Cut,
}

/// The shared state behind a fake and its handlers.
#[derive(Debug)]
pub(crate) struct Hub {
    pub(super) config: NtfyConfig,
    inner: Mutex<Inner>,
    /// Bumped on every publish and every stream opened or closed, for the tests' waits.
    changes: watch::Sender<u64>,
}

#[derive(Debug, Default)]
struct Inner {
    tokens: Vec<String>,
    /// In arrival order, which is the order `since=<id>` counts in.
    cache: Vec<Cached>,
    log: Vec<Message>,
    streams: BTreeMap<u64, Stream>,
    next_stream: u64,
    publish_delay: Option<Duration>,
}

#[derive(Debug)]
struct Cached {
    message: Message,
    /// False while a delayed message waits for its time.
    published: bool,
}

#[derive(Debug)]
struct Stream {
    topics: Vec<String>,
    tx: mpsc::UnboundedSender<Event>,
}

impl Hub {
    pub(super) fn new(config: NtfyConfig) -> Self {
        let inner = Inner { tokens: config.tokens.clone(), ..Inner::default() };
        Self { config, inner: Mutex::new(inner), changes: watch::channel(0).0 }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn changed(&self) {
        self.changes.send_modify(|n| *n += 1);
    }

    /// Something to wait on for the next change.
    pub(super) fn watch(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    pub(super) fn tokens(&self) -> Vec<String> {
        self.lock().tokens.clone()
    }

    pub(super) fn set_tokens(&self, tokens: Vec<String>) {
        self.lock().tokens = tokens;
    }

    pub(super) fn publish_delay(&self) -> Option<Duration> {
        self.lock().publish_delay
    }

    pub(super) fn set_publish_delay(&self, delay: Option<Duration>) {
        self.lock().publish_delay = delay;
    }

    /// Takes an accepted message: logs it, caches it if `cache`, and hands it to the streams
    /// of its topic unless it is `delayed` (then [`Hub::deliver`] does, at its time).
    pub(super) fn accept(&self, message: &Message, cache: bool, delayed: bool) {
        let mut inner = self.lock();
        inner.log.push(message.clone());
        if cache {
            inner.cache.push(Cached { message: message.clone(), published: !delayed });
        }
        if !delayed {
            inner.hand_out(message);
        }
        drop(inner);
        self.changed();
    }

    /// A delayed message's time has come.
    pub(super) fn deliver(&self, id: &str) {
        let mut inner = self.lock();
        let Some(cached) = inner.cache.iter_mut().find(|c| c.message.id == id) else { return };
        cached.published = true;
        let message = cached.message.clone();
        inner.hand_out(&message);
        drop(inner);
        self.changed();
    }

    /// Opens a stream on `topics`: the cached messages it asked for, and where later ones come,
    /// in one step so that none is missed or sent twice.
    pub(super) fn subscribe(
        &self,
        topics: &[String],
        since: &Since,
        scheduled: bool,
    ) -> (u64, Vec<Message>, mpsc::UnboundedReceiver<Event>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut inner = self.lock();
        let backlog = inner.cached(topics, since, scheduled);
        let id = inner.next_stream;
        inner.next_stream += 1;
        inner.streams.insert(id, Stream { topics: topics.to_vec(), tx });
        drop(inner);
        self.changed();
        (id, backlog, rx)
    }

    /// The cached messages of `topics` that `since` asks for, oldest first.
    pub(super) fn cached(&self, topics: &[String], since: &Since, scheduled: bool) -> Vec<Message> {
        self.lock().cached(topics, since, scheduled)
    }

    pub(super) fn unsubscribe(&self, id: u64) {
        if self.lock().streams.remove(&id).is_some() {
            self.changed();
        }
    }

    /// Cuts every open stream; returns how many.
    pub(super) fn cut_streams(&self) -> usize {
        let streams = std::mem::take(&mut self.lock().streams);
        for stream in streams.values() {
            let _ = stream.tx.send(Event::Cut);
        }
        self.changed();
        streams.len()
    }

    /// How many open streams include `topic`.
    pub(super) fn subscribers(&self, topic: &str) -> usize {
        self.lock().streams.values().filter(|s| s.topics.iter().any(|t| t == topic)).count()
    }

    /// Every message accepted for `topic`, in order.
    pub(super) fn published(&self, topic: &str) -> Vec<Message> {
        self.lock().log.iter().filter(|m| m.topic == topic).cloned().collect()
    }
}

impl Inner {
    fn hand_out(&mut self, message: &Message) {
        for stream in self.streams.values() {
            if stream.topics.contains(&message.topic) {
                // A stream whose client went away is removed when its body is dropped.
                let _ = stream.tx.send(Event::Message(Box::new(message.clone())));
            }
        }
    }

    fn cached(&mut self, topics: &[String], since: &Since, scheduled: bool) -> Vec<Message> {
        // Expired messages go as ntfy's pruning would (it prunes every minute; this at once).
        let now = now_unix();
        self.cache.retain(|c| c.message.expires > now);
        let visible = |c: &&Cached| c.published || scheduled;
        let mut out: Vec<(usize, &Message)> = Vec::new();
        for topic in topics {
            let of_topic = self.cache.iter().enumerate().filter(|(_, c)| c.message.topic == *topic);
            match since {
                Since::Nothing => {}
                Since::All => out.extend(of_topic.filter(|(_, c)| visible(c)).map(|(i, c)| (i, &c.message))),
                Since::Time(t) => out
                    .extend(of_topic.filter(|(_, c)| visible(c) && c.message.time >= *t).map(|(i, c)| (i, &c.message))),
                Since::Latest => {
                    let newest = of_topic.filter(|(_, c)| c.published).max_by_key(|(i, c)| (c.message.time, *i));
                    out.extend(newest.map(|(i, c)| (i, &c.message)));
                }
                Since::Id(id) => {
                    // Like ntfy: an id it does not know means every message.
                    let after = self.cache.iter().position(|c| c.message.id == *id).map_or(-1, |p| p as i64);
                    let newer =
                        |(i, c): &(usize, &Cached)| (*i as i64 > after && c.published) || (scheduled && !c.published);
                    out.extend(of_topic.filter(newer).map(|(i, c)| (i, &c.message)));
                }
            }
        }
        out.sort_by_key(|(i, m)| (m.time, *i));
        out.into_iter().map(|(_, m)| m.clone()).collect()
    }
}
