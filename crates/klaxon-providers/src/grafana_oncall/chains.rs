//! Escalation chains as Klaxon's escalation levels, and the routing context that says whom an
//! alert group is for (route → escalation chain → first level → people and on-call schedules).

use super::client::Client;
use super::wire::{EscalationStep, Integration, Route, Schedule};
use crate::ProviderError;
use klaxon_core::{EscalationLevel, Target};
use std::collections::HashMap;
use std::time::Duration;

/// How many times OnCall's `repeat_escalation` step repeats a chain (fixed by the platform).
const ONCALL_REPEATS: u32 = 5;

/// A chain's steps as levels, and how often it repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Levels {
    pub levels: Vec<EscalationLevel>,
    pub repeat: u32,
}

/// Folds a chain's steps (any order; sorted by `position` here) into levels.
///
/// Notify steps (`notify_persons`, `notify_person_next_each_time`, `notify_on_call_from_schedule`)
/// up to the next `wait` form one level; the `wait`'s duration is how long that level has before
/// the next one starts ([`EscalationLevel::delay`]); the last level's delay is zero. A `wait`
/// before any notify step makes an empty first level (nobody is paged during it). Steps that
/// page nobody Klaxon can name (user groups, team members, webhooks, Slack channel, time
/// conditions, …) are skipped; `repeat_escalation` sets `repeat` to OnCall's fixed 5.
pub(crate) fn levels(steps: &[&EscalationStep]) -> Levels {
    let mut steps = steps.to_vec();
    steps.sort_by_key(|s| s.position);
    let mut out = Levels::default();
    let mut targets: Vec<Target> = Vec::new();
    let add = |targets: &mut Vec<Target>, t: Target| {
        if !targets.contains(&t) {
            targets.push(t);
        }
    };
    for step in steps {
        match step.kind.as_str() {
            "notify_persons" | "notify_person_next_each_time" => {
                let people = step.persons_to_notify.iter().chain(&step.persons_to_notify_next_each_time).flatten();
                for id in people {
                    add(&mut targets, Target::Person(id.clone()));
                }
            }
            "notify_on_call_from_schedule" => {
                if let Some(id) = &step.notify_on_call_from_schedule {
                    add(&mut targets, Target::schedule(id));
                }
            }
            "wait" => {
                let wait = Duration::from_secs(step.duration.unwrap_or(0));
                match out.levels.last_mut() {
                    // Consecutive waits, or a wait after steps that page nobody we know.
                    Some(last) if targets.is_empty() => last.delay += wait,
                    _ => out.levels.push(EscalationLevel { delay: wait, targets: std::mem::take(&mut targets) }),
                }
            }
            "repeat_escalation" => out.repeat = ONCALL_REPEATS,
            _ => {}
        }
    }
    if !targets.is_empty() {
        out.levels.push(EscalationLevel { delay: Duration::ZERO, targets });
    }
    out
}

/// What the platform says about routing, read in one go (and cached briefly by the adapter).
#[derive(Debug, Default)]
pub(crate) struct Routing {
    /// Route id → escalation chain id (`None`: the route pages nobody).
    pub routes: HashMap<String, Option<String>>,
    /// Integration id → name.
    pub integrations: HashMap<String, String>,
    /// Escalation chain id → its levels.
    pub chains: HashMap<String, Levels>,
    /// Schedule id → schedule (with who is on call now).
    pub schedules: HashMap<String, Schedule>,
}

impl Routing {
    /// Reads routes, integrations, escalation steps and schedules.
    pub async fn fetch(client: &Client) -> Result<Self, ProviderError> {
        let routes: Vec<Route> = client.list("api/v1/routes/", &[]).await?;
        let integrations: Vec<Integration> = client.list("api/v1/integrations/", &[]).await?;
        let steps: Vec<EscalationStep> = client.list("api/v1/escalation_policies/", &[]).await?;
        let schedules: Vec<Schedule> = client.list("api/v1/schedules/", &[]).await?;
        Ok(Self::from_parts(routes, integrations, &steps, schedules))
    }

    /// Indexes what [`Routing::fetch`] read.
    pub fn from_parts(
        routes: Vec<Route>,
        integrations: Vec<Integration>,
        steps: &[EscalationStep],
        schedules: Vec<Schedule>,
    ) -> Self {
        let mut by_chain: HashMap<&str, Vec<&EscalationStep>> = HashMap::new();
        for step in steps {
            by_chain.entry(step.escalation_chain_id.as_str()).or_default().push(step);
        }
        Self {
            routes: routes.into_iter().map(|r| (r.id, r.escalation_chain_id)).collect(),
            integrations: integrations.into_iter().filter_map(|i| Some((i.id, i.name?))).collect(),
            chains: by_chain.into_iter().map(|(id, steps)| (id.to_owned(), levels(&steps))).collect(),
            schedules: schedules.into_iter().map(|s| (s.id.clone(), s)).collect(),
        }
    }

