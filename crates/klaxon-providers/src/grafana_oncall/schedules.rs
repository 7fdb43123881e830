//! Who is on call (escalation chains and schedules), rendered shifts, and escalation chains as
//! Klaxon's escalation policies.

use super::chains::{Routing, levels};
use super::client::Client;
use super::wire::{EscalationChain, EscalationStep, FinalShift, Schedule, User};
use crate::ProviderError;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use klaxon_core::{EscalationPolicy, OnCallEntry, Shift, Target};
use std::collections::{HashMap, HashSet};

/// The longest range `final_shifts` accepts in one request.
const MAX_RANGE_DAYS: u64 = 365;

/// Escalation chains with their levels, sorted by name.
pub(crate) async fn escalation_policies(client: &Client) -> Result<Vec<EscalationPolicy>, ProviderError> {
    let chains: Vec<EscalationChain> = client.list("api/v1/escalation_chains/", &[]).await?;
    let steps: Vec<EscalationStep> = client.list("api/v1/escalation_policies/", &[]).await?;
    Ok(policies(chains, &steps))
}

fn policies(chains: Vec<EscalationChain>, steps: &[EscalationStep]) -> Vec<EscalationPolicy> {
    let mut out: Vec<EscalationPolicy> = chains
        .into_iter()
        .map(|c| {
            let mine: Vec<&EscalationStep> = steps.iter().filter(|s| s.escalation_chain_id == c.id).collect();
            let l = levels(&mine);
            EscalationPolicy { id: c.id, name: c.name, levels: l.levels, repeat: l.repeat }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    out
}

/// Who is on call now: per escalation chain and level, the people it names and whoever its
/// schedules have on call; then schedules no chain uses, each as its own policy at level 1.
/// OnCall's schedule list does not say when the current shift ends, so `until` is left empty.
pub(crate) async fn on_call(client: &Client) -> Result<Vec<OnCallEntry>, ProviderError> {
    let routing = Routing::fetch(client).await?;
    let chains: Vec<EscalationChain> = client.list("api/v1/escalation_chains/", &[]).await?;
    let users: Vec<User> = client.list("api/v1/users/", &[]).await?;
    let names: HashMap<String, String> =
        users.into_iter().map(|u| (u.id.clone(), u.username.or(u.email).unwrap_or(u.id))).collect();
    Ok(entries(&routing, chains, &names))
}

fn entries(routing: &Routing, mut chains: Vec<EscalationChain>, names: &HashMap<String, String>) -> Vec<OnCallEntry> {
    chains.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let mut out: Vec<OnCallEntry> = Vec::new();
    let mut used_schedules = HashSet::new();
    let mut push = |policy: &str, level: u32, person: &str, rotation: Option<&str>| {
        let duplicate = out.iter().any(|e| e.policy == policy && e.level == level && e.person_id == person);
        if !duplicate {
            out.push(OnCallEntry {
                policy: policy.to_owned(),
                level,
                person_id: person.to_owned(),
                person_name: names.get(person).cloned().unwrap_or_else(|| person.to_owned()),
                rotation: rotation.map(str::to_owned),
                until: None,
                me: false,
            });
        }
    };
    for chain in &chains {
        let Some(l) = routing.chains.get(&chain.id) else { continue };
        for (level_no, level) in (1u32..).zip(&l.levels) {
            for target in &level.targets {
                match target {
                    Target::Person(id) => push(&chain.name, level_no, id, None),
                    Target::Schedule { id: s, .. } => {
                        used_schedules.insert(s.clone());
                        for id in routing.schedules.get(s).map_or(&[][..], |s| s.on_call_now.as_slice()) {
                            push(&chain.name, level_no, id, Some(s));
                        }
                    }
                }
            }
        }
    }
    let mut unused: Vec<&Schedule> = routing.schedules.values().filter(|s| !used_schedules.contains(&s.id)).collect();
    unused.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    for s in unused {
        for id in &s.on_call_now {
            push(&s.name, 1, id, Some(&s.id));
        }
    }
    out
}

/// Every schedule's final shifts overlapping `[since, until)`, in schedule then start order.
pub(crate) async fn shifts(
    client: &Client,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<Shift>, ProviderError> {
    if until <= since {
        return Ok(Vec::new());
    }
    let schedules: Vec<Schedule> = client.list("api/v1/schedules/", &[]).await?;
    let ranges = date_ranges(since, until);
    let mut out = Vec::new();
    for schedule in schedules {
        let path = format!("api/v1/schedules/{}/final_shifts", path_segment(&schedule.id)?);
        let mut pieces: Vec<FinalShift> = Vec::new();
        for (start, end) in &ranges {
            let (start, end) = (start.format("%Y-%m-%d").to_string(), end.format("%Y-%m-%d").to_string());
            pieces.extend(client.list::<FinalShift>(&path, &[("start_date", &start), ("end_date", &end)]).await?);
        }
        let boundaries: HashSet<DateTime<Utc>> = ranges.iter().map(|(_, end)| midnight(*end)).collect();
        for piece in stitch(pieces, &boundaries) {
            if piece.shift_end > since && piece.shift_start < until {
                out.push(Shift {
                    schedule_id: schedule.id.clone(),
                    schedule_name: schedule.name.clone(),
                    person_name: piece.user_username.clone().unwrap_or_else(|| piece.user_pk.clone()),
                    person_id: piece.user_pk,
                    start: piece.shift_start,
                    end: piece.shift_end,
                });
            }
        }
    }
    Ok(out)
}

/// Whole days covering `[since, until)`, cut into ranges `final_shifts` accepts.
fn date_ranges(since: DateTime<Utc>, until: DateTime<Utc>) -> Vec<(NaiveDate, NaiveDate)> {
    let first = since.date_naive();
    let last = if until.time() == NaiveTime::MIN { until.date_naive() } else { until.date_naive() + Days::new(1) };
    let mut ranges = Vec::new();
    let mut start = first;
    while start < last {
        let end = (start + Days::new(MAX_RANGE_DAYS)).min(last);
        ranges.push((start, end));
        start = end;
    }
    ranges
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

/// Sorts shifts and joins the two halves of a shift the platform cut at one of our range
/// `boundaries` (it truncates shifts to the requested dates).
fn stitch(mut pieces: Vec<FinalShift>, boundaries: &HashSet<DateTime<Utc>>) -> Vec<FinalShift> {
    pieces.sort_by(|a, b| a.shift_start.cmp(&b.shift_start).then(a.user_pk.cmp(&b.user_pk)));
    let mut out: Vec<FinalShift> = Vec::new();
    for piece in pieces {
        let joined = out.iter_mut().rev().find(|p| {
            p.user_pk == piece.user_pk && p.shift_end == piece.shift_start && boundaries.contains(&piece.shift_start)
        });
        match joined {
            Some(p) => p.shift_end = piece.shift_end,
            None => out.push(piece),
        }
    }
    out
}

/// An id the platform handed out, as one path segment (refused if it would change the path).
pub(super) fn path_segment(id: &str) -> Result<&str, ProviderError> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(ProviderError::Malformed(format!("the platform's id `{id}` is not a plain id")));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, day, hour, 0, 0).single().unwrap()
    }

    fn piece(user: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> FinalShift {
        FinalShift { user_pk: user.into(), user_username: None, shift_start: start, shift_end: end }
    }

    #[test]
    fn ranges_cover_whole_days_and_stay_under_a_year() {
        let r = date_ranges(at(3, 10), at(5, 0));
        let d = |day| NaiveDate::from_ymd_opt(2026, 1, day).unwrap();
        assert_eq!(r, vec![(d(3), d(5))]);
        assert_eq!(date_ranges(at(3, 10), at(5, 1)), vec![(d(3), d(6))]);
        let long = date_ranges(at(1, 0), at(1, 0) + chrono::Duration::days(400));
        assert_eq!(long.len(), 2);
        assert_eq!((long[0].1 - long[0].0).num_days(), 365);
        assert_eq!(long[0].1, long[1].0);
    }

    #[test]
    fn shifts_cut_at_a_range_boundary_are_joined_again() {
        let boundary = at(10, 0);
        let pieces = vec![
            piece("U2", at(10, 0), at(12, 0)),
            piece("U1", at(8, 0), at(10, 0)),
            piece("U1", at(10, 0), at(11, 0)),
            piece("U1", at(12, 0), at(13, 0)),
        ];
        let out = stitch(pieces, &HashSet::from([boundary]));
        let got: Vec<(&str, DateTime<Utc>, DateTime<Utc>)> =
            out.iter().map(|p| (p.user_pk.as_str(), p.shift_start, p.shift_end)).collect();
        assert_eq!(got, vec![("U1", at(8, 0), at(11, 0)), ("U2", at(10, 0), at(12, 0)), ("U1", at(12, 0), at(13, 0))]);
    }

    #[test]
    fn on_call_names_chain_levels_then_unused_schedules() {
        let step = |pos, kind: &str, sched: Option<&str>, persons: Option<&[&str]>, chain: &str| EscalationStep {
            escalation_chain_id: chain.into(),
            position: pos,
            kind: kind.into(),
            duration: Some(300),
            persons_to_notify: persons.map(|p| p.iter().map(|s| (*s).to_owned()).collect()),
            persons_to_notify_next_each_time: None,
            notify_on_call_from_schedule: sched.map(str::to_owned),
        };
        let steps = vec![
            step(0, "notify_on_call_from_schedule", Some("S1"), None, "F1"),
            step(1, "wait", None, None, "F1"),
            step(2, "notify_persons", None, Some(&["U2"]), "F1"),
        ];
        let sched = |id: &str, name: &str, now: &[&str]| Schedule {
            id: id.into(),
            name: name.into(),
            on_call_now: now.iter().map(|s| (*s).to_owned()).collect(),
        };
        let routing = Routing::from_parts(
            vec![],
            vec![],
            &steps,
            vec![sched("S1", "Primary", &["U1"]), sched("S2", "DBA", &["U3"])],
        );
        let chains = vec![EscalationChain { id: "F1".into(), name: "Default".into() }];
        let names = HashMap::from([("U1".to_owned(), "alex".to_owned())]);
        let got: Vec<(String, u32, String, String, Option<String>)> = entries(&routing, chains, &names)
            .into_iter()
            .map(|e| (e.policy, e.level, e.person_id, e.person_name, e.rotation))
            .collect();
        let s = |x: &str| x.to_owned();
        assert_eq!(
            got,
            vec![
                (s("Default"), 1, s("U1"), s("alex"), Some(s("S1"))),
                (s("Default"), 2, s("U2"), s("U2"), None),
                (s("DBA"), 1, s("U3"), s("U3"), Some(s("S2"))),
            ]
        );
        let p = policies(vec![EscalationChain { id: "F1".into(), name: "Default".into() }], &steps);
        assert_eq!(p[0].levels.len(), 2);
        assert_eq!(p[0].levels[0].targets, vec![Target::schedule("S1")]);
    }
}
