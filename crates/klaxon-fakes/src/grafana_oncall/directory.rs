//! Schedules, shifts, escalation chains, routes and integrations in Grafana OnCall's shapes.

use super::*;

pub(super) fn schedule(p: &Platform, id: &str, now: DateTime<Utc>) -> Value {
    let Some(s) = p.schedules.iter().find(|s| s.id == id) else { return Value::Null };
    let mut on_call: Vec<String> = Vec::new();
    for (who, start, end) in s.rendered() {
        if start <= now && now < end && !on_call.contains(&who) {
            on_call.push(who);
        }
    }
    json!({
        "id": s.id, "name": s.name, "type": "web", "team_id": null, "time_zone": "UTC",
        "on_call_now": on_call, "shifts": [], "ical_url_overrides": null, "slack": null,
    })
}

pub(super) fn final_shifts(p: &Platform, id: &str, req: &Req) -> Reply {
    let Some(s) = p.schedules.iter().find(|s| s.id == id) else { return not_found() };
    let parse = |name: &str| -> Result<DateTime<Utc>, Reply> {
        let v = req.param(name).ok_or_else(|| (StatusCode::BAD_REQUEST, json!({name: ["This field is required."]})))?;
        NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDate::parse_from_str(v, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN)))
            .map(|t| t.and_utc())
            .map_err(|_| (StatusCode::BAD_REQUEST, json!({name: ["Datetime has wrong format."]})))
    };
    let (from, to) = match (parse("start_date"), parse("end_date")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    if from > to {
        return (
            StatusCode::BAD_REQUEST,
            json!({"non_field_errors": ["start_date must be less than or equal to end_date"]}),
        );
    }
    if to - from > Duration::days(365) {
        let e = "The difference between start_date and end_date must be less than one year (365 days)";
        return (StatusCode::BAD_REQUEST, json!({"non_field_errors": [e]}));
    }
    let results: Vec<Value> = s
        .rendered()
        .into_iter()
        .filter(|(_, start, end)| *start < to && *end > from)
        .map(|(who, start, end)| {
            let u = p.user(&who);
            json!({
                "user_pk": who, "user_email": u.map(|u| u.email.clone()), "user_username": u.map(|u| u.name.clone()),
                "shift_start": time(start.max(from)), "shift_end": time(end.min(to)),
            })
        })
        .collect();
    // The real endpoint also answers in one page with these fixed pagination fields.
    ok(json!({
        "count": results.len(), "next": null, "previous": null, "results": results,
        "current_page_number": 1, "page_size": 50, "total_pages": 1,
    }))
}

pub(super) fn steps(p: &Platform) -> Vec<Value> {
    let mut out = Vec::new();
    for chain in &p.policies {
        let mut position = 0;
        let mut push = |kind: &str, fields: Value| {
            let mut step = json!({
                "id": format!("E{}P{position}", plain_id(&chain.id)), "escalation_chain_id": chain.id,
                "position": position, "type": kind,
            });
            if let (Some(step), Some(fields)) = (step.as_object_mut(), fields.as_object()) {
                step.extend(fields.clone());
            }
            out.push(step);
            position += 1;
        };
        for (n, (delay_minutes, targets)) in chain.levels.iter().enumerate() {
            let mut users = Vec::new();
            for target in targets {
                match target.split_once(':') {
                    Some(("schedule", id)) => push(
                        "notify_on_call_from_schedule",
                        json!({"notify_on_call_from_schedule": id, "important": false}),
                    ),
                    Some((_, id)) => users.push(id.to_owned()),
                    None => users.push(target.clone()),
                }
            }
            if !users.is_empty() {
                push("notify_persons", json!({"persons_to_notify": users, "important": false}));
            }
            if n + 1 < chain.levels.len() || chain.repeat > 0 {
                // OnCall accepts waits of 1 minute to 24 hours.
                push("wait", json!({"duration": (u64::from(*delay_minutes) * 60).clamp(60, 86_400)}));
            }
        }
        if chain.repeat > 0 {
            push("repeat_escalation", json!({}));
        }
    }
    out
}

pub(super) fn routes(p: &Platform) -> Vec<Value> {
    let pairs: BTreeSet<(&str, &str)> = p.incidents.values().map(|i| (i.service.as_str(), i.policy.as_str())).collect();
    pairs
        .into_iter()
        .map(|(service, policy)| {
            let chain = p.policies.iter().any(|c| c.id == policy).then_some(policy);
            json!({
                "id": route_id(service, policy), "integration_id": integration_id(service),
                "escalation_chain_id": chain, "routing_type": "regex", "routing_regex": ".*", "position": 0,
                "is_the_last_route": false, "slack": {"channel_id": null},
            })
        })
        .collect()
}

pub(super) fn integrations(p: &Platform) -> Vec<Value> {
    let services: BTreeSet<&str> = p.incidents.values().map(|i| i.service.as_str()).collect();
    services
        .into_iter()
        .map(|s| json!({"id": integration_id(s), "name": s, "team_id": null, "type": "alertmanager"}))
        .collect()
}

// ---- writes ----
