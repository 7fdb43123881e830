//! A fake GoAlert: `POST /api/graphql` and the basic login, over [`Shared`].
//!
//! It is no GraphQL engine: it recognises the operations Klaxon's adapter sends by their names
//! (`KlaxonAlerts`, `KlaxonEscalateAlerts`, …), reads their `variables`, and answers every field
//! those operations select, in GoAlert's shapes and with GoAlert's semantics: statuses only move
//! forward, `escalateAlerts` moves one step (wrapping after the last) and re-triggers, `alert(id)`
//! is null for an unknown id while `escalateAlerts` answers a GraphQL error, and GraphQL errors come
//! in 200 answers. A GoAlert alert's number (`alertID`) is the shared incident's `number`. User
//! overrides (`createUserOverride`, `userOverrides`) change the schedules' `shifts`.

mod alerts;
mod directory;
mod overrides;

use crate::{FakeServer, Platform, Shared};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// A running fake GoAlert with its state.
#[derive(Debug)]
pub struct GoAlertFake {
    pub server: FakeServer,
    pub state: Shared,
    extra: Arc<Mutex<Extra>>,
}

/// What GoAlert keeps that the platform-neutral model has no place for.
#[derive(Debug, Default)]
struct Extra {
    /// Users an alert notified before it moved on (incident id → user ids).
    notified: BTreeMap<String, BTreeSet<String>>,
    /// Manual escalations per incident id: when, to which 0-based step, by whom.
    escalations: BTreeMap<String, Vec<(DateTime<Utc>, u32, String)>>,
    /// Log lines of the writes this fake applied, per incident id (GoAlert's log is append-only).
    events: BTreeMap<String, Vec<(DateTime<Utc>, String)>>,
    /// GraphQL error messages to answer the next requests with.
    errors: VecDeque<String>,
}

/// The router's state.
#[derive(Debug, Clone)]
struct Ctx {
    state: Shared,
    extra: Arc<Mutex<Extra>>,
}

impl Ctx {
    fn extra(&self) -> MutexGuard<'_, Extra> {
        self.extra.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A GraphQL error for one top-level field.
#[derive(Debug)]
struct GqlError {
    message: String,
}

impl GqlError {
    fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}

/// What an operation handler answers: the field's value, or a GraphQL error.
type Answer = Result<Value, GqlError>;

impl GoAlertFake {
    /// The session token the fake accepts (also what its login hands out).
    pub const TOKEN: &str = "goalert-test-session-0123456789";
    /// The basic-auth username of `U_ME`.
    pub const USERNAME: &str = "me";
    /// The basic-auth password of `U_ME`.
    pub const PASSWORD: &str = "correct-horse-battery-staple";

    /// A fake over a fresh [`Shared`] seeded around `now` (the fake's own clock is the real one,
    /// so pass `Utc::now()` when on-call answers matter).
    pub async fn start(now: DateTime<Utc>) -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0".parse().map_err(std::io::Error::other)?, Shared::new(Self::TOKEN, now)).await
    }

    /// A fake over `state` on `addr` (e.g. the same port again after [`FakeServer::stop`]).
    pub async fn start_on(addr: SocketAddr, state: Shared) -> std::io::Result<Self> {
        let extra = Arc::new(Mutex::new(Extra::default()));
        let ctx = Ctx { state: state.clone(), extra: extra.clone() };
        let router = Router::new()
            .route("/api/graphql", post(graphql))
            .route("/api/v2/identity/providers/basic", post(login))
            .with_state(ctx);
        let server = FakeServer::start_on(addr, router).await?;
        Ok(Self { server, state, extra })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// GoAlert's alert number (the adapter's `provider_ref`) of shared incident `id`.
    pub fn alert_ref(&self, id: &str) -> Option<String> {
        self.state.incident(id).map(|i| i.number.to_string())
    }

    /// Answers the next GraphQL request with a GraphQL error carrying `message` (HTTP 200, no data).
    pub fn push_graphql_error(&self, message: &str) {
        self.extra.lock().unwrap_or_else(std::sync::PoisonError::into_inner).errors.push_back(message.to_owned());
    }
}

/// An RFC 3339 timestamp as GoAlert writes them.
fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The bearer token or session cookie of a request.
fn token(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let cookie = || {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| c.trim().strip_prefix("goalert_session.2=").map(str::to_owned))
    };
    bearer.or_else(cookie)
}

fn text(status: StatusCode, body: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body.to_owned()).into_response()
}

async fn graphql(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    let expected = ctx.state.lock().token.clone();
    if token(&headers).as_deref() != Some(expected.as_str()) {
        // GoAlert's auth check before GraphQL answers plain text.
        return text(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "errors": [{ "message": "json body could not be decoded" }] })),
        )
            .into_response();
    };
    let query = request.get("query").and_then(Value::as_str).unwrap_or_default();
    let operation = request
        .get("operationName")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| operation_name(query))
        .unwrap_or_default();
    let vars = request.get("variables").cloned().unwrap_or(Value::Null);
    let injected = ctx.extra().errors.pop_front();
    let (field, answer) = match injected {
        Some(message) => ("injected", Err(GqlError::new(message))),
        None => dispatch(&ctx, &operation, &vars),
    };
    let body = match answer {
        Ok(value) => json!({ "data": { field: value } }),
        Err(e) => json!({ "errors": [{ "message": e.message, "path": [field] }], "data": null }),
    };
    axum::Json(body).into_response()
}

