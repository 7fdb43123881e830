//! Users, on-call, schedules and escalation policies.

use super::shapes::{policy_ref, schedule_ref, user_ref};
use super::{Fake, Query, WEB, authorize, done, not_found, page, respond, ts};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

pub(super) async fn get_me(State(fake): State<Fake>, headers: HeaderMap) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let p = fake.state.lock();
        let u = p.user(&p.me).ok_or_else(not_found)?;
        let methods = [("PEMAIL", "email_contact_method_reference"), ("PPHONE", "phone_contact_method_reference")];
        let methods: Vec<Value> = methods
            .iter()
            .map(|(id, kind)| {
                json!({"id": format!("{id}{}", u.id), "type": kind, "summary": "Default",
                                     "self": format!("{WEB}/users/{}/contact_methods/{id}", u.id)})
            })
            .collect();
        Ok(respond(
            StatusCode::OK,
            &json!({"user": {"id": u.id, "type": "user", "summary": u.name, "name": u.name, "email": u.email,
                             "time_zone": "Etc/UTC", "role": "user", "contact_methods": methods,
                             "self": format!("{WEB}/users/{}", u.id), "html_url": format!("{WEB}/users/{}", u.id)}}),
        ))
    })())
}

pub(super) async fn list_users(State(fake): State<Fake>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let q = Query::parse(raw);
        let p = fake.state.lock();
        let items: Vec<Value> = p
            .users
            .iter()
            .map(|u| {
                json!({"id": u.id, "type": "user", "summary": u.name, "name": u.name, "email": u.email,
                       "time_zone": "Etc/UTC", "role": "user",
                       "self": format!("{WEB}/users/{}", u.id), "html_url": format!("{WEB}/users/{}", u.id)})
            })
            .collect();
        page("users", items, &q)
    })())
}

pub(super) async fn get_contact_methods(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let p = fake.state.lock();
        let u = p.user(&id).ok_or_else(not_found)?;
        let mut methods = vec![json!({"id": format!("PEMAIL{}", u.id), "type": "email_contact_method",
                                      "summary": "Work", "label": "Work", "address": u.email})];
        if let Some(phone) = &u.phone {
            // PagerDuty keeps the country code apart from the number.
            let number = phone.trim_start_matches("+1");
            for (kind, label) in [("phone_contact_method", "Mobile"), ("sms_contact_method", "Mobile SMS")] {
                methods.push(json!({"id": format!("P{}{}", label.len(), u.id), "type": kind, "summary": label,
                                    "label": label, "address": number, "country_code": 1}));
            }
        }
        Ok(respond(StatusCode::OK, &json!({ "contact_methods": methods })))
    })())
}

pub(super) async fn list_oncalls(State(fake): State<Fake>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let q = Query::parse(raw);
        let now = Utc::now();
        let since = q.time("since")?.unwrap_or(now);
        let until = q.time("until")?.unwrap_or(since);
        let (policies, users, schedules) =
            (q.all("escalation_policy_ids[]"), q.all("user_ids[]"), q.all("schedule_ids[]"));
        let p = fake.state.lock();
        let mut items = Vec::new();
        for policy in p.policies.iter().filter(|x| policies.is_empty() || policies.contains(&x.id.as_str())) {
            for (n, (_, targets)) in policy.levels.iter().enumerate() {
                let level = n + 1;
                for target in targets {
                    let mut add = |user: &str, schedule: Option<(&str, DateTime<Utc>, DateTime<Utc>)>| {
                        if !users.is_empty() && !users.contains(&user) {
                            return;
                        }
                        if !schedules.is_empty() && !schedule.is_some_and(|(s, _, _)| schedules.contains(&s)) {
                            return;
                        }
                        let mut v = json!({"escalation_policy": policy_ref(&p, &policy.id),
                                           "escalation_level": level, "user": user_ref(&p, user)});
                        if let Some((s, start, end)) = schedule {
                            v["schedule"] = schedule_ref(&p, s);
                            v["start"] = json!(ts(start));
                            v["end"] = json!(ts(end));
                        }
                        items.push(v);
                    };
                    match target.split_once(':') {
                        Some(("schedule", s)) => {
                            let Some(schedule) = p.schedules.iter().find(|x| x.id == s) else { continue };
                            for (who, start, end) in schedule.rendered() {
                                if start <= until && since < end {
                                    add(&who, Some((s, start, end)));
                                }
                            }
                        }
                        Some((_, u)) => add(u, None),
                        None => add(target, None),
                    }
                }
            }
        }
        page("oncalls", items, &q)
    })())
}

pub(super) async fn list_schedules(State(fake): State<Fake>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let q = Query::parse(raw);
        let p = fake.state.lock();
        let items: Vec<Value> = p
            .schedules
            .iter()
            .map(|s| {
                json!({"id": s.id, "type": "schedule", "summary": s.name, "name": s.name, "time_zone": "Etc/UTC",
                       "self": format!("{WEB}/schedules/{}", s.id), "html_url": format!("{WEB}/schedules/{}", s.id)})
            })
            .collect();
        page("schedules", items, &q)
    })())
}

pub(super) async fn get_schedule(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let q = Query::parse(raw);
        let now = Utc::now();
        let since = q.time("since")?.unwrap_or(now);
        let until = q.time("until")?.unwrap_or(since + Duration::days(14));
        let p = fake.state.lock();
        let s = p.schedules.iter().find(|s| s.id == id).ok_or_else(not_found)?;
        // Like PagerDuty, rendered entries are clipped to the range asked for.
        let entries: Vec<Value> = s
            .rendered()
            .into_iter()
            .filter(|(_, start, end)| *start < until && since < *end)
            .map(|(who, start, end)| {
                json!({"user": user_ref(&p, &who), "start": ts(start.max(since)), "end": ts(end.min(until))})
            })
            .collect();
        Ok(respond(
            StatusCode::OK,
            &json!({"schedule": {"id": s.id, "type": "schedule", "summary": s.name, "name": s.name,
                                 "time_zone": "Etc/UTC", "self": format!("{WEB}/schedules/{}", s.id),
                                 "html_url": format!("{WEB}/schedules/{}", s.id),
                                 "final_schedule": {"name": "Final Schedule", "rendered_schedule_entries": entries}}}),
        ))
    })())
}

pub(super) async fn list_policies(State(fake): State<Fake>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let q = Query::parse(raw);
        let p = fake.state.lock();
        let items: Vec<Value> = p
            .policies
            .iter()
            .map(|x| {
                let rules: Vec<Value> = x
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(n, (delay, targets))| {
                        let targets: Vec<Value> = targets
                            .iter()
                            .map(|t| match t.split_once(':') {
                                Some(("schedule", s)) => schedule_ref(&p, s),
                                Some((_, u)) => user_ref(&p, u),
                                None => user_ref(&p, t),
                            })
                            .collect();
                        json!({"id": format!("R{}{}", x.id, n + 1), "escalation_delay_in_minutes": delay, "targets": targets})
                    })
                    .collect();
                json!({"id": x.id, "type": "escalation_policy", "summary": x.name, "name": x.name,
                       "num_loops": x.repeat, "escalation_rules": rules,
                       "self": format!("{WEB}/escalation_policies/{}", x.id),
                       "html_url": format!("{WEB}/escalation_policies/{}", x.id)})
            })
            .collect();
        page("escalation_policies", items, &q)
    })())
}
