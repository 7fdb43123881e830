//! Incidents: list, show, update (acknowledge, resolve, escalate, reassign), snooze, notes and
//! log entries.

use super::shapes::{incident_json, incident_ref, level_users, note_json, status_label, user_ref};
use super::{Fake, Query, authorize, done, invalid, json_body, not_found, page, page_with, requester, respond, ts};
use crate::FakeStatus;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

pub(super) async fn list_incidents(State(fake): State<Fake>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let q = Query::parse(raw);
        let now = Utc::now();
        let statuses = q.all("statuses[]");
        let users = q.all("user_ids[]");
        // Like PagerDuty: `since`/`until` select by creation time (default: the last 30 days),
        // unless date_range=all.
        let range = if q.one("date_range") == Some("all") {
            None
        } else {
            let until = q.time("until")?.unwrap_or(now);
            let since = q.time("since")?.unwrap_or(until - Duration::days(30));
            if since > until {
                return Err(invalid("since must be before until"));
            }
            Some((since, until))
        };
        let p = fake.state.lock();
        let items: Vec<_> = p
            .incidents
            .values()
            .filter(|i| statuses.is_empty() || statuses.contains(&status_label(i.status)))
            .filter(|i| {
                users.is_empty()
                    || (i.status != FakeStatus::Resolved && i.assignees.iter().any(|a| users.contains(&a.as_str())))
            })
            .filter(|i| range.is_none_or(|(since, until)| since <= i.created_at && i.created_at < until))
            .collect();
        page_with("incidents", items, &q, |i| incident_json(&p, i, now))
    })())
}

pub(super) async fn get_incident(State(fake): State<Fake>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let p = fake.state.lock();
        let i = p.incidents.get(&id).ok_or_else(not_found)?;
        Ok(respond(StatusCode::OK, &json!({"incident": incident_json(&p, i, Utc::now())})))
    })())
}

pub(super) async fn put_incident(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let body = json_body(&body)?;
        let update = body.get("incident").filter(|v| v.is_object()).ok_or_else(|| invalid("incident is required"))?;
        let now = Utc::now();
        let mut p = fake.state.lock();
        let by = requester(&p, &headers)?;
        let current = p.incidents.get(&id).cloned().ok_or_else(not_found)?;
        if current.status == FakeStatus::Resolved {
            return Err(invalid("Incident Already Resolved"));
        }
        let mut i = current;
        if let Some(status) = update.get("status") {
            match status.as_str() {
                Some("acknowledged") if i.status == FakeStatus::Triggered => {
                    i.status = FakeStatus::Acknowledged;
                    i.acknowledged_at = Some(now);
                    p.record(&id, "acknowledge", "", &by);
                    fake.event(&id, "acknowledge_log_entry", &by, "Acknowledged".into(), vec![]);
                }
                Some("acknowledged") => {} // already acknowledged: nothing changes
                Some("resolved") => {
                    i.status = FakeStatus::Resolved;
                    i.resolved_at = Some(now);
                    i.snoozed_until = None;
                    p.record(&id, "resolve", "", &by);
                    fake.event(&id, "resolve_log_entry", &by, "Resolved".into(), vec![]);
                }
                _ => return Err(invalid("Status is not a valid transition")),
            }
        } else if let Some(level) = update.get("escalation_level") {
            let level = level.as_u64().and_then(|l| u32::try_from(l).ok()).unwrap_or(0);
            let users =
                level_users(&p, &i.policy, level, now).ok_or_else(|| invalid("Escalation level is not valid"))?;
            i.level = level;
            i.status = FakeStatus::Triggered;
            i.acknowledged_at = None;
            i.snoozed_until = None;
            i.assignees.clone_from(&users);
            p.record(&id, "escalate", format!("level {level}"), &by);
            fake.event(&id, "escalate_log_entry", &by, format!("Escalated to level {level}"), users);
        } else if let Some(policy) = update.get("escalation_policy") {
            // Reassigning to a policy starts it over at its first level.
            let to = policy.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
            let users = level_users(&p, &to, 1, now).ok_or_else(|| invalid("Escalation policy is not valid"))?;
            i.policy.clone_from(&to);
            i.level = 1;
            i.status = FakeStatus::Triggered;
            i.acknowledged_at = None;
            i.snoozed_until = None;
            i.assignees.clone_from(&users);
            p.record(&id, "reassign", format!("policy:{to}"), &by);
            fake.event(&id, "assign_log_entry", &by, format!("Reassigned to {to}"), users);
        } else if let Some(assignments) = update.get("assignments").and_then(Value::as_array) {
            let to: Vec<String> = assignments
                .iter()
                .filter_map(|a| a.pointer("/assignee/id").and_then(Value::as_str).map(str::to_owned))
                .collect();
            if to.is_empty() || to.iter().any(|u| p.user(u).is_none()) {
                return Err(invalid("Assignee must be a valid user"));
            }
            // Reassigning pages the new assignees: the incident is triggered again.
            i.status = FakeStatus::Triggered;
            i.acknowledged_at = None;
            i.snoozed_until = None;
            i.assignees.clone_from(&to);
            p.record(&id, "reassign", to.join(","), &by);
            fake.event(&id, "assign_log_entry", &by, format!("Reassigned to {}", to.join(", ")), to);
        } else {
            return Err(invalid("Nothing to update"));
        }
        i.updated_at = now;
        let v = incident_json(&p, &i, now);
        p.incidents.insert(id, i);
        Ok(respond(StatusCode::OK, &json!({ "incident": v })))
    })())
}

