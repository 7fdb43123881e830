//! An ntfy-compatible push server (<https://docs.ntfy.sh/publish/>,
//! <https://docs.ntfy.sh/subscribe/api/>), written from ntfy's docs and server source for
//! testing Klaxon's ntfy client against: publish as JSON to `/` or as text to `/{topic}` (fields
//! in headers or query parameters, validated with ntfy's error codes), subscribe to
//! `/{topic}/json` (or `/{a},{b}/json`) with `since=` and `poll=1`, the message cache, optional
//! access tokens, and the test side: what was published, waits, open-stream counts, pressing an
//! `http` action as the phone app does, and faults (down on the same port, streams cut, slow
//! publishes, plus the [`Faults`] queue every fake has).
//!
//! Where it differs from a real ntfy server: no web app (`GET /{topic}` is a 404), WebSocket,
//! SSE or raw streams, no accounts, per-topic access control or rate limits (a valid token may
//! do everything; anonymous callers may do nothing while tokens are set), no attachment uploads
//! (it refuses them as a server without an attachment cache does), no e-mail or phone calls
//! (refused, as when not configured), no templating, UnifiedPush or poll requests, no
//! natural-language `delay=` ("tomorrow, 10am"), headers are not RFC 2047-decoded, delayed
//! messages go out at their second rather than on ntfy's 10 s sweep, and expired ones vanish
//! at once rather than on its next prune. Like every fake here it speaks HTTP/1.1 only, with
//! keep-alive off.

mod actions;
mod hub;
mod message;
mod params;
mod publish;
mod subscribe;

pub use message::{Action, Attachment, KEEPALIVE, MESSAGE, Message, NtfyError, OPEN};

use crate::{FakeServer, Faults};
use axum::Router;
use axum::extract::{FromRequestParts, Query};
use axum::http::Uri;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hub::Hub;
use message::errors;
use params::Params;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How a fake ntfy server is set up.
#[derive(Debug, Clone)]
pub struct NtfyConfig {
    /// Access tokens that may publish and subscribe; empty: no auth at all (anyone may).
    pub tokens: Vec<String>,
    /// How often a JSON stream sends a `keepalive` event (ntfy: 45 s).
    pub keepalive: Duration,
    /// How long messages stay cached for `since=` (ntfy: 12 h).
    pub cache_duration: Duration,
    /// The shortest `delay=` taken (ntfy: 10 s).
    pub delay_min: Duration,
    /// The longest `delay=` taken (ntfy: 3 days).
    pub delay_max: Duration,
}

impl Default for NtfyConfig {
    fn default() -> Self {
        Self {
            tokens: Vec::new(),
            keepalive: Duration::from_secs(45),
            cache_duration: Duration::from_secs(12 * 3600),
            delay_min: Duration::from_secs(10),
            delay_max: Duration::from_secs(3 * 24 * 3600),
        }
    }
}

/// A running fake ntfy server.
#[derive(Debug)]
pub struct NtfyFake {
    /// The HTTP server (recorded requests, the fault queue).
    pub server: FakeServer,
    hub: Arc<Hub>,
    /// The phone's HTTP client, for [`NtfyFake::press`].
    phone: reqwest::Client,
}

impl NtfyFake {
    /// Serves with the default config (no auth) on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(NtfyConfig::default()).await
    }

    /// Serves with `config` on a free loopback port.
    pub async fn start_with(config: NtfyConfig) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Serves with `config` on `addr`.
    pub async fn start_on(addr: SocketAddr, config: NtfyConfig) -> std::io::Result<Self> {
        let hub = Arc::new(Hub::new(config));
        let server = FakeServer::start_on(addr, router(hub.clone())).await?;
        let phone = reqwest::Client::builder()
            .user_agent("ntfy/1.0 (klaxon-fakes phone)")
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(std::io::Error::other)?;
        Ok(Self { server, hub, phone })
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// `http://127.0.0.1:PORT/{topic}`.
    pub fn topic_url(&self, topic: &str) -> String {
        format!("{}/{topic}", self.url())
    }

    /// The fault queue: each request takes the next fault, streams included (a stream that
    /// takes [`crate::Fault::Truncated`] never answers, its whole body being awaited).
    pub fn faults(&self) -> &Faults {
        self.server.faults()
    }

    /// Replaces the accepted access tokens (empty: no auth), e.g. to revoke one mid-test.
    pub fn set_tokens(&self, tokens: &[&str]) {
        self.hub.set_tokens(tokens.iter().map(|t| (*t).to_owned()).collect());
    }

    /// Makes every publish wait this long before it is handled (`None`: no wait).
    pub fn set_publish_delay(&self, delay: Option<Duration>) {
        self.hub.set_publish_delay(delay);
    }

    /// Goes away: the port closes (connections are refused) and every open stream is cut.
    /// Messages stay cached for [`NtfyFake::come_back`].
    pub async fn go_down(&self) {
        // Stop listening first, so a client reconnecting at once is refused.
        self.server.go_down().await;
        self.hub.cut_streams();
    }

    /// Listens again on the same port, with the same cache.
    pub async fn come_back(&self) -> std::io::Result<()> {
        self.server.come_back().await
    }

    /// Cuts every open JSON stream mid-way (the client reads a truncated response and has to
    /// reconnect); returns how many there were.
    pub fn drop_subscribers(&self) -> usize {
        self.hub.cut_streams()
    }

    /// Every message accepted for `topic`, oldest first (delayed and uncached ones included).
    pub fn published(&self, topic: &str) -> Vec<Message> {
        self.hub.published(topic)
    }

    /// The first message on `topic`, already published or still to come, that `matches`;
    /// `None` after `timeout`.
    pub async fn wait_for(
        &self,
        topic: &str,
        matches: impl Fn(&Message) -> bool,
        timeout: Duration,
    ) -> Option<Message> {
        self.wait_until(timeout, || self.published(topic).into_iter().find(|m| matches(m))).await
    }

    /// How many open JSON streams include `topic`. A stream counts until the fake notices
    /// its client is gone, at the latest when it next writes to it.
    pub fn subscribers(&self, topic: &str) -> usize {
        self.hub.subscribers(topic)
    }

    /// Waits until at least `n` streams include `topic`; false after `timeout`.
    pub async fn wait_for_subscribers(&self, topic: &str, n: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, || (self.subscribers(topic) >= n).then_some(())).await.is_some()
    }

    /// Presses an `http` action as the ntfy phone app does: sends its method (POST when
    /// unset) with its headers and body to its URL. Returns the answer's status; an error for
    /// other kinds of action or when no answer came.
    pub async fn press(&self, action: &Action) -> Result<u16, String> {
        if action.action != "http" {
            return Err(format!("a {:?} action is not an HTTP request", action.action));
        }
        let method = if action.method.is_empty() { "POST" } else { action.method.as_str() };
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        // The app sends the body (empty if unset) with every method that takes one.
        let takes_body = !matches!(method, reqwest::Method::GET | reqwest::Method::HEAD);
        let mut request = self.phone.request(method, &action.url);
        for (name, value) in &action.headers {
            request = request.header(name, value);
        }
        if takes_body {
            request = request.body(action.body.clone());
        }
        let answer = request.send().await.map_err(|e| e.to_string())?;
        Ok(answer.status().as_u16())
    }

    /// Checks `check` now and after every change (publish, stream opened or closed).
    async fn wait_until<T>(&self, timeout: Duration, check: impl Fn() -> Option<T>) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.hub.watch();
        loop {
            changes.borrow_and_update();
            if let Some(found) = check() {
                return Some(found);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) | Err(_) => return None,
            }
        }
    }
}

