//! Whom an incident can be given to: the target of a reassignment, and the platform's users and
//! escalation policies a person picks it from (cached per account, searched as they type).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whom a reassigned incident goes to.
///
/// Users serialise as a bare list of ids, as they did before policies could be chosen, so
/// actions queued by an older Klaxon still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ReassignTo {
    /// These platform users.
    Users(Vec<String>),
    /// An escalation policy, from its first level (it pages whoever is on call there).
    Policy { escalation_policy: String },
}

impl ReassignTo {
    /// Why the target cannot be sent, if it cannot.
    pub fn invalid(&self) -> Option<&'static str> {
        match self {
            ReassignTo::Users(to) if to.is_empty() || to.iter().any(|t| t.trim().is_empty()) => {
                Some("reassign needs at least one user id")
            }
            ReassignTo::Policy { escalation_policy } if escalation_policy.trim().is_empty() => {
                Some("reassign needs an escalation policy id")
            }
            _ => None,
        }
    }

    /// The target as the timeline tells it, by id ("U1, U2", "escalation policy EP1").
    pub fn describe(&self) -> String {
        match self {
            ReassignTo::Users(to) => to.join(", "),
            ReassignTo::Policy { escalation_policy } => format!("escalation policy {escalation_policy}"),
        }
    }
}

/// What a responder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ResponderKind {
    User,
    EscalationPolicy,
}

/// A platform user or escalation policy an incident can be reassigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Responder {
    pub kind: ResponderKind,
    pub id: String,
    pub name: String,
    /// A second line to tell people apart (a user's email).
    pub detail: Option<String>,
}

impl Responder {
    /// Where a reassignment to this responder goes.
    pub fn target(&self) -> ReassignTo {
        match self.kind {
            ResponderKind::User => ReassignTo::Users(vec![self.id.clone()]),
            ResponderKind::EscalationPolicy => ReassignTo::Policy { escalation_policy: self.id.clone() },
        }
    }

    /// Whether every word of `query` is found (case-insensitively) in the name, detail or id.
    pub fn matches(&self, query: &str) -> bool {
        let hay = format!("{} {} {}", self.name, self.detail.as_deref().unwrap_or(""), self.id).to_lowercase();
        query.to_lowercase().split_whitespace().all(|word| hay.contains(word))
    }
}

/// An account's responders as last cached, and how fresh they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Responders {
    pub account: String,
    /// People first, then escalation policies; each by name.
    pub entries: Vec<Responder>,
    /// When the platform was last asked (None: never).
    pub fetched_at: Option<DateTime<Utc>>,
    /// Why the last refresh failed, when it did (the entries are the last good copy).
    pub error: Option<String>,
}

impl Responders {
    /// Sorts people first, then policies, each by name (then id).
    pub fn sort(&mut self) {
        self.entries
            .sort_by(|a, b| (a.kind, a.name.to_lowercase(), &a.id).cmp(&(b.kind, b.name.to_lowercase(), &b.id)));
    }

    /// Whether the cache is older than `max_age` at `now` (or was never filled).
    pub fn stale(&self, now: DateTime<Utc>, max_age: chrono::Duration) -> bool {
        self.fetched_at.is_none_or(|at| now - at > max_age || at > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, name: &str, email: &str) -> Responder {
        Responder { kind: ResponderKind::User, id: id.into(), name: name.into(), detail: Some(email.into()) }
    }

    #[test]
    fn users_read_as_the_bare_list_older_outbox_entries_hold() {
        let old: ReassignTo = serde_json::from_str(r#"["U1","U2"]"#).unwrap();
        assert_eq!(old, ReassignTo::Users(vec!["U1".into(), "U2".into()]));
        assert_eq!(serde_json::to_string(&old).unwrap(), r#"["U1","U2"]"#);
        let policy = ReassignTo::Policy { escalation_policy: "EP1".into() };
        let json = serde_json::to_string(&policy).unwrap();
        assert_eq!(json, r#"{"escalation_policy":"EP1"}"#);
        assert_eq!(serde_json::from_str::<ReassignTo>(&json).unwrap(), policy);
        assert!(serde_json::from_str::<ReassignTo>(r#"{"team":"T1"}"#).is_err());
    }

    #[test]
    fn empty_targets_are_refused() {
        assert!(ReassignTo::Users(vec![]).invalid().is_some());
        assert!(ReassignTo::Users(vec![" ".into()]).invalid().is_some());
        assert!(ReassignTo::Policy { escalation_policy: String::new() }.invalid().is_some());
        assert!(ReassignTo::Users(vec!["U1".into()]).invalid().is_none());
        assert_eq!(ReassignTo::Policy { escalation_policy: "EP1".into() }.describe(), "escalation policy EP1");
    }

    #[test]
    fn search_matches_every_word_anywhere_ignoring_case() {
        let sam = user("PSAM1", "Sam Lee", "sam@example.com");
        assert!(sam.matches(""));
        assert!(sam.matches("sam"));
        assert!(sam.matches("LEE sam"));
        assert!(sam.matches("example.com"));
        assert!(sam.matches("psam1"));
        assert!(!sam.matches("sam kim"));
        assert_eq!(sam.target(), ReassignTo::Users(vec!["PSAM1".into()]));
    }

    #[test]
    fn people_come_first_then_policies_by_name() {
        let policy =
            Responder { kind: ResponderKind::EscalationPolicy, id: "EP1".into(), name: "Appsec".into(), detail: None };
        let mut r = Responders {
            account: "pd".into(),
            entries: vec![policy.clone(), user("U2", "zoe", "z@x"), user("U1", "Adam", "a@x")],
            fetched_at: None,
            error: None,
        };
        r.sort();
        let ids: Vec<&str> = r.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["U1", "U2", "EP1"]);
        let now = DateTime::<Utc>::from_timestamp(1_000_000, 0).unwrap();
        assert!(r.stale(now, chrono::Duration::hours(1)));
        r.fetched_at = Some(now - chrono::Duration::minutes(59));
        assert!(!r.stale(now, chrono::Duration::hours(1)));
        r.fetched_at = Some(now - chrono::Duration::minutes(61));
        assert!(r.stale(now, chrono::Duration::hours(1)));
    }
}
