//! The fake's alerts: search, one alert, its log, and the two mutations, in GoAlert's shapes.

use super::{Answer, Ctx, Extra, GqlError, name_of, page, paging, ts};
use crate::{FakeIncident, FakeStatus, Platform};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// GoAlert's enum order (`triggered` < `active` < `closed`): statuses only move up.
fn rank(s: FakeStatus) -> u8 {
    match s {
        FakeStatus::Triggered => 0,
        FakeStatus::Acknowledged => 1,
        FakeStatus::Resolved => 2,
    }
}

fn status_name(s: FakeStatus) -> &'static str {
    match s {
        FakeStatus::Triggered => "StatusUnacknowledged",
        FakeStatus::Acknowledged => "StatusAcknowledged",
        FakeStatus::Resolved => "StatusClosed",
    }
}

/// The users a policy has on call at a 1-based level now: named users, and whoever is on shift
/// in a named schedule.
fn on_call_at(p: &Platform, policy: &str, level: u32, now: DateTime<Utc>) -> Vec<String> {
    let Some(policy) = p.policies.iter().find(|x| x.id == policy) else { return Vec::new() };
    let Some((_, targets)) =
        usize::try_from(level).ok().and_then(|l| l.checked_sub(1)).and_then(|i| policy.levels.get(i))
    else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for t in targets {
        let who = match t.split_once(':') {
            Some(("user", id)) => Some(id.to_owned()),
            Some(("schedule", id)) => p.schedule(id).and_then(|s| s.on_call_at(now)),
            _ => None,
        };
        if let Some(who) = who.filter(|w| !out.contains(w)) {
            out.push(who);
        }
    }
    out
}

/// An alert with every field the adapter selects. The current step's on-call users are the
/// incident's assignees; other steps' come from the policy.
fn render(p: &Platform, extra: &Extra, i: &FakeIncident) -> Value {
    let now = Utc::now();
    let steps = p.policies.iter().find(|x| x.id == i.policy).map_or(1, |x| x.levels.len().max(1));
    let mut on_call = Vec::new();
    for step in 0..steps {
        let level = u32::try_from(step + 1).unwrap_or(u32::MAX);
        let users = if level == i.level { i.assignees.clone() } else { on_call_at(p, &i.policy, level, now) };
        for u in users {
            on_call.push(json!({ "userID": u, "userName": name_of(p, &u), "stepNumber": step }));
        }
    }
    let last_escalation = extra.escalations.get(&i.id).and_then(|e| e.last()).map_or(i.created_at, |e| e.0);
    let closed = i.status == FakeStatus::Resolved;
    let state = (!closed).then(
        || json!({ "lastEscalation": ts(last_escalation), "stepNumber": i.level.saturating_sub(1), "repeatCount": 0 }),
    );
    let metrics = closed.then(|| json!({ "closedAt": ts(i.resolved_at.unwrap_or(i.updated_at)) }));
    let service_id = format!("svc-{}", i.service);
    json!({
        "id": i.number.to_string(),
        "alertID": i.number,
        "status": status_name(i.status),
        "summary": i.title,
        "details": "",
        "createdAt": ts(i.created_at),
        "serviceID": service_id,
        "service": { "id": service_id, "name": i.service, "escalationPolicyID": i.policy, "onCallUsers": on_call },
        "state": state,
        "metrics": metrics,
        "meta": [],
    })
}

/// The incident with GoAlert number `n`.
fn by_number(p: &Platform, n: i64) -> Option<&FakeIncident> {
    p.incidents.values().find(|i| i64::try_from(i.number).ok() == Some(n))
}

/// Whether the alert notified `user` (now or before it moved on).
fn notified(extra: &Extra, i: &FakeIncident, user: &str) -> bool {
    i.assignees.iter().any(|a| a == user) || extra.notified.get(&i.id).is_some_and(|s| s.contains(user))
}

