//! A fake of PagerDuty's REST API v2 over [`Shared`], in PagerDuty's shapes: `Token token=`
//! auth, `From` required on writes, offset/limit/`more` pagination, the `user_ids[]`,
//! `statuses[]`, `since`/`until` filters, and PagerDuty's write semantics (acknowledging a
//! resolved incident is a 400 "Incident Already Resolved", acknowledging an acknowledged one
//! changes nothing, escalating re-triggers at that level's targets). Each applied write is
//! recorded with [`Platform::record`]. Like PagerDuty, it reports no escalation level on
//! incidents and shows resolved incidents unassigned. Schedule overrides replace whoever is on
//! in the rendered schedule and `/oncalls`.

// Handlers return `Err(answer)` for refusals; the answer is a whole HTTP response by design.
#![allow(clippy::result_large_err)]

mod directory;
mod incidents;
mod overrides;
mod shapes;

use crate::{FakeServer, Platform, Shared};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// A running PagerDuty fake and the state it serves.
#[derive(Debug)]
pub struct PagerDutyFake {
    /// The HTTP server (requests, faults).
    pub server: FakeServer,
    /// The platform it serves (seed and inspect it here).
    pub state: Shared,
}

impl PagerDutyFake {
    /// The token the fake accepts at first.
    pub const TOKEN: &str = "pd-test-token-0123456789";

    /// Serves a fresh platform (see [`Shared::new`]) on a free loopback port.
    pub async fn start(now: DateTime<Utc>) -> std::io::Result<Self> {
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        Self::start_on(addr, Shared::new(Self::TOKEN, now)).await
    }

    /// Serves `state` on `addr` (e.g. the same port and state again after a stop).
    pub async fn start_on(addr: SocketAddr, state: Shared) -> std::io::Result<Self> {
        let server = FakeServer::start_on(addr, router(state.clone())).await?;
        Ok(Self { server, state })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.server.url()
    }
}

/// The fake's routes over `state`.
pub fn router(state: Shared) -> Router {
    let fake = Fake { state, events: Arc::new(Mutex::new(Vec::new())) };
    Router::new()
        .route("/users", get(directory::list_users))
        .route("/users/me", get(directory::get_me))
        .route("/users/{id}/contact_methods", get(directory::get_contact_methods))
        .route("/incidents", get(incidents::list_incidents))
        .route("/incidents/{id}", get(incidents::get_incident).put(incidents::put_incident))
        .route("/incidents/{id}/log_entries", get(incidents::get_log_entries))
        .route("/incidents/{id}/notes", get(incidents::get_notes).post(incidents::post_note))
        .route("/incidents/{id}/snooze", axum::routing::post(incidents::post_snooze))
        .route("/oncalls", get(directory::list_oncalls))
        .route("/schedules", get(directory::list_schedules))
        .route("/schedules/{id}", get(directory::get_schedule))
        .route("/schedules/{id}/overrides", get(overrides::list_overrides).post(overrides::post_overrides))
        .route("/escalation_policies", get(directory::list_policies))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "Not Found", 2100, &[]) })
        .with_state(fake)
}

#[derive(Debug, Clone)]
struct Fake {
    state: Shared,
    /// Log entries of the writes this fake applied (triggers, acks and resolutions are also
    /// derived from the incident itself, so they survive a restart on the same state).
    events: Arc<Mutex<Vec<Event>>>,
}

#[derive(Debug, Clone)]
struct Event {
    incident: String,
    at: DateTime<Utc>,
    kind: &'static str,
    agent: String,
    summary: String,
    assignees: Vec<String>,
}

type Reply = Result<Response, Response>;

/// Where `self` and `html_url` links point. A reserved name that never resolves: nothing follows
/// them, and the spec's `url` format refuses loopback addresses.
pub const WEB: &str = "https://klaxon-fake.pagerduty.invalid";

impl Fake {
    fn event(&self, incident: &str, kind: &'static str, agent: &str, summary: String, assignees: Vec<String>) {
        let e = Event { incident: incident.into(), at: Utc::now(), kind, agent: agent.into(), summary, assignees };
        self.events.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(e);
    }

    fn events(&self, incident: &str) -> Vec<Event> {
        let events = self.events.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        events.iter().filter(|e| e.incident == incident).cloned().collect()
    }
}

