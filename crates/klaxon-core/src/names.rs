//! People by name: the ids an incident carries (assignees, who did what) as the user reads them,
//! with the user themself as "you". Incidents of the `local` account name the team file's people;
//! a platform account's incidents name the people its sync cached (on call, shifts, the account's
//! own user). An id nobody named stays the id.
//!
//! The dashboard list and the detail carry [`IncidentRow`]s and [`LogLine`]s: the incident (or log
//! entry) itself, flattened, plus the names, so every field an [`Incident`] had is still there.

use crate::{Incident, IncidentStatus, LogEntry, LogKind, Team};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::Deref;

/// What the user is called where a person is named.
pub const YOU: &str = "you";

/// The actor of what Klaxon itself did (e.g. its escalation timer).
const KLAXON: &str = "klaxon";

/// A person as the user reads them: their name, or "you".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonRef {
    /// The id on the incident's account.
    pub id: String,
    /// "you" for me, else the name known for `id`, else `id` itself.
    pub name: String,
    /// Whether this is me (on that account).
    pub me: bool,
}

/// An incident with the names that go with it, as the dashboard lists it. Serialised flat: the
/// incident's own fields plus `mine` and `assigned_to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentRow {
    #[serde(flatten)]
    pub incident: Incident,
    /// Open (triggered or acknowledged) and assigned to me on its account.
    pub mine: bool,
    /// `incident.assignees`, by name, in the same order.
    pub assigned_to: Vec<PersonRef>,
    /// `incident.escalation_policy`, by name (its id when no name is known).
    pub policy_name: Option<String>,
}

impl Deref for IncidentRow {
    type Target = Incident;

    fn deref(&self) -> &Incident {
        &self.incident
    }
}

/// A timeline entry with who did it, by name. Serialised flat: the entry's fields plus `by`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogLine {
    #[serde(flatten)]
    pub entry: LogEntry,
    /// `entry.actor`, by name.
    pub by: Option<PersonRef>,
    /// The line as the user reads it: the message with its "by <id>" (or "by <name>") saying
    /// who by name ("by you"), or, when the message does not say who, followed by " — <name>".
    pub said: String,
}

impl Deref for LogLine {
    type Target = LogEntry;

    fn deref(&self) -> &LogEntry {
        &self.entry
    }
}

/// Who is who on one account: my id there and the names known for its ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    me: Option<String>,
    names: HashMap<String, String>,
}

impl Names {
    /// Names from `(id, name)` pairs, with my id on the account (`None`: unknown, so nobody is me).
    pub fn new(me: Option<String>, known: impl IntoIterator<Item = (String, String)>) -> Self {
        let names = known.into_iter().filter(|(_, name)| !name.trim().is_empty()).collect();
        Self { me: me.filter(|m| !m.is_empty()), names }
    }

    /// The team file's people and escalation policies, and its `me` (for the `local` account).
    pub fn of_team(team: &Team) -> Self {
        let people = team.people.iter().map(|p| (p.id.clone(), p.name.clone()));
        let policies = team.policies.iter().map(|p| (p.id.clone(), p.name.clone()));
        Self::new(Some(team.me.clone()), policies.chain(people))
    }

    /// Whether `id` is me.
    pub fn is_me(&self, id: &str) -> bool {
        self.me.as_deref() == Some(id)
    }

    /// `id` as the user reads it.
    pub fn person(&self, id: &str) -> PersonRef {
        let me = self.is_me(id);
        let name = if me { YOU.to_owned() } else { self.names.get(id).cloned().unwrap_or_else(|| id.to_owned()) };
        PersonRef { id: id.to_owned(), name, me }
    }

    /// Whether `incident` is open and assigned to me.
    pub fn mine(&self, incident: &Incident) -> bool {
        matches!(incident.status, IncidentStatus::Triggered | IncidentStatus::Acknowledged)
            && incident.assignees.iter().any(|a| self.is_me(a))
    }

    /// `incident` with its names.
    pub fn row(&self, incident: Incident) -> IncidentRow {
        let assigned_to = incident.assignees.iter().map(|a| self.person(a)).collect();
        let policy_name = incident.escalation_policy.as_ref().map(|p| self.names.get(p).unwrap_or(p).clone());
        IncidentRow { mine: self.mine(&incident), assigned_to, policy_name, incident }
    }

    /// `entry` with who did it, by name.
    pub fn line(&self, entry: LogEntry) -> LogLine {
        let by = entry.actor.as_deref().map(|a| self.person(a));
        let said = match &by {
            None => entry.message.clone(),
            Some(p) => {
                let known = self.names.get(&p.id).filter(|n| **n != p.id);
                let says = [Some(&p.id), known].into_iter().flatten().map(|w| format!("by {w}")).find(|w| {
                    entry.message.match_indices(w.as_str()).any(|(at, _)| {
                        let rest = &entry.message[at + w.len()..];
                        !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    })
                });
                match says {
                    Some(w) => entry.message.replacen(&w, &format!("by {}", p.name), 1),
                    // Klaxon's own doings (its escalation timer) say so in their message.
                    None if p.id == KLAXON => entry.message.clone(),
                    None => format!("{} — {}", entry.message, p.name),
                }
            }
        };
        let said = if entry.kind == LogKind::Reassigned { self.reassigned_to(&said) } else { said };
        LogLine { by, said, entry }
    }

