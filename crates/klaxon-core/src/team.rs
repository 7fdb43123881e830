//! The team: people, rotations and escalation policies, and what follows from them at a moment.

use crate::{
    CoreError, EscalationPolicy, Incident, IncidentStatus, LogEntry, LogKind, Person, Roster, Schedule, Target,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who is responsible for what, as declared in the team file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// The person id of the user running Klaxon.
    pub me: String,
    pub people: Vec<Person>,
    pub schedules: Vec<Schedule>,
    pub policies: Vec<EscalationPolicy>,
    /// Policy for incidents that name none.
    pub default_policy: String,
    /// How the pager behaves.
    pub pager: crate::PagerSettings,
    /// Whose pages I shadow (new hires), if anyone's.
    pub shadow: Vec<crate::ShadowTarget>,
    /// When I am reminded of my shifts.
    pub reminders: crate::Reminders,
}

/// One person on call now, at one level of one policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OnCallEntry {
    pub policy: String,
    pub level: u32,
    pub person_id: String,
    pub person_name: String,
    /// The schedule (and layer) that put them there, if any, by name.
    pub rotation: Option<String>,
    /// When that schedule hands over next.
    pub until: Option<DateTime<Utc>>,
    /// Whether this is me (the team file's `me`, or my user on that platform); the UI says "you".
    #[serde(default)]
    pub me: bool,
}

/// Who is on call now, and whether that includes me.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OnCallStatus {
    pub me: Person,
    /// True when I am at level 1 of any policy right now.
    pub me_on_call: bool,
    pub entries: Vec<OnCallEntry>,
}

impl Team {
    /// A person by id.
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    /// A schedule by id.
    pub fn schedule(&self, id: &str) -> Option<&Schedule> {
        self.schedules.iter().find(|s| s.id == id)
    }

    /// Who `target` reaches at `t` (with until when, for schedules), and the schedule's label.
    fn reach(&self, target: &Target, t: DateTime<Utc>, roster: &Roster) -> Option<(String, Option<DateTime<Utc>>)> {
        match target {
            Target::Person(id) => Some((id.clone(), None)),
            Target::Schedule { id, layer } => {
                let (who, until) = self.schedule(id)?.who(layer.as_deref(), t, roster)?;
                Some((who, Some(until)))
            }
        }
    }

    /// How a target reads: a person's name, "Ops", "Ops · Secondary".
    pub fn target_name(&self, target: &Target) -> String {
        match target {
            Target::Person(id) => self.display_name(id),
            Target::Schedule { .. } => self.target_label(target).unwrap_or_default(),
        }
    }

    /// How a schedule target reads: "Ops", "Ops · Secondary".
    fn target_label(&self, target: &Target) -> Option<String> {
        let Target::Schedule { id, layer } = target else { return None };
        let schedule = self.schedule(id);
        let name = schedule.map_or(id.as_str(), |s| s.name.as_str());
        Some(match layer {
            None => name.to_owned(),
            Some(l) => {
                let layer_name = schedule.and_then(|s| s.layer(l)).map_or(l.as_str(), |x| x.name.as_str());
                format!("{name} · {layer_name}")
            }
        })
    }

    /// A policy by id.
    pub fn policy(&self, id: &str) -> Option<&EscalationPolicy> {
        self.policies.iter().find(|p| p.id == id)
    }

    fn display_name(&self, id: &str) -> String {
        self.person(id).map_or_else(|| id.to_owned(), |p| p.name.clone())
    }