/// The top-level field each operation selects, and its answer.
fn dispatch(ctx: &Ctx, operation: &str, vars: &Value) -> (&'static str, Answer) {
    match operation {
        "KlaxonCurrentUser" => ("user", directory::user(&ctx.state.lock())),
        "KlaxonAlerts" => ("alerts", alerts::search(ctx, vars)),
        "KlaxonAlert" => ("alert", alerts::one(ctx, vars)),
        "KlaxonAlertLog" => ("alert", alerts::log(ctx, vars)),
        "KlaxonUpdateAlerts" => ("updateAlerts", alerts::update(ctx, vars)),
        "KlaxonEscalateAlerts" => ("escalateAlerts", alerts::escalate(ctx, vars)),
        "KlaxonSchedules" => ("schedules", directory::schedules(&ctx.state.lock(), vars)),
        "KlaxonPolicies" => ("escalationPolicies", directory::policies(&ctx.state.lock(), vars)),
        "KlaxonRotations" => ("rotations", Ok(page(Vec::new(), 15, None))),
        "KlaxonCreateUserOverride" => ("createUserOverride", overrides::create(&mut ctx.state.lock(), vars)),
        "KlaxonUserOverrides" => ("userOverrides", overrides::search(&ctx.state.lock(), vars)),
        other => ("unknown", Err(GqlError::new(format!("the GoAlert fake does not serve operation `{other}`")))),
    }
}

/// The name in `query Name(...)` / `mutation Name {...}`.
fn operation_name(query: &str) -> Option<String> {
    let rest = query.trim_start().strip_prefix("query").or_else(|| query.trim_start().strip_prefix("mutation"))?;
    let name: String = rest.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    Some(name).filter(|n| !n.is_empty())
}

/// One page of `items` (each with a sort key, in order) after cursor `after`: GoAlert's
/// `{nodes, pageInfo {endCursor, hasNextPage}}`, the cursor being the last item's key.
fn page(items: Vec<(String, Value)>, first: usize, after: Option<&str>) -> Value {
    let rest: Vec<(String, Value)> = items.into_iter().filter(|(k, _)| after.is_none_or(|a| k.as_str() > a)).collect();
    let has_next_page = rest.len() > first;
    let taken: Vec<(String, Value)> = rest.into_iter().take(first).collect();
    let end_cursor = taken.last().map(|(k, _)| k.clone());
    let nodes: Vec<Value> = taken.into_iter().map(|(_, v)| v).collect();
    json!({ "nodes": nodes, "pageInfo": { "endCursor": end_cursor, "hasNextPage": has_next_page } })
}

/// `input.first` checked against GoAlert's limit for the list, and `input.after`.
fn paging(vars: &Value, default: u64, max: u64) -> Result<(usize, Option<String>), GqlError> {
    let input = &vars["input"];
    let first = input.get("first").and_then(Value::as_u64).unwrap_or(default);
    if first == 0 || first > max {
        return Err(GqlError::new(format!("First must be between 1 and {max}")));
    }
    let after = input.get("after").and_then(Value::as_str).filter(|a| !a.is_empty()).map(str::to_owned);
    Ok((usize::try_from(first).unwrap_or(usize::MAX), after))
}

/// A user's display name, or the id when the user is unknown.
fn name_of(p: &Platform, id: &str) -> String {
    p.user(id).map_or_else(|| id.to_owned(), |u| u.name.clone())
}

async fn login(State(ctx): State<Ctx>, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let query = Query::<HashMap<String, String>>::try_from_uri(&uri).map(|q| q.0).unwrap_or_default();
    let form = Uri::try_from(format!("/?{}", String::from_utf8_lossy(&body)))
        .ok()
        .and_then(|u| Query::<HashMap<String, String>>::try_from_uri(&u).ok())
        .map(|q| q.0)
        .unwrap_or_default();
    let field = |k: &str| form.get(k).or_else(|| query.get(k)).cloned().unwrap_or_default();
    let Some(referer) = headers.get(header::REFERER).and_then(|v| v.to_str().ok()).filter(|r| !r.is_empty()) else {
        return text(StatusCode::BAD_REQUEST, "referer: failed to resolve referer");
    };
    let no_redirect = field("noRedirect") == "1";
    let ok = field("username") == GoAlertFake::USERNAME && field("password") == GoAlertFake::PASSWORD;
    let token = ctx.state.lock().token.clone();
    match (ok, no_redirect) {
        (true, true) => text(StatusCode::OK, &token),
        (false, true) => text(StatusCode::BAD_REQUEST, "unknown username/password"),
        (true, false) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, referer.to_owned()),
                (header::SET_COOKIE, format!("goalert_session.2={token}; Path=/; HttpOnly; SameSite=Lax")),
            ],
        )
            .into_response(),
        (false, false) => {
            (StatusCode::FOUND, [(header::LOCATION, format!("{referer}?login_error=unknown+username%2Fpassword"))])
                .into_response()
        }
    }
}
