//! The team file (TOML): people, schedules, escalation policies, reminders, the local intake and
//! the phone.
//! Parsing is pure; errors carry the 1-based line they refer to.

use crate::{ConfigError, EscalationLevel, EscalationPolicy, Person, Secret, Severity, ShadowTarget, Target, Team};
use schedules::{Known, RawLayer, RawReminders, RawSchedule};
use serde::Deserialize;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::Duration;
use toml::Spanned;

/// Default intake address: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9797";
/// Default severity of a firing Alertmanager alert whose `severity` label is missing or unknown:
/// a pager errs loud.
pub const DEFAULT_UNKNOWN_SEVERITY: Severity = Severity::Sev2;
/// The shortest escalation delay: anything shorter pages a whole team within seconds.
pub const MIN_ESCALATION_DELAY: Duration = Duration::from_secs(60);
/// The most extra passes through an escalation policy's levels.
pub const MAX_REPEAT: u32 = 9;

/// How Alertmanager alerts become incidents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grouping {
    /// One incident per alert fingerprint.
    #[default]
    Alert,
    /// One incident per Alertmanager group (`groupKey`).
    Group,
}

/// Settings of the local alert intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeSettings {
    pub enabled: bool,
    pub listen: SocketAddr,
    /// Bearer token from the file; `None` means keep one in the OS keyring.
    pub token: Option<Secret>,
    pub grouping: Grouping,
    /// Severity of firing Alertmanager alerts whose `severity` label is missing or unknown.
    pub unknown_severity: Severity,
    /// `listen` may be a non-loopback address (said explicitly with `allow_remote = true`).
    pub allow_remote: bool,
}

impl IntakeSettings {
    /// Whether the intake listens beyond this machine (anything but a loopback address).
    pub fn is_remote(&self) -> bool {
        !self.listen.ip().is_loopback()
    }
}