pub(super) async fn post_snooze(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let body = json_body(&body)?;
        let secs = body
            .get("duration")
            .and_then(Value::as_i64)
            .filter(|d| (1..=604_800).contains(d))
            .ok_or_else(|| invalid("Duration must be between 1 and 604800 seconds"))?;
        let now = Utc::now();
        let mut p = fake.state.lock();
        let by = requester(&p, &headers)?;
        let mut i = p.incidents.get(&id).cloned().ok_or_else(not_found)?;
        match i.status {
            FakeStatus::Resolved => return Err(invalid("Incident Already Resolved")),
            FakeStatus::Triggered => return Err(invalid("Incident must be acknowledged to be snoozed")),
            FakeStatus::Acknowledged => {}
        }
        i.snoozed_until = Some(now + Duration::seconds(secs));
        i.updated_at = now;
        p.record(&id, "snooze", format!("{secs}s"), &by);
        fake.event(&id, "snooze_log_entry", &by, format!("Snoozed for {} minutes", secs / 60), vec![]);
        let v = incident_json(&p, &i, now);
        p.incidents.insert(id, i);
        Ok(respond(StatusCode::CREATED, &json!({ "incident": v })))
    })())
}

pub(super) async fn get_notes(State(fake): State<Fake>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let p = fake.state.lock();
        let i = p.incidents.get(&id).ok_or_else(not_found)?;
        let notes: Vec<Value> = i.notes.iter().enumerate().map(|(n, note)| note_json(&p, &id, n, note)).collect();
        Ok(respond(StatusCode::OK, &json!({ "notes": notes })))
    })())
}

pub(super) async fn post_note(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let body = json_body(&body)?;
        let text = body
            .pointer("/note/content")
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| invalid("Note content is required"))?
            .to_owned();
        let now = Utc::now();
        let mut p = fake.state.lock();
        let by = requester(&p, &headers)?;
        let note = (by.clone(), text.clone(), now);
        let i = p.incidents.get_mut(&id).ok_or_else(not_found)?;
        i.notes.push(note.clone());
        i.updated_at = now;
        let n = i.notes.len() - 1;
        p.record(&id, "note", text.clone(), &by);
        fake.event(&id, "annotate_log_entry", &by, text, vec![]);
        // The spec documents 200 for a created note.
        Ok(respond(StatusCode::OK, &json!({"note": note_json(&p, &id, n, &note)})))
    })())
}

pub(super) async fn get_log_entries(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    done((|| {
        authorize(&fake, &headers)?;
        let q = Query::parse(raw);
        let events = fake.events(&id);
        let p = fake.state.lock();
        let i = p.incidents.get(&id).ok_or_else(not_found)?;
        let service = json!({"id": format!("PSVC{}", i.service.to_uppercase()), "type": "service_reference",
                             "summary": i.service});
        let entry = |n: usize, kind: &str, at: DateTime<Utc>, agent: Value, summary: &str| {
            json!({"id": format!("L{id}{n}"), "type": kind, "summary": summary, "created_at": ts(at),
                   "agent": agent, "incident": incident_ref(i)})
        };
        let mut entries =
            vec![entry(0, "trigger_log_entry", i.created_at, service.clone(), "Triggered through the API")];
        for (n, a) in i.assignees.iter().enumerate().filter(|_| events.is_empty()) {
            let who = user_ref(&p, a);
            let mut e = entry(1 + n, "notify_log_entry", i.created_at, service.clone(), "Notified by push");
            e["user"] = who;
            entries.push(e);
        }
        for (n, e) in events.iter().enumerate() {
            let mut v = entry(100 + n, e.kind, e.at, user_ref(&p, &e.agent), &e.summary);
            if !e.assignees.is_empty() {
                v["assignees"] = json!(e.assignees.iter().map(|a| user_ref(&p, a)).collect::<Vec<_>>());
            }
            entries.push(v);
        }
        // Changes made on the platform's own UI (`Shared::update`) still show.
        let logged = |kind: &str| events.iter().any(|e| e.kind == kind);
        if let (Some(at), false) = (i.acknowledged_at, logged("acknowledge_log_entry")) {
            entries.push(entry(98, "acknowledge_log_entry", at, service.clone(), "Acknowledged"));
        }
        if let (Some(at), FakeStatus::Resolved, false) = (i.resolved_at, i.status, logged("resolve_log_entry")) {
            entries.push(entry(99, "resolve_log_entry", at, service, "Resolved"));
        }
        entries.sort_by(|a, b| b["created_at"].as_str().cmp(&a["created_at"].as_str())); // newest first: clients must not rely on the order
        drop(p);
        page("log_entries", entries, &q)
    })())
}
