//! Fake of Grafana OnCall's public API v1 (also Grafana Cloud IRM's), served under `/oncall` in
//! OnCall's own shapes over the platform-neutral [`Shared`] state.
//!
//! What it mirrors of the real service (engine/apps/public_api in grafana/oncall):
//! - the raw token in `Authorization`; a wrong or missing one is answered 403
//!   `{"detail":"Invalid token."}` (Django REST framework turns 401 into 403 because OnCall's
//!   authenticators name no `WWW-Authenticate` scheme);
//! - `page`/`perpage` pagination (default 50, at most 100, a page past the end gives the last
//!   page) with absolute `next`/`previous` links, `count`, `page_size`, `current_page_number`
//!   and `total_pages`;
//! - the alert group `state` filter (`new`, `acknowledged`, `silenced`, `resolved`) and its
//!   `started_at` range, newest first;
//! - writes with OnCall's refusals (400 `{"detail":"Can't acknowledge a resolved alert group"}`
//!   and so on), 404 `{"detail":"Not found."}` for unknown ids, optional trailing slashes.
//!
//! Mapping from [`Shared`]: each policy is an escalation chain (a level's targets become
//! `notify_on_call_from_schedule` / `notify_persons` steps followed by a `wait` of the level's
//! delay in minutes, and `repeat > 0` adds `repeat_escalation`); each incident's service is an
//! integration and each (service, policy) pair a route to that chain. Incidents with a snooze
//! in the future are `silenced`. Every applied write is recorded with [`crate::Platform::record`].
//! Shift swap requests, once taken, change the final schedule (see `swaps`).
//! Times come from the real clock.

mod directory;
mod swaps;
mod writes;

use crate::model::{FakeIncident, FakeStatus, Platform};
use crate::{FakeServer, Shared};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use directory::{final_shifts, integrations, routes, schedule, steps};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use writes::{add_note, direct_page, write};

/// The token the fake accepts.
pub const TOKEN: &str = "grafana-test-token-0123456789";

/// Where the API is mounted (the base URL's path, as on Grafana Cloud).
const PREFIX: &str = "/oncall/api/v1/";

/// A running Grafana OnCall fake.
#[derive(Debug)]
pub struct GrafanaOncallFake {
    /// The loopback server (requests, faults).
    pub server: FakeServer,
    /// The platform state it serves.
    pub state: Shared,
}

impl GrafanaOncallFake {
    /// The token the fake accepts.
    pub const TOKEN: &str = TOKEN;

    /// A fake on a free loopback port over the default platform state around `now`.
    pub async fn start(now: DateTime<Utc>) -> std::io::Result<Self> {
        let addr = "127.0.0.1:0".parse().map_err(std::io::Error::other)?;
        Self::start_on(addr, Shared::new(TOKEN, now)).await
    }

    /// A fake on `addr` over `state` (e.g. to come back on the same port with the same state).
    pub async fn start_on(addr: SocketAddr, state: Shared) -> std::io::Result<Self> {
        let fake = Fake { state: state.clone(), extra: Arc::default() };
        let router = Router::new().fallback(handle).with_state(fake);
        Ok(Self { server: FakeServer::start_on(addr, router).await?, state })
    }

    /// The base URL an account uses: `http://127.0.0.1:PORT/oncall`.
    pub fn url(&self) -> String {
        format!("{}/oncall", self.server.url())
    }
}

/// What OnCall shows that the neutral model has no field for.
#[derive(Debug, Default)]
struct Extra {
    acknowledged_by: HashMap<String, String>,
    resolved_by: HashMap<String, String>,
    silenced_at: HashMap<String, DateTime<Utc>>,
    swaps: Vec<swaps::Swap>,
}

#[derive(Debug, Clone)]
struct Fake {
    state: Shared,
    extra: Arc<Mutex<Extra>>,
}

/// One request as the handlers see it.
struct Req {
    host: String,
    path: String,
    query: Vec<(String, String)>,
    body: Value,
}

