//! GoAlert's escalation policies, schedule shifts and rotations as Klaxon's policies, shifts and
//! on-call entries.
//!
//! Targets: a step's `user` is a [`Target::Person`]; its `schedule` or `rotation` is a
//! [`Target::Schedule`] (GoAlert ids are UUIDs, so the two never clash). Channel targets (Slack,
//! webhooks) page no person and are left out.

use super::wire;
use chrono::{DateTime, Duration, Utc};
use klaxon_core::{EscalationLevel, EscalationPolicy, OnCallEntry, Shift, Target};

/// GoAlert answers shifts for at most 50 days at a time; longer windows are asked in pieces.
pub const SHIFT_WINDOW: Duration = Duration::days(28);

/// A policy with its steps in order. GoAlert's `repeat` of -1 (forever) becomes `u32::MAX`.
pub fn policy(p: &wire::Policy) -> EscalationPolicy {
    let mut steps: Vec<&wire::Step> = p.steps.iter().collect();
    steps.sort_by_key(|s| s.step_number);
    let levels = steps
        .into_iter()
        .map(|s| EscalationLevel {
            delay: std::time::Duration::from_secs(u64::try_from(s.delay_minutes).unwrap_or(0).saturating_mul(60)),
            targets: s.targets.iter().filter_map(target).collect(),
        })
        .collect();
    let repeat = if p.repeat < 0 { u32::MAX } else { u32::try_from(p.repeat).unwrap_or(u32::MAX) };
    EscalationPolicy { id: p.id.clone(), name: p.name.clone(), levels, repeat }
}

fn target(t: &wire::Target) -> Option<Target> {
    match t.kind.as_str() {
        "user" => Some(Target::Person(t.id.clone())),
        "schedule" | "rotation" => Some(Target::schedule(&t.id)),
        _ => None,
    }
}

/// Shifts of every schedule, pieces of one shift that GoAlert cut at a window's edge joined again.
pub fn shifts(pieces: Vec<wire::Schedule>) -> Vec<Shift> {
    let mut raw: Vec<(Shift, bool)> = Vec::new();
    for schedule in pieces {
        for s in schedule.shifts {
            let person_name = s.user.map_or_else(|| s.user_id.clone(), |u| u.name);
            let shift = Shift {
                schedule_id: schedule.id.clone(),
                schedule_name: schedule.name.clone(),
                person_id: s.user_id,
                person_name,
                start: s.start,
                end: s.end,
            };
            raw.push((shift, s.truncated));
        }
    }
    raw.sort_by(|(a, _), (b, _)| (&a.schedule_id, a.start, &a.person_id).cmp(&(&b.schedule_id, b.start, &b.person_id)));
    let mut out: Vec<(Shift, bool)> = Vec::new();
    for (shift, truncated) in raw {
        // GoAlert works in whole minutes, so a cut shift resumes within a minute of the cut.
        let joins = out.iter_mut().rev().find(|(prev, cut)| {
            *cut && prev.schedule_id == shift.schedule_id
                && prev.person_id == shift.person_id
                && shift.start <= prev.end + Duration::minutes(1)
                && shift.start >= prev.start
        });
        match joins {
            Some((prev, cut)) => {
                prev.end = prev.end.max(shift.end);
                *cut = truncated;
            }
            None => out.push((shift, truncated)),
        }
    }
    out.into_iter().map(|(s, _)| s).collect()
}

