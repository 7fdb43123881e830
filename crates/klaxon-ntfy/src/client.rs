//! Publishing to and subscribing on an ntfy server
//! (<https://docs.ntfy.sh/publish/#publish-as-json>, <https://docs.ntfy.sh/subscribe/api/>).

use crate::NtfyError;
use crate::stream::{Since, Subscription};
use klaxon_engine::core::Secret;
use klaxon_engine::core::phone::Publication;
use std::time::Duration;

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one publish may take in all.
const PUBLISH_TIMEOUT: Duration = Duration::from_secs(10);

/// An HTTP client for ntfy servers.
#[derive(Debug, Clone)]
pub struct NtfyClient {
    http: reqwest::Client,
}

impl NtfyClient {
    /// A client (TLS through rustls with the system's roots).
    pub fn new() -> Result<Self, NtfyError> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("klaxon/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| NtfyError::Network(e.to_string()))?;
        Ok(Self { http })
    }

    fn authorized(&self, request: reqwest::RequestBuilder, token: Option<&Secret>) -> reqwest::RequestBuilder {
        match token {
            Some(t) => request.bearer_auth(t.expose()),
            None => request,
        }
    }

    /// Publishes `message` (JSON, to the server root); the server's message id.
    pub async fn publish(
        &self,
        server: &str,
        token: Option<&Secret>,
        message: &Publication,
    ) -> Result<String, NtfyError> {
        let request = self.http.post(format!("{server}/")).timeout(PUBLISH_TIMEOUT).json(message);
        let response = self.authorized(request, token).send().await?;
        let response = check(response).await?;
        let sent: serde_json::Value =
            response.json().await.map_err(|e| NtfyError::Malformed(e.without_url().to_string()))?;
        sent.get("id")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| NtfyError::Malformed("the publish answer has no message id".into()))
    }

    /// Opens `topic`'s JSON stream from `since`; the first event (`open`) has been read.
    pub async fn subscribe(
        &self,
        server: &str,
        token: Option<&Secret>,
        topic: &str,
        since: &Since,
    ) -> Result<Subscription, NtfyError> {
        let mut request = self.http.get(format!("{server}/{topic}/json"));
        if let Some(since) = since.query() {
            request = request.query(&[("since", since)]);
        }
        let response = self.authorized(request, token).send().await?;
        Subscription::open(check(response).await?).await
    }
}

/// The response if it is a success; ntfy's error otherwise.
async fn check(response: reqwest::Response) -> Result<reqwest::Response, NtfyError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let text = response.text().await.unwrap_or_default();
    let message = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("error").and_then(serde_json::Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| text.chars().take(200).collect());
    Err(NtfyError::Refused { status: status.as_u16(), message })
}

#[async_trait::async_trait]
impl klaxon_engine::phone::PhoneChannel for NtfyClient {
    async fn publish(&self, server: &str, token: Option<&Secret>, message: &Publication) -> Result<(), String> {
        NtfyClient::publish(self, server, token, message).await.map(|_| ()).map_err(|e| e.to_string())
    }

    async fn round_trip(
        &self,
        test: klaxon_engine::phone::TestPush<'_>,
    ) -> Result<klaxon_engine::phone::RoundTrip, String> {
        crate::round_trip::run(self, test).await.map_err(|e| e.to_string())
    }
}