impl Req {
    fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

type Reply = (StatusCode, Value);

fn ok(v: Value) -> Reply {
    (StatusCode::OK, v)
}

fn detail(status: StatusCode, message: &str) -> Reply {
    (status, json!({ "detail": message }))
}

fn not_found() -> Reply {
    detail(StatusCode::NOT_FOUND, "Not found.")
}

fn bad(message: &str) -> Reply {
    detail(StatusCode::BAD_REQUEST, message)
}

async fn handle(State(fake): State<Fake>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let (status, value) = route(&fake, &method, &uri, &headers, &body);
    (status, axum::Json(value)).into_response()
}

fn route(fake: &Fake, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Reply {
    let Some(rest) = format!("{}/", uri.path()).strip_prefix(PREFIX).map(str::to_owned) else {
        return not_found();
    };
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    if token != fake.state.lock().token {
        return detail(StatusCode::FORBIDDEN, "Invalid token.");
    }
    let req = Req {
        host: headers.get("host").and_then(|v| v.to_str().ok()).unwrap_or("127.0.0.1").to_owned(),
        path: uri.path().to_owned(),
        query: Query::<Vec<(String, String)>>::try_from_uri(uri).map(|q| q.0).unwrap_or_default(),
        body: serde_json::from_slice(body).unwrap_or(Value::Null),
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let mut p = fake.state.lock();
    let mut x = fake.extra.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let now = Utc::now();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["users", "current"]) => {
            let me = p.me.clone();
            user(&p, &me).map_or_else(not_found, ok)
        }
        ("GET", ["users"]) => {
            let all = p.users.iter().filter_map(|u| user(&p, &u.id)).collect();
            ok(page(all, &req, 100))
        }
        ("GET", ["users", id]) => user(&p, id).map_or_else(not_found, ok),
        ("GET", ["alert_groups"]) => list_groups(&p, &x, &req, now),
        ("GET", ["alert_groups", id]) => p.incidents.get(*id).map_or_else(not_found, |i| ok(group(i, &x, now))),
        ("POST", ["alert_groups", id, action]) => write(&mut p, &mut x, id, action, &req, now),
        ("GET", ["resolution_notes"]) => ok(page(notes(&p, req.param("alert_group_id")), &req, 50)),
        ("POST", ["resolution_notes"]) => add_note(&mut p, &req, now),
        ("POST", ["escalation"]) => direct_page(&mut p, &x, &req, now),
        ("GET", ["schedules"]) => ok(page(p.schedules.iter().map(|s| schedule(&p, &s.id, now)).collect(), &req, 50)),
        ("GET", ["schedules", id]) => {
            if p.schedules.iter().any(|s| s.id == *id) {
                ok(schedule(&p, id, now))
            } else {
                not_found()
            }
        }
        ("GET", ["schedules", id, "final_shifts"]) => final_shifts(&p, id, &req),
        ("GET", ["escalation_chains"]) => {
            let chains = p.policies.iter().map(|c| json!({"id": c.id, "name": c.name, "team_id": null})).collect();
            ok(page(chains, &req, 50))
        }
        ("GET", ["escalation_policies"]) => {
            let only = req.param("escalation_chain_id");
            let steps = steps(&p).into_iter().filter(|s| only.is_none_or(|c| s["escalation_chain_id"] == c)).collect();
            ok(page(steps, &req, 50))
        }
        ("GET", ["shift_swaps"]) => swaps::list(&x, &req, now),
        ("POST", ["shift_swaps"]) => swaps::create(&p, &mut x, &req, now),
        ("POST", ["shift_swaps", id, "take"]) => swaps::take(&mut p, &mut x, id, &req, now),
        ("DELETE", ["shift_swaps", id]) => swaps::withdraw(&mut p, &mut x, id, now),
        ("GET", ["routes"]) => ok(page(routes(&p), &req, 25)),
        ("GET", ["integrations"]) => ok(page(integrations(&p), &req, 50)),
        _ => not_found(),
    }
}

// ---- pagination ----

/// One page of `items`, as OnCall's page-number paginator answers.
fn page(items: Vec<Value>, req: &Req, default_size: usize) -> Value {
    let size = req
        .param("perpage")
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n >= 1)
        .map_or(default_size, |n| n.min(100));
    let total_pages = items.len().div_ceil(size).max(1);
    // Django answers a page past the end with the last page.
    let number =
        req.param("page").and_then(|v| v.parse::<usize>().ok()).filter(|n| *n >= 1).unwrap_or(1).min(total_pages);
    let results: Vec<Value> = items.iter().skip((number - 1) * size).take(size).cloned().collect();
    let link = |n: usize| -> Value {
        let mut query: Vec<(String, String)> = req.query.iter().filter(|(k, _)| k != "page").cloned().collect();
        query.push(("page".into(), n.to_string()));
        let query: Vec<String> = query.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        Value::String(format!("http://{}{}?{}", req.host, req.path, query.join("&")))
    };
    json!({
        "count": items.len(),
        "next": if number < total_pages { link(number + 1) } else { Value::Null },
        "previous": if number > 1 { link(number - 1) } else { Value::Null },
        "results": results,
        "page_size": size,
        "current_page_number": number,
        "total_pages": total_pages,
    })
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ---- renderings ----

fn time(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::Micros, true))
}

fn opt_time(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, time)
}

fn plain_id(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_uppercase()
}

fn integration_id(service: &str) -> String {
    format!("C{}", plain_id(service))
}

fn route_id(service: &str, policy: &str) -> String {
    format!("R{}{}", plain_id(service), plain_id(policy))
}

