//! Shadowing: a new hire follows another person (or a rotation, or one level of a policy) and sees
//! their pages as soft SHADOW notifications — never counted as their own page, no obligation to
//! answer, recorded in a shadow log for the shadowing plan.

use crate::{Incident, IncidentStatus, Team};
use chrono::{DateTime, Utc};
use std::fmt;

/// Whom a shadow follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShadowTarget {
    /// A person's pages.
    Person(String),
    /// Pages of whoever a schedule (`rotation:ID` or `schedule:ID`) has on call.
    Rotation(String),
    /// Pages at one level of an escalation policy.
    Level { policy: String, level: u32 },
}

impl ShadowTarget {
    /// Parses `person:ID`, `rotation:ID`, or `level:POLICY:N`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}`: expected person:ID, rotation:ID or level:POLICY:N");
        match text.split_once(':') {
            Some(("person", id)) if !id.is_empty() => Ok(Self::Person(id.to_owned())),
            Some(("rotation" | "schedule", id)) if !id.is_empty() => Ok(Self::Rotation(id.to_owned())),
            Some(("level", rest)) => {
                let (policy, level) = rest.rsplit_once(':').ok_or_else(bad)?;
                let level: u32 = level.parse().map_err(|_| bad())?;
                if policy.is_empty() || level == 0 {
                    return Err(bad());
                }
                Ok(Self::Level { policy: policy.to_owned(), level })
            }
            _ => Err(bad()),
        }
    }

    /// Whether `incident`'s current trigger is a page for whom this follows (and not mine).
    pub fn follows(&self, incident: &Incident, team: &Team, now: DateTime<Utc>, roster: &crate::Roster) -> bool {
        if incident.status != IncidentStatus::Triggered || incident.assignees.iter().any(|a| a == &team.me) {
            return false;
        }
        match self {
            ShadowTarget::Person(id) => incident.assignees.contains(id),
            ShadowTarget::Rotation(r) => team
                .schedule(r)
                .and_then(|x| x.who(None, now, roster))
                .is_some_and(|(who, _)| incident.assignees.contains(&who)),
            ShadowTarget::Level { policy, level } => {
                incident.escalation_policy.as_deref().unwrap_or(&team.default_policy) == policy
                    && incident.escalation_level == *level
            }
        }
    }
}

impl fmt::Display for ShadowTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShadowTarget::Person(id) => write!(f, "person:{id}"),
            ShadowTarget::Rotation(id) => write!(f, "rotation:{id}"),
            ShadowTarget::Level { policy, level } => write!(f, "level:{policy}:{level}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::tests::{sample, t};
    use crate::team::tests::team;

    #[test]
    fn parses_targets() {
        assert_eq!(ShadowTarget::parse("person:sam"), Ok(ShadowTarget::Person("sam".into())));
        assert_eq!(ShadowTarget::parse("rotation:primary"), Ok(ShadowTarget::Rotation("primary".into())));
        assert_eq!(
            ShadowTarget::parse("level:default:2"),
            Ok(ShadowTarget::Level { policy: "default".into(), level: 2 })
        );
        for bad in ["sam", "person:", "level:default", "level:default:x", "level::1", "level:p:0", "team:x"] {
            assert!(ShadowTarget::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(ShadowTarget::parse("level:a:b:3").unwrap().to_string(), "level:a:b:3");
    }

    #[test]
    fn follows_a_persons_triggered_pages_but_never_mine() {
        let team = team(); // me = alex; rotation primary: alex then kim, weekly from t(0)
        let mut i = sample(1);
        i.assignees = vec!["sam".into()];
        let sam = ShadowTarget::Person("sam".into());
        assert!(sam.follows(&i, &team, t(0), &crate::Roster::default()));
        assert!(!ShadowTarget::Person("kim".into()).follows(&i, &team, t(0), &crate::Roster::default()));
        i.assignees = vec!["sam".into(), "alex".into()];
        assert!(!sam.follows(&i, &team, t(0), &crate::Roster::default()), "my own page is a page, not a shadow");
        i.assignees = vec!["sam".into()];
        i.acknowledge(t(1), "sam").unwrap();
        assert!(!sam.follows(&i, &team, t(2), &crate::Roster::default()), "answered: nothing to shadow");
    }

    #[test]
    fn follows_a_rotation_or_a_level() {
        let team = team();
        let mut i = sample(1);
        i.assignees = vec!["kim".into()];
        let primary = ShadowTarget::Rotation("primary".into());
        assert!(!primary.follows(&i, &team, t(0), &crate::Roster::default()), "week one: alex holds the rotation");
        assert!(primary.follows(&i, &team, t(7 * 86_400), &crate::Roster::default()), "week two: kim holds it");
        i.escalation_level = 2;
        assert!(ShadowTarget::Level { policy: "default".into(), level: 2 }.follows(
            &i,
            &team,
            t(0),
            &crate::Roster::default()
        ));
        assert!(!ShadowTarget::Level { policy: "default".into(), level: 1 }.follows(
            &i,
            &team,
            t(0),
            &crate::Roster::default()
        ));
        assert!(!ShadowTarget::Level { policy: "other".into(), level: 2 }.follows(
            &i,
            &team,
            t(0),
            &crate::Roster::default()
        ));
    }
}