/// Who is on call at `now` per policy and (1-based) level: users named by a step directly, the
/// users on shift in a targeted schedule (until their shift ends, when GoAlert told it within the
/// window asked), and the active member of a targeted rotation (until its next handoff).
pub fn on_call(
    policies: &[wire::Policy],
    schedules: &[wire::Schedule],
    rotations: &[wire::Rotation],
    now: DateTime<Utc>,
) -> Vec<OnCallEntry> {
    let mut out = Vec::new();
    for p in policies {
        let mut steps: Vec<&wire::Step> = p.steps.iter().collect();
        steps.sort_by_key(|s| s.step_number);
        for step in steps {
            let level = u32::try_from(step.step_number.saturating_add(1)).unwrap_or(1).max(1);
            let entry = |person_id: &str, person_name: &str, rotation: Option<&str>, until| OnCallEntry {
                policy: p.name.clone(),
                level,
                person_id: person_id.to_owned(),
                person_name: person_name.to_owned(),
                rotation: rotation.map(str::to_owned),
                until,
                me: false,
            };
            for t in &step.targets {
                match t.kind.as_str() {
                    "user" => out.push(entry(&t.id, &t.name, None, None)),
                    "schedule" => {
                        let Some(schedule) = schedules.iter().find(|s| s.id == t.id) else { continue };
                        for s in schedule.shifts.iter().filter(|s| s.start <= now && now < s.end) {
                            let name = s.user.as_ref().map_or(s.user_id.as_str(), |u| u.name.as_str());
                            let until = Some(s.end).filter(|_| !s.truncated);
                            out.push(entry(&s.user_id, name, Some(&schedule.name), until));
                        }
                    }
                    "rotation" => {
                        let Some(r) = rotations.iter().find(|r| r.id == t.id) else { continue };
                        let active = usize::try_from(r.active_user_index).ok().and_then(|i| r.users.get(i));
                        if let Some(u) = active {
                            out.push(entry(&u.id, &u.name, Some(&r.name), r.next_handoff_times.first().copied()));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn t(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    fn policies() -> Vec<wire::Policy> {
        serde_json::from_value(json!([{ "id": "EP", "name": "Main", "repeat": -1, "steps": [
            { "stepNumber": 1, "delayMinutes": 10, "targets": [
                { "id": "R1", "type": "rotation", "name": "Backend" },
                { "id": "C1", "type": "slackChannel", "name": "#ops" } ] },
            { "stepNumber": 0, "delayMinutes": 5, "targets": [
                { "id": "S1", "type": "schedule", "name": "Primary" },
                { "id": "U9", "type": "user", "name": "Boss" } ] } ] }]))
        .unwrap()
    }

    fn schedule(shifts: serde_json::Value) -> wire::Schedule {
        serde_json::from_value(json!({ "id": "S1", "name": "Primary", "shifts": shifts })).unwrap()
    }

    #[test]
    fn policies_keep_step_order_and_person_and_rotation_targets() {
        let p = policy(&policies()[0]);
        assert_eq!(p.repeat, u32::MAX);
        assert_eq!(p.levels[0].delay, std::time::Duration::from_secs(300));
        assert_eq!(p.levels[0].targets, [Target::schedule("S1"), Target::Person("U9".into())]);
        assert_eq!(p.levels[1].targets, [Target::schedule("R1")]);
    }

    #[test]
    fn on_call_reads_schedules_rotations_and_users() {
        let s = schedule(json!([
            { "userID": "U1", "user": { "name": "Ada" }, "start": t(-5).to_rfc3339(), "end": t(3).to_rfc3339(), "truncated": false },
            { "userID": "U2", "user": null, "start": t(3).to_rfc3339(), "end": t(9).to_rfc3339(), "truncated": true } ]));
        let r: wire::Rotation = serde_json::from_value(json!({ "id": "R1", "name": "Backend", "activeUserIndex": 1,
            "users": [ { "id": "U3", "name": "Cy" }, { "id": "U4", "name": "Di" } ], "nextHandoffTimes": [ t(8).to_rfc3339() ] }))
        .unwrap();
        let e = on_call(&policies(), &[s], &[r], t(0));
        let got: Vec<_> = e.iter().map(|e| (e.level, e.person_id.as_str(), e.rotation.as_deref(), e.until)).collect();
        assert_eq!(
            got,
            [(1, "U1", Some("Primary"), Some(t(3))), (1, "U9", None, None), (2, "U4", Some("Backend"), Some(t(8)))]
        );
        assert!(e.iter().all(|e| e.policy == "Main"));
    }

    #[test]
    fn shifts_cut_at_a_window_edge_are_joined() {
        let a = schedule(json!([
            { "userID": "U1", "user": { "name": "Ada" }, "start": t(0).to_rfc3339(), "end": t(10).to_rfc3339(), "truncated": true } ]));
        let b = schedule(json!([
            { "userID": "U1", "user": { "name": "Ada" }, "start": t(10).to_rfc3339(), "end": t(20).to_rfc3339(), "truncated": false },
            { "userID": "U2", "user": null, "start": t(20).to_rfc3339(), "end": t(30).to_rfc3339(), "truncated": false } ]));
        let s = shifts(vec![b, a]);
        let got: Vec<_> = s.iter().map(|s| (s.person_id.as_str(), s.person_name.as_str(), s.start, s.end)).collect();
        assert_eq!(got, [("U1", "Ada", t(0), t(20)), ("U2", "U2", t(20), t(30))]);
    }
}
