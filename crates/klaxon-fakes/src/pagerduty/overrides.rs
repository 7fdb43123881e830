//! Schedule overrides: `POST /schedules/{id}/overrides` (several at once, each answered with its
//! own status inside a 201, as PagerDuty documents it) and `GET /schedules/{id}/overrides`
//! (`since` and `until` required; overrides cut to them unless `overflow=true`). An override
//! replaces whoever is on for its range in the rendered schedule and `/oncalls`.

use super::shapes::user_ref;
use super::{Fake, Query, authorize, done, invalid, json_body, not_found, respond, ts};
use crate::{Platform, Refusal};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

pub(super) async fn post_overrides(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let body = json_body(&body)?;
        let asked = body.get("overrides").and_then(Value::as_array).ok_or_else(|| invalid("overrides is required"))?;
        let mut p = fake.state.lock();
        if p.schedule(&id).is_none() {
            return Err(not_found());
        }
        let results: Vec<Value> = asked.iter().map(|o| create(&mut p, &id, o)).collect();
        Ok(respond(StatusCode::CREATED, &Value::Array(results)))
    })())
}

/// One override of a request, answered with its own status.
fn create(p: &mut Platform, schedule: &str, asked: &Value) -> Value {
    let time = |name: &str| {
        asked.get(name).and_then(Value::as_str).and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.to_utc())
    };
    let user = asked.pointer("/user/id").and_then(Value::as_str).unwrap_or_default();
    let refused = |why: &str| json!({"status": 400, "errors": [why], "override": asked});
    let (Some(start), Some(end)) = (time("start"), time("end")) else {
        return refused("Start and end must be ISO 8601 times");
    };
    match p.add_override(schedule, user, None, start, end) {
        Ok(id) => json!({"status": 201, "override": override_json(p, &id, user, start, end)}),
        Err(Refusal::UnknownUser(_)) => refused("User not found"),
        Err(Refusal::EndNotAfterStart) => refused("Override end must be after its start"),
        Err(Refusal::UnknownSchedule | Refusal::SameUser) => refused("Invalid override"),
    }
}

fn override_json(p: &Platform, id: &str, user: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Value {
    json!({"id": id, "start": ts(start), "end": ts(end), "user": user_ref(p, user)})
}

pub(super) async fn list_overrides(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let q = Query::parse(raw);
        let since = q.time("since")?.ok_or_else(|| invalid("since is required"))?;
        let until = q.time("until")?.ok_or_else(|| invalid("until is required"))?;
        let overflow = q.one("overflow") == Some("true");
        let p = fake.state.lock();
        let s = p.schedule(&id).ok_or_else(not_found)?;
        let items: Vec<Value> = s
            .overrides
            .iter()
            .filter(|o| o.start < until && since < o.end)
            .map(|o| {
                let (start, end) = if overflow { (o.start, o.end) } else { (o.start.max(since), o.end.min(until)) };
                override_json(&p, &o.id, &o.user, start, end)
            })
            .collect();
        Ok(respond(StatusCode::OK, &json!({ "overrides": items })))
    })())
}