/// `alerts(input)`: status filter, `favoritesOnly` + `includeNotified` (no favourites exist here,
/// so that is the alerts that notified me), `notClosedBefore`, sorted by status then newest.
pub(super) fn search(ctx: &Ctx, vars: &Value) -> Answer {
    let (first, after) = paging(vars, 15, 1000)?;
    let input = &vars["input"];
    let statuses: Vec<&str> =
        input["filterByStatus"].as_array().map_or_else(Vec::new, |a| a.iter().filter_map(Value::as_str).collect());
    let favorites_only = input["favoritesOnly"].as_bool().unwrap_or(false);
    let include_notified = input["includeNotified"].as_bool().unwrap_or(false);
    let not_closed_before = match input["notClosedBefore"].as_str() {
        Some(t) => Some(t.parse::<DateTime<Utc>>().map_err(|e| GqlError::new(format!("notClosedBefore: {e}")))?),
        None => None,
    };
    let p = ctx.state.lock();
    let extra = ctx.extra();
    let mut items: Vec<(String, Value)> = p
        .incidents
        .values()
        .filter(|i| statuses.is_empty() || statuses.contains(&status_name(i.status)))
        .filter(|i| !favorites_only || (include_notified && notified(&extra, i, &p.me)))
        .filter(|i| {
            not_closed_before
                .is_none_or(|t| i.status == FakeStatus::Resolved && i.resolved_at.unwrap_or(i.updated_at) > t)
        })
        .map(|i| (format!("{}:{:020}", rank(i.status), u64::MAX - i.number), render(&p, &extra, i)))
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(page(items, first, after.as_deref()))
}

/// `alert(id)`: null when there is none.
pub(super) fn one(ctx: &Ctx, vars: &Value) -> Answer {
    let id = vars["id"].as_i64().ok_or_else(|| GqlError::new("id: must be an Int"))?;
    let p = ctx.state.lock();
    let extra = ctx.extra();
    Ok(by_number(&p, id).map_or(Value::Null, |i| render(&p, &extra, i)))
}

