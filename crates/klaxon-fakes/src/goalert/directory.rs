//! The fake's users, schedules with shifts, and escalation policies, in GoAlert's shapes.

use super::{Answer, GqlError, name_of, page, paging, ts};
use crate::Platform;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

/// `user` (no id: the session's user) with contact methods.
pub(super) fn user(p: &Platform) -> Answer {
    let Some(u) = p.user(&p.me) else { return Ok(Value::Null) };
    let mut methods =
        vec![json!({ "id": "cm-email", "type": "EMAIL", "name": "Work email", "value": u.email, "disabled": false })];
    if let Some(phone) = &u.phone {
        methods.push(json!({ "id": "cm-sms", "type": "SMS", "name": "Mobile", "value": phone, "disabled": false }));
        methods.push(json!({ "id": "cm-voice", "type": "VOICE", "name": "Mobile", "value": phone, "disabled": false }));
    }
    Ok(json!({ "id": u.id, "name": u.name, "email": u.email, "role": "user", "contactMethods": methods }))
}

fn time(vars: &Value, name: &str) -> Result<DateTime<Utc>, GqlError> {
    vars[name]
        .as_str()
        .and_then(|t| t.parse::<DateTime<Utc>>().ok())
        .ok_or_else(|| GqlError::new(format!("{name}: must be an RFC3339 timestamp")))
}

/// `schedules(input) { shifts(start, end) }`: shifts overlapping the window, cut to it as GoAlert
/// does (a shift running past the end is `truncated`), with GoAlert's 50-day limit.
pub(super) fn schedules(p: &Platform, vars: &Value) -> Answer {
    let (first, after) = paging(vars, 15, 149)?;
    let (start, end) = (time(vars, "start")?, time(vars, "end")?);
    if end < start {
        return Err(GqlError::new("EndTime: must be after StartTime"));
    }
    if end > start + Duration::days(50) {
        return Err(GqlError::new("EndTime: cannot be more than 50 days past StartTime"));
    }
    let mut items: Vec<(String, Value)> = p
        .schedules
        .iter()
        .map(|s| {
            let shifts: Vec<Value> = s
                .rendered()
                .into_iter()
                .filter(|(_, a, b)| *a < end && *b > start)
                .map(|(who, a, b)| {
                    let user = p.user(&who).map(|u| json!({ "id": u.id, "name": u.name }));
                    json!({ "userID": who, "user": user, "start": ts(a.max(start)), "end": ts(b.min(end)),
                            "truncated": b > end })
                })
                .collect();
            (format!("{}\u{0}{}", s.name, s.id), json!({ "id": s.id, "name": s.name, "shifts": shifts }))
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(page(items, first, after.as_deref()))
}

/// `escalationPolicies(input)` with steps and their targets (`user` or `schedule`).
pub(super) fn policies(p: &Platform, vars: &Value) -> Answer {
    let (first, after) = paging(vars, 15, 149)?;
    let mut items: Vec<(String, Value)> = p
        .policies
        .iter()
        .map(|policy| {
            let steps: Vec<Value> = policy
                .levels
                .iter()
                .enumerate()
                .map(|(n, (delay, targets))| {
                    let targets: Vec<Value> = targets
                        .iter()
                        .filter_map(|t| t.split_once(':'))
                        .map(|(kind, id)| {
                            let name = match kind {
                                "schedule" => p.schedules.iter().find(|s| s.id == id).map_or(id, |s| s.name.as_str()),
                                _ => return json!({ "id": id, "type": kind, "name": name_of(p, id) }),
                            };
                            json!({ "id": id, "type": kind, "name": name })
                        })
                        .collect();
                    json!({ "id": format!("{}-step-{n}", policy.id), "stepNumber": n, "delayMinutes": delay,
                            "targets": targets })
                })
                .collect();
            let node = json!({ "id": policy.id, "name": policy.name, "repeat": policy.repeat, "steps": steps });
            (format!("{}\u{0}{}", policy.name, policy.id), node)
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(page(items, first, after.as_deref()))
}