    /// Klaxon's own "Reassigned to U1, U2 by …" (or "… to escalation policy EP1 by …") with the
    /// targets by name.
    fn reassigned_to(&self, said: &str) -> String {
        const TO: &str = "Reassigned to ";
        const POLICY: &str = "escalation policy ";
        let Some(rest) = said.strip_prefix(TO) else { return said.to_owned() };
        let (targets, tail) = rest.rfind(" by ").map_or((rest, ""), |at| rest.split_at(at));
        let named = if let Some(policy) = targets.strip_prefix(POLICY) {
            format!("{POLICY}{}", self.names.get(policy).map_or(policy, String::as_str))
        } else {
            targets.split(", ").map(|id| self.person(id).name).collect::<Vec<_>>().join(", ")
        };
        format!("{TO}{named}{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::incident::tests::{sample, t};

    fn local() -> Names {
        Names::new(Some("U_ME".into()), [("U_ME".into(), "Alex Kim".into()), ("S_SAM".into(), "Sam Lee".into())])
    }

    #[test]
    fn names_people_and_me_as_you() {
        let n = local();
        assert_eq!(n.person("S_SAM"), PersonRef { id: "S_SAM".into(), name: "Sam Lee".into(), me: false });
        assert_eq!(n.person("U_ME"), PersonRef { id: "U_ME".into(), name: "you".into(), me: true });
        assert_eq!(n.person("EP1").name, "EP1", "an unknown id stays the id");
    }

    #[test]
    fn mine_is_open_and_assigned_to_me() {
        let n = local();
        let mut i = sample(1);
        i.assignees = vec!["S_SAM".into(), "U_ME".into()];
        let row = n.row(i.clone());
        assert!(row.mine);
        let names: Vec<&str> = row.assigned_to.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Sam Lee", "you"]);
        assert_eq!(row.title, i.title, "the row reads like the incident");

        i.acknowledge(t(1), "U_ME").unwrap();
        assert!(n.mine(&i), "acknowledged and still mine");
        i.assignees = vec!["S_SAM".into()];
        assert!(!n.mine(&i), "escalated away");
        i.assignees = vec!["U_ME".into()];
        i.resolve(t(2), "U_ME").unwrap();
        assert!(!n.mine(&i), "resolved is nobody's");
    }

    #[test]
    fn a_platform_account_without_a_known_me_has_nothing_mine() {
        let n = Names::new(None, [("PXYZ".into(), "Dana Platform".into())]);
        let mut i = sample(1);
        i.assignees = vec!["PXYZ".into(), String::new()];
        let row = n.row(i);
        assert!(!row.mine);
        assert_eq!(row.assigned_to[0].name, "Dana Platform");
        assert!(!Names::new(Some(String::new()), []).is_me(""), "an empty id is nobody");
    }

    #[test]
    fn log_lines_name_who_did_it() {
        let n = local();
        let line = n.line(LogEntry::new(t(0), LogKind::Acknowledged, "Acknowledged by U_ME", Some("U_ME")));
        assert_eq!(line.by.as_ref().map(|p| p.name.as_str()), Some("you"));
        assert_eq!(line.said, "Acknowledged by you");
        let by_name =
            n.line(LogEntry::new(t(0), LogKind::Escalated, "Escalated to level 2 (Sam Lee) by Alex Kim", Some("U_ME")));
        assert_eq!(by_name.said, "Escalated to level 2 (Sam Lee) by you");
        let sam = n.line(LogEntry::new(t(0), LogKind::Resolved, "Resolved by S_SAM", Some("S_SAM")));
        assert_eq!(sam.said, "Resolved by Sam Lee");
        let silent = n.line(LogEntry::new(t(0), LogKind::Note, "Looking into it", Some("S_SAM")));
        assert_eq!(silent.said, "Looking into it — Sam Lee");
        let prefix = n.line(LogEntry::new(t(0), LogKind::Note, "Paged by S_SAMMY", Some("S_SAM")));
        assert_eq!(prefix.said, "Paged by S_SAMMY — Sam Lee", "an id is replaced whole, not inside another");
        let timer = n.line(LogEntry::new(t(0), LogKind::Escalated, "Escalated after its delay", Some("klaxon")));
        assert_eq!((timer.by.unwrap().name.as_str(), timer.said.as_str()), ("klaxon", "Escalated after its delay"));
        let moved = n.line(LogEntry::new(t(0), LogKind::Reassigned, "Reassigned to S_SAM, U_X by U_ME", Some("U_ME")));
        assert_eq!(moved.said, "Reassigned to Sam Lee, U_X by you");
        let to_me = n.line(LogEntry::new(t(0), LogKind::Reassigned, "Reassigned to U_ME by S_SAM", Some("S_SAM")));
        assert_eq!(to_me.said, "Reassigned to you by Sam Lee");
        let named = Names::new(None, [("EP1".to_owned(), "Database".to_owned())]);
        let policy =
            named.line(LogEntry::new(t(0), LogKind::Reassigned, "Reassigned to escalation policy EP1 by U9", None));
        assert_eq!(policy.said, "Reassigned to escalation policy Database by U9");
        let nobody = n.line(LogEntry::new(t(0), LogKind::Note, "x", None));
        assert_eq!((nobody.by, nobody.said.as_str()), (None, "x"));
    }

    #[test]
    fn rows_serialise_flat() {
        let row = local().row(sample(7));
        let json = serde_json::to_value(&row).unwrap();
        assert_eq!(json["title"], "Disk full");
        assert_eq!(json["mine"], false);
        assert_eq!(json["assigned_to"][0]["name"], "alex");
        let back: IncidentRow = serde_json::from_value(json).unwrap();
        assert_eq!(back, row);
        let mut on_policy = sample(8);
        on_policy.escalation_policy = Some("EP1".into());
        let named = Names::new(None, [("EP1".to_owned(), "Database".to_owned())]);
        assert_eq!(named.row(on_policy.clone()).policy_name.as_deref(), Some("Database"));
        assert_eq!(local().row(on_policy).policy_name.as_deref(), Some("EP1"), "unknown: the id");
    }
}
