//! A topic's JSON stream: one event per line (`open`, `keepalive`, `message`, `poll_request`).

use crate::NtfyError;
use serde::Deserialize;
use std::time::Duration;

/// The longest line read (ntfy messages are at most 4 KiB of text, plus JSON around them).
const MAX_LINE: usize = 64 * 1024;
/// ntfy sends a keepalive every 45 s by default: a stream quiet for this long is dead.
pub const QUIET_LIMIT: Duration = Duration::from_secs(120);

/// Where a subscription starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// Only what is published from now on.
    Now,
    /// Everything after this message id (resuming a dropped stream).
    Message(String),
    /// Everything published at or after this unix time.
    Time(i64),
}

impl Since {
    /// The `since=` value (none for [`Since::Now`]).
    pub fn query(&self) -> Option<String> {
        match self {
            Since::Now => None,
            Since::Message(id) => Some(id.clone()),
            Since::Time(t) => Some(t.to_string()),
        }
    }
}

/// One event of the stream (only the fields Klaxon reads).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Event {
    pub id: String,
    pub time: i64,
    pub event: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub message: Option<String>,
}

/// An open stream.
#[derive(Debug)]
pub struct Subscription {
    response: reqwest::Response,
    buffer: Vec<u8>,
    quiet_limit: Duration,
}

impl Subscription {
    /// Reads up to the `open` event.
    pub(crate) async fn open(response: reqwest::Response) -> Result<Self, NtfyError> {
        let mut s = Self { response, buffer: Vec::new(), quiet_limit: QUIET_LIMIT };
        match s.next_event().await? {
            Some(e) if e.event == "open" => Ok(s),
            Some(e) => Err(NtfyError::Malformed(format!("the stream began with `{}`, not `open`", e.event))),
            None => Err(NtfyError::Network("the stream ended before it opened".into())),
        }
    }

    /// Gives up on a stream that stays quiet this long (tests shorten it).
    pub fn set_quiet_limit(&mut self, limit: Duration) {
        self.quiet_limit = limit;
    }

    /// The next event; `None` when the server ended the stream. Lines that are not events are
    /// skipped (logged).
    pub async fn next_event(&mut self) -> Result<Option<Event>, NtfyError> {
        loop {
            if let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                let line = String::from_utf8_lossy(&line);
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                match serde_json::from_str::<Event>(line) {
                    Ok(event) => return Ok(Some(event)),
                    Err(e) => {
                        tracing::warn!(error = %e, "skipped a line of the ntfy stream that is not an event");
                        continue;
                    }
                }
            }
            if self.buffer.len() > MAX_LINE {
                return Err(NtfyError::Malformed(format!("a line longer than {MAX_LINE} bytes")));
            }
            let chunk = tokio::time::timeout(self.quiet_limit, self.response.chunk())
                .await
                .map_err(|_| NtfyError::Quiet(self.quiet_limit.as_secs()))??;
            match chunk {
                Some(bytes) => self.buffer.extend_from_slice(&bytes),
                None => return Ok(None),
            }
        }
    }
}
