//! Subscribing, as ntfy's `handleSubscribeHTTP` for `GET /{topics}/json`: a newline-delimited
//! JSON stream that opens with an `open` event, then sends the cached messages `since=` asks
//! for, then every new one as it is published, with a `keepalive` event every interval. With
//! `poll=1` it sends the cached messages (all of them when `since` is absent) and ends.

use super::hub::{Event, Hub};
use super::message::{KEEPALIVE, MESSAGE, Message, NtfyError, OPEN, errors, now_unix};
use super::params::{self, Params};
use super::{Call, DISALLOWED, authorize, valid_topic};
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use std::collections::VecDeque;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::time::{Interval, MissedTickBehavior};

/// `GET /{topic}/json`, or `GET /{a},{b}/json` for several topics.
pub(super) async fn json(
    State(hub): State<Arc<Hub>>,
    Path(path): Path<String>,
    call: Call,
) -> Result<Response, NtfyError> {
    let topics: Vec<String> = path.split(',').map(str::to_owned).collect();
    if !topics.iter().all(|t| valid_topic(t)) {
        return Err(errors::NOT_FOUND.into());
    }
    if topics.iter().any(|t| DISALLOWED.contains(&t.as_str())) {
        return Err(errors::TOPIC_INVALID.into());
    }
    authorize(call.caller)?;
    let p = &call.params;
    let poll = p.flag(false, &["x-poll", "poll", "po"]);
    let scheduled = p.flag(false, &["x-scheduled", "scheduled", "sched"]);
    let since = params::since(&p.get(&["x-since", "since", "si"]), poll, now_unix())?;
    let filter = Filter::read(p)?;
    let body = if poll {
        let lines: String =
            hub.cached(&topics, &since, scheduled).iter().filter(|m| filter.pass(m)).map(Message::line).collect();
        Body::from(lines)
    } else {
        let (id, backlog, rx) = hub.subscribe(&topics, &since, scheduled);
        let mut queue = VecDeque::from([Message::stream_event(OPEN, &path)]);
        queue.extend(backlog.into_iter().filter(|m| filter.pass(m)));
        let period = hub.config.keepalive;
        let mut keepalive = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        keepalive.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let open = Open { hub: hub.clone(), id, rx, keepalive, queue, topics: path, filter };
        Body::from_stream(futures_util::stream::unfold(open, |mut open| async move {
            let line = open.next().await?;
            Some((line, open))
        }))
    };
    // The Android app's HTTP client needs the charset.
    let headers = [("content-type", "application/x-ndjson; charset=utf-8"), ("access-control-allow-origin", "*")];
    Ok((headers, body).into_response())
}

/// An open stream; leaving the hub when its body is dropped (the client went away, or the
/// stream was cut).
struct Open {
    hub: Arc<Hub>,
    id: u64,
    rx: mpsc::UnboundedReceiver<Event>,
    keepalive: Interval,
    /// What goes out before the live messages: `open`, then the cached ones.
    queue: VecDeque<Message>,
    topics: String,
    filter: Filter,
}

impl Open {
    async fn next(&mut self) -> Option<Result<Bytes, std::io::Error>> {
        if let Some(m) = self.queue.pop_front() {
            return Some(Ok(m.line().into()));
        }
        loop {
            tokio::select! {
                event = self.rx.recv() => match event? {
                    Event::Message(m) if self.filter.pass(&m) => return Some(Ok(m.line().into())),
                    Event::Message(_) => {}
                    // An error ends the body without its last chunk: hyper drops the connection
                    // and the client reads a truncated stream, as when a server goes away.
                    Event::Cut => return Some(Err(std::io::Error::other("stream cut by the fake"))),
                },
                _ = self.keepalive.tick() => {
                    return Some(Ok(Message::stream_event(KEEPALIVE, &self.topics).line().into()));
                }
            }
        }
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.hub.unsubscribe(self.id);
    }
}

/// ntfy's subscribe filters: `id`, `message`, `title` (exact), `tags` (all of), `priority` (any
/// of, where none set counts as 3). They apply to messages only.
#[derive(Debug)]
struct Filter {
    id: String,
    message: String,
    title: String,
    tags: Vec<String>,
    priorities: Vec<u8>,
}

impl Filter {
    fn read(p: &Params) -> Result<Self, NtfyError> {
        let priorities = params::split(&p.get(&["x-priority", "priority", "prio", "p"]))
            .iter()
            .map(|s| params::priority(s))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            id: p.get(&["x-id", "id"]),
            message: p.get(&["x-message", "message", "m"]),
            title: p.get(&["x-title", "title", "t"]),
            tags: p.list(&["x-tags", "tags", "tag", "ta"]),
            priorities,
        })
    }

    fn pass(&self, m: &Message) -> bool {
        let same = |want: &str, got: &str| want.is_empty() || want == got;
        m.event != MESSAGE
            || (same(&self.id, &m.id)
                && same(&self.message, &m.message)
                && same(&self.title, &m.title)
                && (self.priorities.is_empty() || self.priorities.contains(&m.effective_priority()))
                && self.tags.iter().all(|t| m.tags.contains(t)))
    }
}