// ---- plumbing -------------------------------------------------------------------------------

fn respond(status: StatusCode, body: &Value) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert("content-type", axum::http::HeaderValue::from_static("application/json"));
    r
}

fn error(status: StatusCode, message: &str, code: u32, errors: &[&str]) -> Response {
    let mut e = json!({"message": message, "code": code});
    if !errors.is_empty() {
        e["errors"] = json!(errors);
    }
    respond(status, &json!({ "error": e }))
}

fn invalid(why: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "Invalid Input Provided", 2001, &[why])
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Not Found", 2100, &[])
}

fn done(r: Reply) -> Response {
    r.unwrap_or_else(|e| e)
}

/// Checks `Authorization: Token token=…` against the platform's current token.
fn authorize(fake: &Fake, headers: &HeaderMap) -> Result<(), Response> {
    let want = format!("Token token={}", fake.state.lock().token);
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some(got) if got == want => Ok(()),
        _ => Err(error(StatusCode::UNAUTHORIZED, "Unauthorized", 2006, &[])),
    }
}

/// The user a write comes from, by the email in `From`.
fn requester(p: &Platform, headers: &HeaderMap) -> Result<String, Response> {
    let Some(from) = headers.get("from").and_then(|v| v.to_str().ok()).filter(|f| !f.trim().is_empty()) else {
        return Err(invalid("The From header is required to make this request"));
    };
    p.users
        .iter()
        .find(|u| u.email.eq_ignore_ascii_case(from.trim()))
        .map(|u| u.id.clone())
        .ok_or_else(|| invalid("Requester User Not Found"))
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(b)) => {
                out.push(b);
                i += 2;
            }
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A query string as (name, value) pairs, decoded, repeated names kept.
#[derive(Debug, Default)]
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(raw: Option<String>) -> Self {
        let raw = raw.unwrap_or_default();
        Query(
            raw.split('&')
                .filter(|kv| !kv.is_empty())
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    (percent_decode(k), percent_decode(v))
                })
                .collect(),
        )
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    fn one(&self, name: &str) -> Option<&str> {
        self.all(name).into_iter().next()
    }

    fn number(&self, name: &str, default: usize) -> Result<usize, Response> {
        self.one(name).map_or(Ok(default), |v| v.parse().map_err(|_| invalid(&format!("{name} must be an integer"))))
    }

    fn time(&self, name: &str) -> Result<Option<DateTime<Utc>>, Response> {
        self.one(name)
            .map(|v| {
                DateTime::parse_from_rfc3339(v)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| invalid(&format!("{name} must be an ISO 8601 date")))
            })
            .transpose()
    }
}

/// One page of `items` under `key`, with PagerDuty's classic pagination fields.
fn page(key: &str, items: Vec<Value>, q: &Query) -> Reply {
    page_with(key, items, q, |v| v)
}

/// A page of `items`, rendering only the ones on it (a big list stays cheap to page through).
fn page_with<T>(key: &str, items: Vec<T>, q: &Query, render: impl Fn(T) -> Value) -> Reply {
    let limit = q.number("limit", 25)?.clamp(1, 100);
    let offset = q.number("offset", 0)?;
    let total = items.len();
    let slice: Vec<Value> = items.into_iter().skip(offset).take(limit).map(render).collect();
    let more = offset + slice.len() < total;
    let mut body = json!({ key: slice, "limit": limit, "offset": offset, "more": more, "total": Value::Null });
    if q.one("total") == Some("true") {
        body["total"] = json!(total);
    }
    Ok(respond(StatusCode::OK, &body))
}

fn json_body(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|_| invalid("The request body is not valid JSON"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode_and_keep_repeated_names() {
        let q = Query::parse(Some(
            "statuses%5B%5D=triggered&statuses[]=acknowledged&since=2026-01-01T00%3A00%3A00Z&x".into(),
        ));
        assert_eq!(q.all("statuses[]"), ["triggered", "acknowledged"]);
        assert_eq!(q.one("since"), Some("2026-01-01T00:00:00Z"));
        assert_eq!(q.one("x"), Some(""));
        assert_eq!(percent_decode("a+b%2"), "a b%2");
    }
}