    /// The person ids that `targets` reach at `t`, without repeats (a schedule's gap reaches
    /// nobody).
    pub fn resolve_targets(&self, targets: &[Target], t: DateTime<Utc>, roster: &Roster) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for target in targets {
            if let Some((id, _)) = self.reach(target, t, roster).filter(|(id, _)| !out.contains(id)) {
                out.push(id);
            }
        }
        out
    }

    fn policy_of(&self, incident: &Incident) -> Result<&EscalationPolicy, CoreError> {
        let id = incident.escalation_policy.as_deref().unwrap_or(&self.default_policy);
        self.policy(id).ok_or_else(|| CoreError::UnknownPolicy(id.to_owned()))
    }

    /// Puts `incident` at `(level, pass)` of its policy: assignees, next escalation time.
    fn place(
        &self,
        incident: &mut Incident,
        level: u32,
        pass: u32,
        now: DateTime<Utc>,
        roster: &Roster,
    ) -> Result<(), CoreError> {
        let policy = self.policy_of(incident)?;
        let step = policy.level(level).ok_or(CoreError::NoFurtherLevel)?;
        let has_next = policy.next_step(level, pass).is_some();
        incident.escalation_level = level;
        incident.escalation_pass = pass;
        incident.assignees = self.resolve_targets(&step.targets, now, roster);
        incident.next_escalation_at =
            if has_next { chrono::Duration::from_std(step.delay).ok().map(|d| now + d) } else { None };
        Ok(())
    }

    /// Assigns a new incident to level 1 of `policy_id` (or the default policy).
    pub fn assign_initial(
        &self,
        incident: &mut Incident,
        policy_id: Option<&str>,
        now: DateTime<Utc>,
        roster: &Roster,
    ) -> Result<(), CoreError> {
        incident.escalation_policy = Some(policy_id.unwrap_or(&self.default_policy).to_owned());
        self.place(incident, 1, 0, now, roster)
    }

    /// Moves an open incident to the next level, re-triggering it there.
    /// `by` is the person who asked, or `None` when the escalation timer fired.
    pub fn escalate(
        &self,
        incident: &mut Incident,
        now: DateTime<Utc>,
        by: Option<&str>,
        roster: &Roster,
    ) -> Result<LogEntry, CoreError> {
        if incident.status == IncidentStatus::Resolved {
            return Err(CoreError::InvalidTransition { status: incident.status, action: "escalate" });
        }
        let policy = self.policy_of(incident)?;
        let (level, pass) =
            policy.next_step(incident.escalation_level, incident.escalation_pass).ok_or(CoreError::NoFurtherLevel)?;
        self.place(incident, level, pass, now, roster)?;
        incident.status = IncidentStatus::Triggered;
        incident.acknowledged_at = None;
        incident.trigger_seq += 1;
        incident.updated_at = now;
        let names: Vec<String> = incident.assignees.iter().map(|id| self.display_name(id)).collect();
        let who = if names.is_empty() { "nobody on call".to_owned() } else { names.join(", ") };
        let why = match by {
            Some(p) => format!("by {}", self.display_name(p)),
            None => "after its delay passed unacknowledged".to_owned(),
        };
        Ok(LogEntry::new(
            now,
            LogKind::Escalated,
            format!("Escalated to level {level} ({who}) {why}"),
            by.or(Some("klaxon")),
        ))
    }

    /// Who is on call at `now` across all policies.
    pub fn on_call_status(&self, now: DateTime<Utc>, roster: &Roster) -> OnCallStatus {
        let mut entries = Vec::new();
        for policy in &self.policies {
            for (i, level) in policy.levels.iter().enumerate() {
                let level_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
                for target in &level.targets {
                    let rotation = self.target_label(target);
                    if let Some((id, until)) = self.reach(target, now, roster) {
                        let id = id.as_str();
                        entries.push(OnCallEntry {
                            policy: policy.name.clone(),
                            level: level_no,
                            person_id: id.to_owned(),
                            person_name: self.display_name(id),
                            rotation,
                            until,
                            me: id == self.me,
                        });
                    }
                }
            }
        }
        let me_on_call = entries.iter().any(|e| e.level == 1 && e.person_id == self.me);
        let me = self.person(&self.me).cloned().unwrap_or_else(|| Person {
            id: self.me.clone(),
            name: self.me.clone(),
            email: None,
            phone: None,
            chat: None,
        });
        OnCallStatus { me, me_on_call, entries }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::EscalationLevel;
    use crate::incident::tests::{sample, t};
    use std::time::Duration;

    fn person(id: &str) -> Person {
        Person { id: id.into(), name: id.to_uppercase(), email: None, phone: None, chat: None }
    }

    pub(crate) fn team() -> Team {
        Team {
            me: "alex".into(),
            people: vec![person("alex"), person("sam"), person("kim")],
            schedules: vec![Schedule::single(
                "primary",
                "Primary",
                t(0),
                chrono::TimeDelta::days(7),
                vec!["alex".into(), "kim".into()],
            )],
            policies: vec![EscalationPolicy {
                id: "default".into(),
                name: "Default".into(),
                levels: vec![
                    EscalationLevel { delay: Duration::from_secs(300), targets: vec![Target::schedule("primary")] },
                    EscalationLevel { delay: Duration::from_secs(600), targets: vec![Target::Person("sam".into())] },
                ],
                repeat: 1,
            }],
            default_policy: "default".into(),
            pager: crate::PagerSettings::default(),
            shadow: Vec::new(),
            reminders: crate::Reminders::default(),
        }
    }

    #[test]
    fn assigns_level_one_from_the_rotation() {
        let team = team();
        let mut i = sample(1);
        team.assign_initial(&mut i, None, t(10), &Roster::default()).unwrap();
        assert_eq!(i.assignees, ["alex"]);
        assert_eq!(i.escalation_level, 1);
        assert_eq!(i.next_escalation_at, Some(t(310)));
        let week = 7 * 86_400;
        team.assign_initial(&mut i, None, t(week + 1), &Roster::default()).unwrap();
        assert_eq!(i.assignees, ["kim"], "next week the rotation has moved on");
    }

    #[test]
    fn escalates_through_levels_and_repeats_then_stops() {
        let team = team();
        let mut i = sample(1);
        team.assign_initial(&mut i, None, t(0), &Roster::default()).unwrap();
        let seq = i.trigger_seq;
        let log = team.escalate(&mut i, t(300), None, &Roster::default()).unwrap();
        assert_eq!((i.escalation_level, i.escalation_pass), (2, 0));
        assert_eq!(i.assignees, ["sam"]);
        assert_eq!(i.next_escalation_at, Some(t(900)));
        assert_eq!(i.trigger_seq, seq + 1);
        assert_eq!(log.kind, LogKind::Escalated);
        assert!(log.message.contains("level 2 (SAM)"), "{}", log.message);
        team.escalate(&mut i, t(900), None, &Roster::default()).unwrap();
        assert_eq!((i.escalation_level, i.escalation_pass), (1, 1), "repeats from level 1");
        team.escalate(&mut i, t(1200), Some("alex"), &Roster::default()).unwrap();
        assert_eq!((i.escalation_level, i.escalation_pass), (2, 1));
        assert_eq!(i.next_escalation_at, None, "last step: no timer");
        assert_eq!(team.escalate(&mut i, t(2000), None, &Roster::default()), Err(CoreError::NoFurtherLevel));
    }

    #[test]
    fn escalating_an_acknowledged_incident_retriggers_it() {
        let team = team();
        let mut i = sample(1);
        team.assign_initial(&mut i, None, t(0), &Roster::default()).unwrap();
        i.acknowledge(t(5), "alex").unwrap();
        team.escalate(&mut i, t(6), Some("alex"), &Roster::default()).unwrap();
        assert_eq!(i.status, IncidentStatus::Triggered);
        assert_eq!(i.acknowledged_at, None);
        i.resolve(t(7), "sam").unwrap();
        assert!(matches!(
            team.escalate(&mut i, t(8), None, &Roster::default()),
            Err(CoreError::InvalidTransition { .. })
        ));
    }

    #[test]
    fn unknown_policy_is_an_error() {
        let team = team();
        let mut i = sample(1);
        i.escalation_policy = Some("nope".into());
        assert_eq!(team.escalate(&mut i, t(1), None, &Roster::default()), Err(CoreError::UnknownPolicy("nope".into())));
    }

    #[test]
    fn on_call_status_lists_levels_and_me() {
        let team = team();
        let s = team.on_call_status(t(1), &Roster::default());
        assert!(s.me_on_call);
        assert_eq!(s.me.name, "ALEX");
        assert_eq!(s.entries.len(), 2);
        assert_eq!(s.entries[0].person_id, "alex");
        assert!(s.entries[0].me && !s.entries[1].me, "{:?}", s.entries);
        assert_eq!(s.entries[0].rotation.as_deref(), Some("Primary"));
        assert_eq!(s.entries[1].person_id, "sam");
        let s = team.on_call_status(t(7 * 86_400), &Roster::default());
        assert!(!s.me_on_call, "kim has the rotation in week two");
    }
}