impl Drop for NtfyFake {
    fn drop(&mut self) {
        // Its streams would otherwise live on, sending keepalives, after the server is gone.
        self.hub.cut_streams();
    }
}

/// The fake's routes over `hub`.
fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/", post(publish::json).put(publish::json))
        .route("/v1/health", get(|| async { ([("content-type", "application/json")], "{\"healthy\":true}\n") }))
        .route("/{topic}", post(publish::text).put(publish::text))
        .route("/{topic}/json", get(subscribe::json))
        .route("/{topic}/{verb}", get(publish::via_get))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .with_state(hub)
}

async fn not_found() -> Response {
    NtfyError::from(errors::NOT_FOUND).into_response()
}

/// Topics ntfy keeps for its own pages.
const DISALLOWED: [&str; 10] =
    ["docs", "static", "file", "app", "metrics", "account", "settings", "signup", "login", "v1"];

/// ntfy's `^[-_A-Za-z0-9]{1,64}$`.
fn valid_topic(topic: &str) -> bool {
    (1..=64).contains(&topic.len()) && topic.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn query(uri: &Uri) -> Vec<(String, String)> {
    Query::<Vec<(String, String)>>::try_from_uri(uri).map(|q| q.0).unwrap_or_default()
}

/// A request's parameters and who sent it. As an extractor it authenticates first of all, so a
/// wrong token is a 401 whatever else is wrong, as in ntfy.
#[derive(Debug)]
struct Call {
    params: Params,
    caller: Caller,
}

impl FromRequestParts<Arc<Hub>> for Call {
    type Rejection = NtfyError;

    async fn from_request_parts(parts: &mut Parts, hub: &Arc<Hub>) -> Result<Self, NtfyError> {
        let params = Params::new(&parts.headers, query(&parts.uri));
        let caller = authenticate(hub, &params)?;
        Ok(Self { params, caller })
    }
}

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    /// No tokens are set: everyone may do everything.
    Anyone,
    /// Tokens are set and this caller sent none.
    Anonymous,
    /// A caller with a valid token.
    Token,
}

/// ntfy's `maybeAuthenticate`: `Authorization: Bearer <token>`, `Basic` with an empty user and
/// the token as password, or either one base64url-encoded in `?auth=`. A wrong token is a 401
/// at once; no token at all is let through as anonymous (and refused by [`authorize`]).
fn authenticate(hub: &Hub, p: &Params) -> Result<Caller, NtfyError> {
    let tokens = hub.tokens();
    if tokens.is_empty() {
        return Ok(Caller::Anyone);
    }
    let decode = |s: &str| params::base64(s.trim()).and_then(|b| String::from_utf8(b).ok());
    let value = match p.query_param(&["authorization", "auth"]) {
        Some(q) => decode(&q).ok_or(errors::UNAUTHORIZED)?.trim().to_owned(),
        None => p.header("authorization"),
    };
    let (scheme, credentials) = value.split_once(' ').unwrap_or((&value, ""));
    let token = if scheme.eq_ignore_ascii_case("bearer") {
        credentials.trim().to_owned()
    } else if scheme.eq_ignore_ascii_case("basic") {
        match decode(credentials).as_deref().and_then(|c| c.split_once(':')) {
            Some(("", token)) => token.to_owned(),
            _ => return Err(errors::UNAUTHORIZED.into()),
        }
    } else {
        return Ok(Caller::Anonymous);
    };
    if tokens.contains(&token) { Ok(Caller::Token) } else { Err(errors::UNAUTHORIZED.into()) }
}

/// ntfy's `authorizeTopic` with `auth-default-access: deny-all`: anonymous callers get a 403.
fn authorize(caller: Caller) -> Result<(), NtfyError> {
    if caller == Caller::Anonymous { Err(errors::FORBIDDEN.into()) } else { Ok(()) }
}
