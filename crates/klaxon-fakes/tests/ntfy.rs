//! The ntfy fake over real HTTP on loopback: publishing (JSON and text) and ntfy's validation,
//! JSON streams with `since=`/`poll=1`/keepalives, auth, and the faults tests need (down on the
//! same port, streams cut, slow publishes), and pressing an `http` action as the phone does.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use klaxon_fakes::ntfy::{Message, NtfyConfig, NtfyError, NtfyFake};
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);

fn http() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap()
}

/// POSTs `body` as JSON to the server root; the status and the JSON answer.
async fn publish_json(fake: &NtfyFake, body: Value) -> (u16, Value) {
    let answer = http().post(fake.url()).json(&body).send().await.unwrap();
    (answer.status().as_u16(), answer.json().await.unwrap())
}

/// The error of a refused request, checked to be ntfy's shape.
fn ntfy_error(status: u16, body: Value) -> NtfyError {
    let e: NtfyError = serde_json::from_value(body).unwrap();
    assert_eq!(e.http, status);
    assert_eq!(e.code / 100, u32::from(status));
    e
}

/// A JSON stream, read line by line.
struct Stream {
    answer: reqwest::Response,
    buffer: Vec<u8>,
}

impl Stream {
    async fn open(url: String) -> Self {
        let answer = http().get(url).send().await.unwrap();
        assert_eq!(answer.status(), 200, "stream refused");
        let kind = answer.headers()["content-type"].to_str().unwrap();
        assert_eq!(kind, "application/x-ndjson; charset=utf-8");
        Self { answer, buffer: Vec::new() }
    }

    /// The next event; `Ok(None)` when the stream ended cleanly, `Err` when it was cut.
    async fn next(&mut self) -> Result<Option<Message>, reqwest::Error> {
        loop {
            if let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                return Ok(Some(serde_json::from_slice(&line).unwrap()));
            }
            match self.answer.chunk().await? {
                Some(chunk) => self.buffer.extend_from_slice(&chunk),
                None => return Ok(None),
            }
        }
    }

    /// The next event, which must come within [`WAIT`].
    async fn event(&mut self) -> Message {
        tokio::time::timeout(WAIT, self.next()).await.expect("no event in time").unwrap().expect("stream ended")
    }

    /// The next message event, skipping keepalives.
    async fn message(&mut self) -> Message {
        loop {
            let e = self.event().await;
            if e.event != "keepalive" {
                return e;
            }
        }
    }
}

/// A poll of `topic` with `query`: the messages, after checking the answer ends by itself.
async fn poll(fake: &NtfyFake, topic: &str, query: &str) -> Vec<Message> {
    let url = format!("{}/json?poll=1&{query}", fake.topic_url(topic));
    let mut stream = Stream::open(url).await;
    let mut out = Vec::new();
    while let Some(m) = tokio::time::timeout(WAIT, stream.next()).await.unwrap().unwrap() {
        out.push(m);
    }
    out
}

async fn publish_text(fake: &NtfyFake, topic: &str, text: &str) -> Message {
    let answer = http().post(fake.topic_url(topic)).body(text.to_owned()).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

#[path = "ntfy/faults.rs"]
mod faults;
#[path = "ntfy/publish.rs"]
mod publish;
#[path = "ntfy/stream.rs"]
mod stream;
