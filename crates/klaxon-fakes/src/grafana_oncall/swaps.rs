//! Shift swap requests (`/api/v1/shift_swaps/`), as OnCall's public API serves them: the list
//! shows requests starting after `starting_after` (now by default) and filters by schedule,
//! beneficiary and benefactor; a request must start in the future; `take` names the benefactor;
//! `DELETE` withdraws one. A taken swap gives the benefactor the beneficiary's shifts in its range
//! in the final schedule (`final_shifts`, `on_call_now`).

use super::*;
use crate::Refusal;

/// One shift swap request.
#[derive(Debug, Clone)]
pub(super) struct Swap {
    id: String,
    schedule: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    beneficiary: String,
    benefactor: Option<String>,
    description: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// The override the taken swap put on the schedule.
    applied: Option<String>,
    /// Withdrawn (OnCall keeps them, hidden).
    deleted: bool,
}

impl Swap {
    fn status(&self, now: DateTime<Utc>) -> &'static str {
        match &self.benefactor {
            Some(_) => "taken",
            None if now > self.start => "past_due",
            None => "open",
        }
    }

    fn json(&self, now: DateTime<Utc>) -> Value {
        json!({
            "id": self.id, "created_at": time(self.created_at), "updated_at": time(self.updated_at),
            "status": self.status(now), "schedule": self.schedule, "swap_start": time(self.start),
            "swap_end": time(self.end), "description": self.description, "beneficiary": self.beneficiary,
            "benefactor": self.benefactor,
        })
    }
}

fn user_field(p: &Platform, req: &Req, field: &str) -> Result<String, Reply> {
    let id = req.body.get(field).and_then(Value::as_str).filter(|s| !s.is_empty());
    let id = id.ok_or_else(|| bad(&format!("{field} user ID is required")))?;
    p.user(id).map(|u| u.id.clone()).ok_or_else(|| bad(&format!("Invalid {field} user ID")))
}

fn when(req: &Req, field: &str) -> Result<DateTime<Utc>, Reply> {
    let value = req.body.get(field).and_then(Value::as_str).and_then(|t| DateTime::parse_from_rfc3339(t).ok());
    let wrong = || (StatusCode::BAD_REQUEST, json!({ field: ["Datetime has wrong format."] }));
    value.map(|t| t.to_utc()).ok_or_else(wrong)
}

pub(super) fn list(x: &Extra, req: &Req, now: DateTime<Utc>) -> Reply {
    let after = match req.param("starting_after").map(DateTime::parse_from_rfc3339) {
        None => now,
        Some(Ok(t)) => t.to_utc(),
        Some(Err(_)) => return (StatusCode::BAD_REQUEST, json!({"detail": "Datetime has wrong format."})),
    };
    let field = |name: &str| req.param(name).filter(|v| !v.is_empty());
    let mut found: Vec<&Swap> = x
        .swaps
        .iter()
        .filter(|s| !s.deleted && s.start >= after)
        .filter(|s| field("schedule_id").is_none_or(|id| s.schedule == id))
        .filter(|s| field("beneficiary").is_none_or(|id| s.beneficiary == id))
        .filter(|s| field("benefactor").is_none_or(|id| s.benefactor.as_deref() == Some(id)))
        .filter(|s| req.param("open_only") != Some("true") || s.status(now) == "open")
        .collect();
    found.sort_by_key(|s| s.start);
    ok(page(found.into_iter().map(|s| s.json(now)).collect(), req, 50))
}

pub(super) fn create(p: &Platform, x: &mut Extra, req: &Req, now: DateTime<Utc>) -> Reply {
    let schedule = req.body.get("schedule").and_then(Value::as_str).unwrap_or_default();
    if p.schedule(schedule).is_none() {
        let why = format!("Invalid pk \"{schedule}\" - object does not exist.");
        return (StatusCode::BAD_REQUEST, json!({ "schedule": [why] }));
    }
    let (start, end) = match (when(req, "swap_start"), when(req, "swap_end")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let refuse = |why: &str| (StatusCode::BAD_REQUEST, json!({ "non_field_errors": [why] }));
    if now > start {
        return refuse("swap_start must be a datetime in the future");
    }
    if start > end {
        return refuse("swap_end must occur after swap_start");
    }
    let beneficiary = match user_field(p, req, "beneficiary") {
        Ok(id) => id,
        Err(e) => return e,
    };
    let swap = Swap {
        id: format!("SSR{:012}", x.swaps.len() + 1),
        schedule: schedule.to_owned(),
        start,
        end,
        beneficiary,
        benefactor: None,
        description: req.body.get("description").and_then(Value::as_str).map(str::to_owned),
        created_at: now,
        updated_at: now,
        applied: None,
        deleted: false,
    };
    let answer = swap.json(now);
    x.swaps.push(swap);
    (StatusCode::CREATED, answer)
}

/// The request `id` if the list would show it (not withdrawn, starting in the future).
fn visible<'a>(x: &'a mut Extra, id: &str, now: DateTime<Utc>) -> Option<&'a mut Swap> {
    x.swaps.iter_mut().find(|s| s.id == id && !s.deleted && s.start >= now)
}

pub(super) fn take(p: &mut Platform, x: &mut Extra, id: &str, req: &Req, now: DateTime<Utc>) -> Reply {
    if visible(x, id, now).is_none() {
        return not_found();
    }
    let benefactor = match user_field(p, req, "benefactor") {
        Ok(id) => id,
        Err(e) => return e,
    };
    let Some(swap) = visible(x, id, now) else { return not_found() };
    if swap.beneficiary == benefactor {
        return bad("A shift swap request cannot be created and taken by the same user");
    }
    if swap.status(now) != "open" {
        return bad("The shift swap request is not in a state which allows it to be taken");
    }
    swap.applied = match p.add_override(&swap.schedule, &benefactor, Some(&swap.beneficiary), swap.start, swap.end) {
        Ok(applied) => Some(applied),
        // A swap of no length takes nothing.
        Err(Refusal::EndNotAfterStart) => None,
        Err(other) => return bad(&format!("{other:?}")),
    };
    swap.benefactor = Some(benefactor);
    swap.updated_at = now;
    ok(swap.json(now))
}

pub(super) fn withdraw(p: &mut Platform, x: &mut Extra, id: &str, now: DateTime<Utc>) -> Reply {
    let Some(swap) = visible(x, id, now) else { return not_found() };
    swap.deleted = true;
    // A withdrawn swap no longer shows in the final schedule.
    if let (Some(applied), Some(s)) = (&swap.applied, p.schedules.iter_mut().find(|s| s.id == swap.schedule)) {
        s.overrides.retain(|o| o.id != *applied);
    }
    (StatusCode::NO_CONTENT, Value::Null)
}
