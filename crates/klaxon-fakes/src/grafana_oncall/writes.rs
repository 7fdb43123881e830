//! Alert group actions, resolution notes and direct paging, with Grafana OnCall's rules.

use super::*;

pub(super) fn write(p: &mut Platform, x: &mut Extra, id: &str, action: &str, req: &Req, now: DateTime<Utc>) -> Reply {
    let me = p.me.clone();
    let Some(i) = p.incidents.get_mut(id) else { return not_found() };
    let current = state(i, now);
    let (resolved, acknowledged) = (current == "resolved", current == "acknowledged");
    let recorded = match action {
        "acknowledge" => {
            if acknowledged {
                return bad("Can't acknowledge an acknowledged alert group");
            }
            if resolved {
                return bad("Can't acknowledge a resolved alert group");
            }
            i.status = FakeStatus::Acknowledged;
            i.acknowledged_at = Some(now);
            i.snoozed_until = None;
            x.acknowledged_by.insert(id.to_owned(), me.clone());
            ("acknowledge", String::new())
        }
        "unacknowledge" => {
            if !acknowledged {
                return bad(if resolved {
                    "Can't unacknowledge a resolved alert group"
                } else {
                    "Can't unacknowledge an unacknowledged alert group"
                });
            }
            i.status = FakeStatus::Triggered;
            i.acknowledged_at = None;
            x.acknowledged_by.remove(id);
            ("unacknowledge", String::new())
        }
        "resolve" => {
            if resolved {
                return bad("Can't resolve a resolved alert group");
            }
            i.status = FakeStatus::Resolved;
            i.resolved_at = Some(now);
            i.snoozed_until = None;
            x.resolved_by.insert(id.to_owned(), me.clone());
            ("resolve", String::new())
        }
        "unresolve" => {
            if !resolved {
                return bad("Can't unresolve an unresolved alert group");
            }
            i.status = FakeStatus::Triggered;
            i.resolved_at = None;
            i.acknowledged_at = None;
            ("unresolve", String::new())
        }
        "silence" => {
            let delay = match &req.body["delay"] {
                Value::Null => return bad("delay is required"),
                v => match v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())) {
                    Some(d) if d >= -1 => d,
                    _ => return bad("invalid delay value"),
                },
            };
            if resolved {
                return bad("Can't silence a resolved alert group");
            }
            if acknowledged {
                return bad("Can't silence an acknowledged alert group");
            }
            // A delay of 0 or -1 silences until someone unsilences.
            let until = if delay > 0 { now + Duration::seconds(delay) } else { now + Duration::days(36_500) };
            i.snoozed_until = Some(until);
            x.silenced_at.insert(id.to_owned(), now);
            ("snooze", format!("{delay}s"))
        }
        "unsilence" => {
            if current != "silenced" {
                return bad("Can't unsilence an unsilenced alert group");
            }
            i.snoozed_until = None;
            ("unsilence", String::new())
        }
        _ => return not_found(),
    };
    i.updated_at = now;
    p.record(id, recorded.0, recorded.1, &me);
    ok(Value::Null)
}

pub(super) fn add_note(p: &mut Platform, req: &Req, now: DateTime<Utc>) -> Reply {
    let field = |name: &str, message: &str| (StatusCode::BAD_REQUEST, json!({name: [message]}));
    let Some(id) = req.body["alert_group_id"].as_str() else {
        return field("alert_group_id", "This field is required.");
    };
    let Some(text) = req.body["text"].as_str().filter(|t| !t.trim().is_empty()) else {
        return field("text", "This field may not be blank.");
    };
    let me = p.me.clone();
    let Some(i) = p.incidents.get_mut(id) else {
        return field("alert_group_id", &format!("Invalid pk \"{id}\" - object does not exist."));
    };
    i.notes.push((me.clone(), text.to_owned(), now));
    i.updated_at = now;
    let note = note_json(id, i.notes.len() - 1, &(me.clone(), text.to_owned(), now));
    p.record(id, "note", text, &me);
    (StatusCode::CREATED, note)
}

pub(super) fn direct_page(p: &mut Platform, x: &Extra, req: &Req, now: DateTime<Utc>) -> Reply {
    let users: Vec<String> = req.body["users"]
        .as_array()
        .map(|a| a.iter().filter_map(|u| u["id"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    if users.is_empty() {
        return bad("No team or user(s) specified");
    }
    if let Some(unknown) = users.iter().find(|u| p.user(u).is_none()) {
        return (
            StatusCode::BAD_REQUEST,
            json!({"users": [{"non_field_errors": [format!("User {unknown} does not exist")]}]}),
        );
    }
    let Some(id) = req.body["alert_group_id"].as_str() else {
        // Paging without an alert group creates one in the Direct Paging integration; not faked.
        return (StatusCode::BAD_REQUEST, json!({"non_field_errors": ["this fake pages existing alert groups only"]}));
    };
    let me = p.me.clone();
    let Some(i) = p.incidents.get_mut(id) else {
        return (StatusCode::BAD_REQUEST, json!({"non_field_errors": [format!("Alert group {id} does not exist")]}));
    };
    if i.status == FakeStatus::Resolved {
        return bad("Cannot add responders for a resolved alert group");
    }
    for u in &users {
        if !i.assignees.contains(u) {
            i.assignees.push(u.clone());
        }
    }
    i.updated_at = now;
    let answer = group(i, x, now);
    p.record(id, "escalate", format!("paged {}", users.join(",")), &me);
    ok(answer)
}