/// `alert(id) { recentEvents(input) }`, newest first: creation and notifications, the lines of the
/// writes this fake applied, and lines for changes made through `Shared::update`.
pub(super) fn log(ctx: &Ctx, vars: &Value) -> Answer {
    let id = vars["id"].as_i64().ok_or_else(|| GqlError::new("id: must be an Int"))?;
    let input = &vars["input"];
    let limit = input["limit"].as_u64().unwrap_or(15);
    if limit == 0 || limit > 149 {
        return Err(GqlError::new("Limit must be between 0 and 150"));
    }
    let after = input["after"].as_str().filter(|a| !a.is_empty()).map(str::to_owned);
    let p = ctx.state.lock();
    let extra = ctx.extra();
    let Some(i) = by_number(&p, id) else { return Ok(Value::Null) };
    let mut events: Vec<(DateTime<Utc>, String)> =
        vec![(i.created_at, format!("Created via {} integration", i.service))];
    let mut told: Vec<&String> = extra.notified.get(&i.id).map(|s| s.iter().collect()).unwrap_or_default();
    told.extend(i.assignees.iter().filter(|a| !extra.notified.get(&i.id).is_some_and(|s| s.contains(*a))));
    for u in told {
        events.push((i.created_at, format!("Notification sent to {} (SMS)", name_of(&p, u))));
    }
    let written = extra.events.get(&i.id).cloned().unwrap_or_default();
    // Changes made "in GoAlert's UI" (`Shared::update`) have no write of the fake behind them.
    let logged = |word: &str| written.iter().any(|(_, m)| m.starts_with(word));
    if let Some(at) = i.acknowledged_at.filter(|_| !logged("Acknowledged")) {
        events.push((at, "Acknowledged".to_owned()));
    }
    if let Some(at) = i.resolved_at.filter(|_| !logged("Closed")) {
        events.push((at, "Closed".to_owned()));
    }
    events.extend(written);
    events.sort_by_key(|(at, _)| *at);
    let mut items: Vec<(String, Value)> = events
        .into_iter()
        .enumerate()
        .map(|(n, (at, message))| {
            let log_id = n + 1;
            let node = json!({ "id": log_id, "alertID": i.number, "timestamp": ts(at), "message": message });
            (format!("{:020}", usize::MAX - log_id), node)
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    Ok(json!({ "recentEvents": page(items, limit, after.as_deref()) }))
}

/// `updateAlerts(input: {alertIDs, newStatus})`: moves each known alert forward; returns the ones
/// it changed (unknown ids and alerts already there are left out, without an error).
pub(super) fn update(ctx: &Ctx, vars: &Value) -> Answer {
    let input = &vars["input"];
    if !input["newStatus"].is_null() && !input["noiseReason"].is_null() {
        return Err(GqlError::new("cannot set both 'newStatus' and 'noiseReason'"));
    }
    let to = match input["newStatus"].as_str() {
        Some("StatusAcknowledged") => FakeStatus::Acknowledged,
        Some("StatusClosed") => FakeStatus::Resolved,
        _ => return Err(GqlError::new("Status: must be one of StatusAcknowledged, StatusClosed")),
    };
    let ids: Vec<i64> =
        input["alertIDs"].as_array().map_or_else(Vec::new, |a| a.iter().filter_map(Value::as_i64).collect());
    let now = Utc::now();
    let mut p = ctx.state.lock();
    let mut changed = Vec::new();
    for n in ids {
        let Some(key) = by_number(&p, n).filter(|i| rank(i.status) < rank(to)).map(|i| i.id.clone()) else { continue };
        let me = p.me.clone();
        if let Some(i) = p.incidents.get_mut(&key) {
            i.status = to;
            i.updated_at = now;
            if to == FakeStatus::Acknowledged {
                i.acknowledged_at = Some(now);
            } else {
                i.resolved_at = Some(now);
            }
        }
        let action = if to == FakeStatus::Acknowledged { "acknowledge" } else { "resolve" };
        p.record(&key, action, format!("updateAlerts newStatus {}", status_name(to)), &me);
        let word = if to == FakeStatus::Acknowledged { "Acknowledged" } else { "Closed" };
        ctx.extra().events.entry(key.clone()).or_default().push((now, format!("{word} by {}", name_of(&p, &me))));
        changed.push(key);
    }
    let extra = ctx.extra();
    Ok(Value::Array(changed.iter().filter_map(|k| p.incidents.get(k)).map(|i| render(&p, &extra, i)).collect()))
}

/// `escalateAlerts(input: [id])`: exactly one open alert, one step on (back to the first after the
/// last), re-triggered and paging the new step's on-call users.
pub(super) fn escalate(ctx: &Ctx, vars: &Value) -> Answer {
    let ids: Vec<i64> =
        vars["input"].as_array().map_or_else(Vec::new, |a| a.iter().filter_map(Value::as_i64).collect());
    let Some(&n) = ids.first() else { return Ok(json!([])) };
    if ids.len() > 1 {
        return Err(GqlError::new("AlertIDs must be between 1 and 1"));
    }
    let now = Utc::now();
    let mut p = ctx.state.lock();
    let mut extra = ctx.extra();
    let Some(i) = by_number(&p, n).cloned() else { return Err(GqlError::new("alert not found")) };
    if i.status == FakeStatus::Resolved {
        return Err(GqlError::new("alert is already closed"));
    }
    let steps = p.policies.iter().find(|x| x.id == i.policy).map_or(1, |x| x.levels.len().max(1));
    let level = if usize::try_from(i.level).unwrap_or(usize::MAX) < steps { i.level + 1 } else { 1 };
    let paged = on_call_at(&p, &i.policy, level, now);
    extra.notified.entry(i.id.clone()).or_default().extend(i.assignees.iter().cloned());
    let me = p.me.clone();
    extra.escalations.entry(i.id.clone()).or_default().push((now, level - 1, me.clone()));
    let lines = [
        format!("Escalation requested by {}", name_of(&p, &me)),
        format!("Escalated to step #{level} due to manual escalation"),
    ];
    extra.events.entry(i.id.clone()).or_default().extend(lines.map(|l| (now, l)));
    if let Some(x) = p.incidents.get_mut(&i.id) {
        x.status = FakeStatus::Triggered;
        x.acknowledged_at = None;
        x.level = level;
        x.assignees = paged;
        x.updated_at = now;
    }
    p.record(&i.id, "escalate", format!("to step #{level}"), &me);
    Ok(Value::Array(p.incidents.get(&i.id).map(|x| render(&p, &extra, x)).into_iter().collect()))
}
