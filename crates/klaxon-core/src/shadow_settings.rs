//! Whom a shadow can follow in a team, checked and labelled for people: the team file's
//! `[shadow]` list and the app's Shadowing settings share these rules.

use crate::{ShadowTarget, Team};
use serde::{Deserialize, Serialize};

/// One thing a shadow can follow, with a label for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShadowChoice {
    /// `person:ID`, `rotation:ID` or `level:POLICY:N`.
    pub target: String,
    pub label: String,
}

/// Where the list of whom I follow comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ShadowSource {
    /// The team file's `[shadow] follow`.
    TeamFile,
    /// Chosen in the app (or `klaxon shadow follow`); replaces the team file's list.
    App,
}

/// Whom I follow, from where, and whom I could follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShadowSettings {
    pub follow: Vec<ShadowChoice>,
    pub source: ShadowSource,
    pub choices: Vec<ShadowChoice>,
}

impl Team {
    /// Whether `target` names someone (other than me), a rotation or a level of this team.
    pub fn check_shadow_target(&self, target: &ShadowTarget) -> Result<(), String> {
        let known = match target {
            ShadowTarget::Person(id) => id != &self.me && self.people.iter().any(|p| &p.id == id),
            ShadowTarget::Rotation(id) => self.schedule(id).is_some(),
            ShadowTarget::Level { policy, level } => self
                .policies
                .iter()
                .any(|p| &p.id == policy && usize::try_from(*level).is_ok_and(|l| l <= p.levels.len())),
        };
        if known {
            Ok(())
        } else {
            Err(format!("cannot shadow `{target}`: no such person (other than me), rotation or level"))
        }
    }

    /// Parses and checks targets as text (`person:sam`, ...), naming the first bad one.
    pub fn parse_shadow_targets(&self, texts: &[String]) -> Result<Vec<ShadowTarget>, String> {
        let mut out: Vec<ShadowTarget> = Vec::with_capacity(texts.len());
        for text in texts {
            let target = ShadowTarget::parse(text.trim())?;
            self.check_shadow_target(&target)?;
            if !out.contains(&target) {
                out.push(target);
            }
        }
        Ok(out)
    }

    /// A label for people: a person's name, a rotation's, a level of a policy.
    pub fn shadow_label(&self, target: &ShadowTarget) -> String {
        match target {
            ShadowTarget::Person(id) => self.people.iter().find(|p| &p.id == id).map_or(id.clone(), |p| p.name.clone()),
            ShadowTarget::Rotation(id) => {
                let name = self.schedule(id).map_or(id.as_str(), |r| r.name.as_str());
                format!("Whoever is on call in {name}")
            }
            ShadowTarget::Level { policy, level } => {
                let name = self.policies.iter().find(|p| &p.id == policy).map_or(policy.as_str(), |p| p.name.as_str());
                format!("Level {level} of {name}")
            }
        }
    }

    /// Everyone and everything I could follow: people (not me), schedules, policy levels.
    pub fn shadow_choices(&self) -> Vec<ShadowChoice> {
        let people = self.people.iter().filter(|p| p.id != self.me).map(|p| ShadowTarget::Person(p.id.clone()));
        let rotations = self.schedules.iter().map(|r| ShadowTarget::Rotation(r.id.clone()));
        let levels = self
            .policies
            .iter()
            .flat_map(|p| (1..=p.levels.len()).map(|l| ShadowTarget::Level { policy: p.id.clone(), level: l as u32 }));
        people.chain(rotations).chain(levels).map(|t| self.shadow_choice(&t)).collect()
    }

    /// `target` with its label.
    pub fn shadow_choice(&self, target: &ShadowTarget) -> ShadowChoice {
        ShadowChoice { target: target.to_string(), label: self.shadow_label(target) }
    }
}

#[cfg(test)]
mod tests {
    use crate::team::tests::team;

    #[test]
    fn targets_are_checked_against_the_team_and_labelled() {
        let t = team();
        let parsed = t.parse_shadow_targets(&["person:sam".into(), " person:sam ".into()]).unwrap();
        assert_eq!(parsed.len(), 1, "duplicates collapse");
        let me = t.parse_shadow_targets(&[format!("person:{}", t.me)]).unwrap_err();
        assert!(me.contains("no such person (other than me)"), "{me}");
        assert!(t.parse_shadow_targets(&["person:nobody".into()]).is_err());
        assert!(t.parse_shadow_targets(&["rotation:nope".into()]).is_err());
        assert!(t.parse_shadow_targets(&["bogus".into()]).unwrap_err().contains("expected person:ID"));
        let choices = t.shadow_choices();
        assert!(choices.iter().all(|c| c.target != format!("person:{}", t.me)), "not me");
        for c in &choices {
            assert!(t.parse_shadow_targets(std::slice::from_ref(&c.target)).is_ok(), "{c:?} is followable");
            assert!(!c.label.is_empty());
        }
        let levels = choices.iter().filter(|c| c.target.starts_with("level:")).count();
        assert_eq!(levels, t.policies.iter().map(|p| p.levels.len()).sum::<usize>());
    }
}