    /// The escalation chain an alert group on `route` follows.
    pub fn chain_of(&self, route: Option<&str>) -> Option<&str> {
        self.routes.get(route?)?.as_deref()
    }

    /// The user ids a level reaches now: its people, and whoever its schedules have on call.
    pub fn reach(&self, level: &EscalationLevel) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for target in &level.targets {
            let ids = match target {
                Target::Person(id) => std::slice::from_ref(id),
                Target::Schedule { id, .. } => self.schedules.get(id).map_or(&[][..], |s| s.on_call_now.as_slice()),
            };
            for id in ids {
                if !out.contains(id) {
                    out.push(id.clone());
                }
            }
        }
        out
    }

    /// Who an alert group on `route` is for: whom the first level of its chain that names anyone
    /// reaches now (levels further on page only if nobody answers, so they are not "assigned").
    pub fn first_responders(&self, route: Option<&str>) -> Vec<String> {
        let Some(chain) = self.chain_of(route).and_then(|c| self.chains.get(c)) else {
            return Vec::new();
        };
        chain.levels.iter().find(|l| !l.targets.is_empty()).map(|l| self.reach(l)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(position: i64, kind: &str) -> EscalationStep {
        EscalationStep {
            escalation_chain_id: "F1".into(),
            position,
            kind: kind.into(),
            duration: None,
            persons_to_notify: None,
            persons_to_notify_next_each_time: None,
            notify_on_call_from_schedule: None,
        }
    }

    fn persons(position: i64, ids: &[&str]) -> EscalationStep {
        EscalationStep {
            persons_to_notify: Some(ids.iter().map(|s| (*s).to_owned()).collect()),
            ..step(position, "notify_persons")
        }
    }

    fn schedule(position: i64, id: &str) -> EscalationStep {
        EscalationStep {
            notify_on_call_from_schedule: Some(id.into()),
            ..step(position, "notify_on_call_from_schedule")
        }
    }

    fn wait(position: i64, secs: u64) -> EscalationStep {
        EscalationStep { duration: Some(secs), ..step(position, "wait") }
    }

    #[test]
    fn waits_split_levels_and_set_their_delay() {
        let steps = [
            schedule(0, "S1"),
            persons(1, &["U1"]),
            wait(2, 300),
            step(3, "notify_user_group"),
            wait(4, 60),
            persons(5, &["U2"]),
            step(6, "repeat_escalation"),
        ];
        let l = levels(&steps.iter().collect::<Vec<_>>());
        assert_eq!(l.repeat, 5);
        assert_eq!(l.levels.len(), 2);
        assert_eq!(l.levels[0].targets, vec![Target::schedule("S1"), Target::Person("U1".into())]);
        assert_eq!(l.levels[0].delay, Duration::from_secs(360), "a wait after a step paging nobody adds up");
        assert_eq!(
            (l.levels[1].targets.clone(), l.levels[1].delay),
            (vec![Target::Person("U2".into())], Duration::ZERO)
        );
    }

    #[test]
    fn steps_are_taken_in_position_order_and_a_leading_wait_is_an_empty_level() {
        let steps = [persons(1, &["U1"]), wait(0, 120)];
        let l = levels(&steps.iter().collect::<Vec<_>>());
        assert_eq!(l.levels.len(), 2);
        assert!(l.levels[0].targets.is_empty());
        assert_eq!(l.levels[0].delay, Duration::from_secs(120));
        assert_eq!(l.repeat, 0);
        assert_eq!(levels(&[]), Levels::default());
    }

    #[test]
    fn first_responders_follow_route_chain_and_schedule() {
        let steps = [wait(0, 60), schedule(1, "S1"), persons(2, &["U9"]), wait(3, 60), persons(4, &["U2"])];
        let routing = Routing::from_parts(
            vec![
                Route { id: "R1".into(), escalation_chain_id: Some("F1".into()) },
                Route { id: "R2".into(), escalation_chain_id: None },
            ],
            vec![],
            &steps,
            vec![Schedule { id: "S1".into(), name: "Primary".into(), on_call_now: vec!["U1".into(), "U9".into()] }],
        );
        assert_eq!(routing.first_responders(Some("R1")), vec!["U1".to_owned(), "U9".to_owned()]);
        assert!(routing.first_responders(Some("R2")).is_empty());
        assert!(routing.first_responders(Some("R404")).is_empty());
        assert!(routing.first_responders(None).is_empty());
    }
}
