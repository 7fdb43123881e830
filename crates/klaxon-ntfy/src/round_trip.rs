//! A test push, answered from the phone: subscribe to the reply topic, publish, and wait for
//! the Acknowledge carrying this test's capability.

use crate::stream::Since;
use crate::{NtfyClient, NtfyError};
use klaxon_engine::core::phone::Capability;
use klaxon_engine::phone::{RoundTrip, TestPush};
use std::time::{Duration, Instant};

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Runs the round trip of `test` (see [`klaxon_engine::phone::round_trip`]).
pub(crate) async fn run(client: &NtfyClient, test: TestPush<'_>) -> Result<RoundTrip, NtfyError> {
    let deadline = Instant::now() + test.timeout;
    let (server, token) = (test.settings.server.as_str(), test.token);
    let reply = test.settings.reply_topic();
    // Subscribed before publishing, so an answer faster than this code is not missed.
    let mut stream = client.subscribe(server, token, &reply, &Since::Now).await?;
    let started = Instant::now();
    let since = chrono::Utc::now().timestamp() - 1;
    client.publish(server, token, test.message).await?;
    let publish = started.elapsed();
    let published = Instant::now();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(NtfyError::NoAnswer(test.timeout.as_secs()));
        }
        let event = match tokio::time::timeout(left, stream.next_event()).await {
            Err(_) => return Err(NtfyError::NoAnswer(test.timeout.as_secs())),
            Ok(Ok(Some(event))) => event,
            // Dropped: resume from just before the push, within the same deadline.
            Ok(Ok(None) | Err(_)) => {
                tokio::time::sleep(Duration::from_millis(500).min(left)).await;
                stream = client.subscribe(server, token, &reply, &Since::Time(since)).await?;
                continue;
            }
        };
        let Some(body) = event.message.as_deref().filter(|_| event.event == "message") else { continue };
        let answered =
            Capability::verify(body, test.key, chrono::Utc::now()).is_ok_and(|c| c.nonce == test.capability.nonce);
        if answered {
            return Ok(RoundTrip { publish_ms: ms(publish), answer_ms: ms(published.elapsed()) });
        }
    }
}
