//! User overrides: `createUserOverride` and `userOverrides`, with GoAlert's checks and messages
//! (its field errors: "must occur after Start time", "must be in the future", "user does not
//! exist", and its refusal of two overrides of the same user at the same time).

use super::{Answer, GqlError, page, paging, ts};
use crate::{FakeOverride, Platform, Refusal};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

fn text<'a>(input: &'a Value, name: &str) -> Option<&'a str> {
    input.get(name).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn time(input: &Value, name: &str) -> Result<DateTime<Utc>, GqlError> {
    text(input, name)
        .and_then(|t| t.parse::<DateTime<Utc>>().ok())
        .ok_or_else(|| GqlError::new(format!("{name}: must be an RFC3339 timestamp")))
}

/// `createUserOverride(input)`: the new override's id.
pub(super) fn create(p: &mut Platform, vars: &Value) -> Answer {
    let input = &vars["input"];
    let schedule = text(input, "scheduleID").ok_or_else(|| GqlError::new("is required"))?;
    let (add, remove) = (text(input, "addUserID"), text(input, "removeUserID"));
    let (start, end) = (time(input, "start")?, time(input, "end")?);
    if start >= end {
        return Err(GqlError::new("must occur after Start time"));
    }
    if end <= Utc::now() {
        return Err(GqlError::new("must be in the future"));
    }
    let Some(user) = add else {
        // Remove-only overrides exist in GoAlert; the fake has no use for them.
        return Err(GqlError::new("the GoAlert fake only makes overrides that add a user"));
    };
    let clash = p.schedule(schedule).and_then(|s| {
        // As GoAlert's trigger: either user of the new override added or removed by an old one.
        let people: Vec<&str> = std::iter::once(user).chain(remove).collect();
        s.overrides.iter().find(|o| {
            let same = people.contains(&o.user.as_str()) || o.replaces.as_deref().is_some_and(|r| people.contains(&r));
            same && o.start < end && start < o.end
        })
    });
    if let Some(o) = clash {
        return Err(GqlError::new(format!(
            "cannot override the same user twice at the same time, check existing overrides; CONFLICTING_ID={}",
            o.id
        )));
    }
    match p.add_override(schedule, user, remove, start, end) {
        Ok(id) => Ok(json!({ "id": id })),
        Err(Refusal::UnknownUser(_)) => Err(GqlError::new("user does not exist")),
        Err(Refusal::UnknownSchedule) => Err(GqlError::new("schedule does not exist")),
        Err(Refusal::SameUser) => Err(GqlError::new("cannot be the same as the user being replaced")),
        Err(Refusal::EndNotAfterStart) => Err(GqlError::new("must occur after Start time")),
    }
}

/// `userOverrides(input)`: GoAlert's filters (schedule, added, removed, overlapping the window),
/// ordered by start, end and id.
pub(super) fn search(p: &Platform, vars: &Value) -> Answer {
    let (first, after) = paging(vars, 15, 149)?;
    let input = &vars["input"];
    let ids = |name: &str| -> Vec<&str> {
        input
            .get(name)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    };
    let (adds, removes) = (ids("filterAddUserID"), ids("filterRemoveUserID"));
    let window_start = text(input, "start").map(|_| time(input, "start")).transpose()?;
    let window_end = text(input, "end").map(|_| time(input, "end")).transpose()?;
    let only = text(input, "scheduleID");
    let wanted = |o: &FakeOverride| {
        (adds.is_empty() || adds.contains(&o.user.as_str()))
            && (removes.is_empty() || o.replaces.as_deref().is_some_and(|r| removes.contains(&r)))
            && window_start.is_none_or(|s| o.end > s)
            && window_end.is_none_or(|e| o.start <= e)
    };
    let mut items: Vec<(String, Value)> = p
        .schedules
        .iter()
        .filter(|s| only.is_none_or(|id| s.id == id))
        .flat_map(|s| s.overrides.iter().filter(|o| wanted(o)).map(move |o| (s, o)))
        .map(|(s, o)| {
            let user = |id: &str| p.user(id).map(|u| json!({ "id": u.id, "name": u.name }));
            let node = json!({
                "id": o.id, "start": ts(o.start), "end": ts(o.end),
                "addUserID": o.user, "removeUserID": o.replaces.clone().unwrap_or_default(),
                "addUser": user(&o.user), "removeUser": o.replaces.as_deref().and_then(user),
                "target": { "id": s.id, "type": "schedule", "name": s.name },
            });
            (format!("{}{}{}", ts(o.start), ts(o.end), o.id), node)
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(page(items, first, after.as_deref()))
}