/// A parsed and validated team file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamFile {
    pub team: Team,
    pub intake: IntakeSettings,
    /// Where pages go to the phone (`[phone]`), if set in the file.
    pub phone: Option<crate::phone::PhoneSettings>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    me: Spanned<String>,
    #[serde(default)]
    people: Vec<RawPerson>,
    #[serde(default)]
    rotations: Vec<RawLayer>,
    #[serde(default)]
    schedules: Vec<RawSchedule>,
    #[serde(default)]
    reminders: RawReminders,
    #[serde(default)]
    escalation_policies: Vec<RawPolicy>,
    default_escalation_policy: Option<Spanned<String>>,
    #[serde(default)]
    intake: RawIntake,
    #[serde(default)]
    pager: RawPager,
    #[serde(default)]
    shadow: RawShadow,
    phone: Option<phone::RawPhone>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawShadow {
    #[serde(default)]
    follow: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPager {
    realert_after: Option<Spanned<String>>,
    realert_limit: Option<u32>,
    quiet_hours: Option<RawQuietHours>,
    #[serde(default)]
    urgency: Vec<RawUrgencyRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuietHours {
    start: Spanned<String>,
    end: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUrgencyRule {
    account: Option<String>,
    service: Option<String>,
    #[serde(default)]
    severities: Vec<Spanned<String>>,
    urgency: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    id: Spanned<String>,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    chat: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    id: Spanned<String>,
    name: Option<String>,
    repeat: Option<Spanned<u32>>,
    levels: Spanned<Vec<RawLevel>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    delay: Spanned<String>,
    targets: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawIntake {
    enabled: Option<bool>,
    listen: Option<Spanned<String>>,
    token: Option<Spanned<Secret>>,
    #[serde(default)]
    alertmanager_grouping: Grouping,
    unknown_severity: Option<Spanned<String>>,
    #[serde(default)]
    allow_remote: bool,
}

/// Parses and validates a team file's text.
pub fn parse(text: &str) -> Result<TeamFile, ConfigError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| ConfigError::toml(text, &e))?;
    Validator { text }.build(raw)
}

struct Validator<'a> {
    text: &'a str,
}

impl Validator<'_> {
    fn err<T>(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> Result<T, ConfigError> {
        Err(ConfigError::at(self.text, span.start, message))
    }

    fn unique<'s>(&self, seen: &mut HashSet<&'s str>, id: &'s Spanned<String>, what: &str) -> Result<(), ConfigError> {
        if id.get_ref().is_empty() {
            return self.err(id.span(), format!("{what} id must not be empty"));
        }
        if !seen.insert(id.get_ref()) {
            return self.err(id.span(), format!("duplicate {what} id `{}`", id.get_ref()));
        }
        Ok(())
    }

    fn build(&self, raw: RawFile) -> Result<TeamFile, ConfigError> {
        let mut person_ids = HashSet::new();
        for p in &raw.people {
            self.unique(&mut person_ids, &p.id, "person")?;
        }
        if !person_ids.contains(raw.me.get_ref().as_str()) {
            return self
                .err(raw.me.span(), format!("`me` is `{}`, but no [[people]] entry has that id", raw.me.get_ref()));
        }
        let people = raw
            .people
            .iter()
            .map(|p| Person {
                id: p.id.get_ref().clone(),
                name: p.name.clone().unwrap_or_else(|| p.id.get_ref().clone()),
                email: p.email.clone(),
                phone: p.phone.clone(),
                chat: p.chat.clone(),
            })
            .collect();

        let known = Known { people: &person_ids, me: raw.me.get_ref() };
        let mut schedule_ids = HashSet::new();
        let mut schedules = Vec::new();
        for r in &raw.rotations {
            self.unique(&mut schedule_ids, &r.id, "schedule or rotation")?;
            schedules.push(self.rotation(r, &known)?);
        }
        for s in &raw.schedules {
            self.unique(&mut schedule_ids, &s.id, "schedule or rotation")?;
            schedules.push(self.schedule(s, &known)?);
        }

        let mut policy_ids = HashSet::new();
        let mut policies = Vec::new();
        for p in &raw.escalation_policies {
            self.unique(&mut policy_ids, &p.id, "escalation policy")?;
            policies.push(self.policy(p, &person_ids, &schedules)?);
        }
        if policies.is_empty() {
            policies.push(EscalationPolicy {
                id: "default".into(),
                name: "Default".into(),
                levels: vec![EscalationLevel {
                    delay: Duration::from_secs(300),
                    targets: vec![Target::Person(raw.me.get_ref().clone())],
                }],
                repeat: 0,
            });
        }
        let default_policy = match &raw.default_escalation_policy {
            Some(id) if !policies.iter().any(|p| &p.id == id.get_ref()) => {
                return self.err(id.span(), format!("unknown escalation policy `{}`", id.get_ref()));
            }
            Some(id) => id.get_ref().clone(),
            None => policies[0].id.clone(),
        };

        let listen = match &raw.intake.listen {
            Some(l) => l.get_ref().parse().or_else(|e| {
                self.err(
                    l.span(),
                    format!("invalid listen address `{}`: {e} (expected e.g. \"{DEFAULT_LISTEN}\")", l.get_ref()),
                )
            })?,
            None => DEFAULT_LISTEN.parse().map_err(|_| ConfigError::at(self.text, 0, "bad default listen address"))?,
        };
        let intake = self.intake(raw.intake, listen)?;
        let pager = self.pager(&raw.pager)?;
        let phone = raw.phone.as_ref().map(|p| self.phone(p)).transpose()?;
        let reminders = self.reminders(&raw.reminders)?;
        let mut team_so_far = Team {
            me: raw.me.get_ref().clone(),
            people,
            schedules,
            policies,
            default_policy,
            pager,
            shadow: Vec::new(),
            reminders,
        };
        let mut shadow = Vec::new();
        for f in &raw.shadow.follow {
            let target = ShadowTarget::parse(f.get_ref()).or_else(|e| self.err(f.span(), e))?;
            if let Err(message) = team_so_far.check_shadow_target(&target) {
                return self.err(f.span(), message);
            }
            shadow.push(target);
        }
        team_so_far.shadow = shadow;
        let team = team_so_far;
        Ok(TeamFile { team, intake, phone })
    }

    fn policy(
        &self,
        p: &RawPolicy,
        people: &HashSet<&str>,
        schedules: &[crate::Schedule],
    ) -> Result<EscalationPolicy, ConfigError> {
        if p.levels.get_ref().is_empty() {
            return self.err(p.levels.span(), format!("escalation policy `{}` has no levels", p.id.get_ref()));
        }
        let mut levels = Vec::new();
        for level in p.levels.get_ref() {
            if level.targets.get_ref().is_empty() {
                return self.err(level.targets.span(), "an escalation level needs at least one target");
            }
            let mut targets = Vec::new();
            for t in level.targets.get_ref() {
                let target = match t.get_ref().split_once(':') {
                    Some(("person" | "rotation" | "schedule", _)) | None => Target::parse(t.get_ref()),
                    Some((kind, _)) => {
                        return self.err(
                            t.span(),
                            format!("unknown target kind `{kind}` (use person:ID, schedule:ID or schedule:ID:LAYER)"),
                        );
                    }
                };
                let known = match &target {
                    Target::Person(id) => people.contains(id.as_str()),
                    Target::Schedule { id, layer } => schedules
                        .iter()
                        .find(|s| &s.id == id)
                        .is_some_and(|s| layer.as_deref().is_none_or(|l| s.layer(l).is_some())),
                };
                if !known {
                    return self.err(t.span(), format!("unknown target `{}`", t.get_ref()));
                }
                targets.push(target);
            }
            let delay = humantime::parse_duration(level.delay.get_ref()).or_else(|e| {
                self.err(
                    level.delay.span(),
                    format!("invalid duration `{}`: {e} (try \"30s\", \"5m\", \"1w\")", level.delay.get_ref()),
                )
            })?;
            if delay < MIN_ESCALATION_DELAY {
                return self.err(
                    level.delay.span(),
                    format!("escalation `delay` must be at least 1 minute (got `{}`)", level.delay.get_ref()),
                );
            }
            levels.push(EscalationLevel { delay, targets });
        }
        let repeat = match &p.repeat {
            Some(r) if *r.get_ref() > MAX_REPEAT => {
                return self.err(r.span(), format!("`repeat` must be at most {MAX_REPEAT} (got {})", r.get_ref()));
            }
            Some(r) => *r.get_ref(),
            None => 0,
        };
        Ok(EscalationPolicy {
            id: p.id.get_ref().clone(),
            name: p.name.clone().unwrap_or_else(|| p.id.get_ref().clone()),
            levels,
            repeat,
        })
    }
}

mod phone;
#[cfg(test)]
mod schedule_tests;
mod schedules;
mod sections;
#[cfg(test)]
mod tests;

#[cfg(test)]
mod example_tests {
    #[test]
    fn the_shipped_example_parses() {
        let text = include_str!("../../../examples/klaxon.toml");
        let f = super::parse(text).unwrap();
        assert_eq!(f.team.me, "you");
        assert_eq!(f.team.default_policy, "default");
        assert!(f.team.on_call_status(chrono::Utc::now(), &crate::Roster::default()).me_on_call);
        assert_eq!(f.intake.listen.to_string(), super::DEFAULT_LISTEN);
    }
}