fn user(p: &Platform, id: &str) -> Option<Value> {
    let (n, u) = p.users.iter().enumerate().find(|(_, u)| u.id == id)?;
    Some(json!({
        "id": u.id, "grafana_id": n + 1, "email": u.email, "slack": null, "username": u.name, "role": "user",
        "is_phone_number_verified": u.phone.is_some(), "timezone": "UTC", "teams": [],
    }))
}

/// OnCall's state of a fake incident (resolved, then acknowledged, then silenced, then firing).
fn state(i: &FakeIncident, now: DateTime<Utc>) -> &'static str {
    match i.status {
        FakeStatus::Resolved => "resolved",
        FakeStatus::Acknowledged => "acknowledged",
        FakeStatus::Triggered if i.snoozed_until.is_some_and(|u| u > now) => "silenced",
        FakeStatus::Triggered => "firing",
    }
}

fn group(i: &FakeIncident, x: &Extra, now: DateTime<Utc>) -> Value {
    let state = state(i, now);
    let labels = if i.high_urgency {
        json!([])
    } else {
        json!([{"key": {"id": "severity", "name": "severity"}, "value": {"id": "warning", "name": "warning"}}])
    };
    json!({
        "id": i.id,
        "integration_id": integration_id(&i.service),
        "team_id": null,
        "route_id": route_id(&i.service, &i.policy),
        "alerts_count": 1,
        "state": state,
        "created_at": time(i.created_at),
        "resolved_at": opt_time(i.resolved_at.filter(|_| state == "resolved")),
        "resolved_by": if state == "resolved" { json!(x.resolved_by.get(&i.id)) } else { Value::Null },
        "acknowledged_at": opt_time(i.acknowledged_at.filter(|_| i.status != FakeStatus::Triggered)),
        "acknowledged_by": if i.status == FakeStatus::Triggered { Value::Null } else { json!(x.acknowledged_by.get(&i.id)) },
        "labels": labels,
        "title": i.title,
        "permalinks": {
            "slack": null, "slack_app": null, "telegram": null,
            "web": format!("https://grafana.invalid/a/grafana-oncall-app/alert-groups/{}", i.id),
        },
        "silenced_at": opt_time(x.silenced_at.get(&i.id).copied().filter(|_| state == "silenced")),
        "last_alert": {
            "id": format!("A{}", i.id), "alert_group_id": i.id, "created_at": time(i.created_at),
            "payload": {"title": i.title, "message": format!("{} on {}", i.title, i.service)},
        },
    })
}

fn list_groups(p: &Platform, x: &Extra, req: &Req, now: DateTime<Utc>) -> Reply {
    let wanted = match req.param("state") {
        None => None,
        Some(s @ ("new" | "acknowledged" | "silenced" | "resolved")) => Some(if s == "new" { "firing" } else { s }),
        Some(_) => {
            let e = json!({"state": "Must be one of the following: new, acknowledged, resolved, silenced"});
            return (StatusCode::BAD_REQUEST, e);
        }
    };
    let range = match req.param("started_at").map(started_range) {
        None => None,
        Some(Some(r)) => Some(r),
        Some(None) => return bad("Invalid range value"),
    };
    let mut found: Vec<&FakeIncident> = p
        .incidents
        .values()
        .filter(|i| wanted.is_none_or(|w| state(i, now) == w))
        .filter(|i| req.param("id").is_none_or(|id| i.id == id))
        .filter(|i| req.param("integration_id").is_none_or(|c| integration_id(&i.service) == c))
        .filter(|i| req.param("route_id").is_none_or(|r| route_id(&i.service, &i.policy) == r))
        .filter(|i| range.is_none_or(|(from, to)| i.created_at >= from && i.created_at <= to))
        .collect();
    found.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    ok(page(found.into_iter().map(|i| group(i, x, now)).collect(), req, 50))
}

/// `START_END`, each `%Y-%m-%dT%H:%M:%S` in UTC.
fn started_range(value: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let (a, b) = value.split_once('_')?;
    let parse = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok().map(|t| t.and_utc());
    let (from, to) = (parse(a)?, parse(b)?);
    (from <= to).then_some((from, to))
}

fn notes(p: &Platform, only: Option<&str>) -> Vec<Value> {
    p.incidents
        .values()
        .rev()
        .filter(|i| only.is_none_or(|id| i.id == id))
        .flat_map(|i| i.notes.iter().enumerate().map(move |(n, note)| note_json(&i.id, n, note)))
        .collect()
}

fn note_json(incident: &str, n: usize, (author, text, at): &(String, String, DateTime<Utc>)) -> Value {
    json!({
        "id": format!("M{}N{}", plain_id(incident), n + 1), "alert_group_id": incident, "author": author,
        "source": "web", "created_at": time(*at), "text": text,
    })
}
