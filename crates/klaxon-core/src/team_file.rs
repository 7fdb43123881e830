//! The team file (TOML): people, rotations, escalation policies and the local intake.
//! Parsing is pure; errors carry the 1-based line they refer to.

use crate::duration;
use crate::{
    ConfigError, EscalationLevel, EscalationPolicy, PagerSettings, Person, QuietHours, Rotation, Secret, Severity,
    ShadowTarget, Target, Team, Urgency, UrgencyRule,
};
use chrono::{DateTime, NaiveTime, Utc};
use serde::Deserialize;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::Duration;
use toml::Spanned;

/// Default intake address: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9797";

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
}

/// A parsed and validated team file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamFile {
    pub team: Team,
    pub intake: IntakeSettings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    me: Spanned<String>,
    #[serde(default)]
    people: Vec<RawPerson>,
    #[serde(default)]
    rotations: Vec<RawRotation>,
    #[serde(default)]
    escalation_policies: Vec<RawPolicy>,
    default_escalation_policy: Option<Spanned<String>>,
    #[serde(default)]
    intake: RawIntake,
    #[serde(default)]
    pager: RawPager,
    #[serde(default)]
    shadow: RawShadow,
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
struct RawRotation {
    id: Spanned<String>,
    name: Option<String>,
    start: Spanned<toml::Value>,
    #[serde(default = "one_week", deserialize_with = "duration::deserialize")]
    shift_length: Duration,
    participants: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    id: Spanned<String>,
    name: Option<String>,
    #[serde(default)]
    repeat: u32,
    levels: Spanned<Vec<RawLevel>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    #[serde(deserialize_with = "duration::deserialize")]
    delay: Duration,
    targets: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawIntake {
    enabled: Option<bool>,
    listen: Option<Spanned<String>>,
    token: Option<Secret>,
    #[serde(default)]
    alertmanager_grouping: Grouping,
}

fn one_week() -> Duration {
    Duration::from_secs(7 * 86_400)
}

/// Parses and validates a team file's text.
pub fn parse(text: &str) -> Result<TeamFile, ConfigError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        ConfigError::at(text, offset, e.message().trim_end().to_owned())
    })?;
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

        let mut rotation_ids = HashSet::new();
        let mut rotations = Vec::new();
        for r in &raw.rotations {
            self.unique(&mut rotation_ids, &r.id, "rotation")?;
            rotations.push(self.rotation(r, &person_ids)?);
        }

        let mut policy_ids = HashSet::new();
        let mut policies = Vec::new();
        for p in &raw.escalation_policies {
            self.unique(&mut policy_ids, &p.id, "escalation policy")?;
            policies.push(self.policy(p, &person_ids, &rotation_ids)?);
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
        let intake = IntakeSettings {
            enabled: raw.intake.enabled.unwrap_or(true),
            listen,
            token: raw.intake.token.filter(|t| !t.expose().is_empty()),
            grouping: raw.intake.alertmanager_grouping,
        };
        let pager = self.pager(&raw.pager)?;
        let mut team_so_far = Team {
            me: raw.me.get_ref().clone(),
            people,
            rotations,
            policies,
            default_policy,
            pager,
            shadow: Vec::new(),
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
        Ok(TeamFile { team, intake })
    }

    fn pager(&self, raw: &RawPager) -> Result<PagerSettings, ConfigError> {
        let mut settings = PagerSettings::default();
        if let Some(text) = &raw.realert_after {
            settings.realert_after = humantime::parse_duration(text.get_ref()).or_else(|e| {
                self.err(text.span(), format!("invalid duration `{}`: {e} (try \"60s\", \"2m\")", text.get_ref()))
            })?;
            if settings.realert_after.as_secs() < 5 {
                return self.err(text.span(), "`realert_after` must be at least 5 seconds");
            }
        }
        settings.realert_limit = raw.realert_limit.filter(|n| *n > 0);
        if let Some(q) = &raw.quiet_hours {
            let time = |t: &Spanned<String>| {
                NaiveTime::parse_from_str(t.get_ref(), "%H:%M").or_else(|_| {
                    self.err(t.span(), format!("invalid time `{}` (expected HH:MM, e.g. \"22:00\")", t.get_ref()))
                })
            };
            settings.quiet_hours = Some(QuietHours { start: time(&q.start)?, end: time(&q.end)? });
        }
        for rule in &raw.urgency {
            let urgency = Urgency::from_label(rule.urgency.get_ref())
                .or_else(|e| self.err(rule.urgency.span(), e.to_string()))?;
            let mut severities = Vec::new();
            for s in &rule.severities {
                severities.push(Severity::from_label(s.get_ref()).or_else(|e| self.err(s.span(), e.to_string()))?);
            }
            settings.urgency_rules.push(UrgencyRule {
                account: rule.account.clone(),
                service: rule.service.clone(),
                severities,
                urgency,
            });
        }
        Ok(settings)
    }

    fn rotation(&self, r: &RawRotation, people: &HashSet<&str>) -> Result<Rotation, ConfigError> {
        let start_text = match r.start.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d) => d.to_string(),
            _ => {
                return self.err(r.start.span(), "`start` must be a date-time like 2026-01-05T09:00:00Z");
            }
        };
        let start = DateTime::parse_from_rfc3339(&start_text).map(|d| d.with_timezone(&Utc)).or_else(|e| {
            self.err(
                r.start.span(),
                format!("invalid `start` `{start_text}`: {e} (expected e.g. 2026-01-05T09:00:00Z)"),
            )
        })?;
        if r.shift_length.as_secs() < 60 {
            return self.err(r.id.span(), "`shift_length` must be at least a minute");
        }
        if r.participants.get_ref().is_empty() {
            return self.err(r.participants.span(), format!("rotation `{}` has no participants", r.id.get_ref()));
        }
        for p in r.participants.get_ref() {
            if !people.contains(p.get_ref().as_str()) {
                return self
                    .err(p.span(), format!("unknown person `{}` in rotation `{}`", p.get_ref(), r.id.get_ref()));
            }
        }
        Ok(Rotation {
            id: r.id.get_ref().clone(),
            name: r.name.clone().unwrap_or_else(|| r.id.get_ref().clone()),
            start,
            shift_length: r.shift_length,
            participants: r.participants.get_ref().iter().map(|p| p.get_ref().clone()).collect(),
        })
    }

    fn policy(
        &self,
        p: &RawPolicy,
        people: &HashSet<&str>,
        rotations: &HashSet<&str>,
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
                    Some(("person" | "rotation", _)) | None => Target::parse(t.get_ref()),
                    Some((kind, _)) => {
                        return self
                            .err(t.span(), format!("unknown target kind `{kind}` (use person:ID or rotation:ID)"));
                    }
                };
                let known = match &target {
                    Target::Person(id) => people.contains(id.as_str()),
                    Target::Rotation(id) => rotations.contains(id.as_str()),
                };
                if !known {
                    return self.err(t.span(), format!("unknown target `{}`", t.get_ref()));
                }
                targets.push(target);
            }
            levels.push(EscalationLevel { delay: level.delay, targets });
        }
        Ok(EscalationPolicy {
            id: p.id.get_ref().clone(),
            name: p.name.clone().unwrap_or_else(|| p.id.get_ref().clone()),
            levels,
            repeat: p.repeat,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
me = "alex"

[[people]]
id = "alex"
name = "Alex Doe"
email = "alex@example.com"

[[people]]
id = "sam"

[[rotations]]
id = "primary"
start = 2026-01-05T09:00:00Z
participants = ["alex", "sam"]

[[escalation_policies]]
id = "default"
repeat = 2
[[escalation_policies.levels]]
delay = "5m"
targets = ["rotation:primary"]
[[escalation_policies.levels]]
delay = "10m"
targets = ["person:sam"]

[intake]
listen = "127.0.0.1:19797"
token = "s3cret"
alertmanager_grouping = "group"

[pager]
realert_after = "2m"
realert_limit = 3
quiet_hours = { start = "22:30", end = "07:00" }
[[pager.urgency]]
service = "batch"
urgency = "low"
[[pager.urgency]]
account = "local"
severities = ["warning"]
urgency = "high"
"#;

    #[test]
    fn parses_a_full_file() {
        let f = parse(GOOD).unwrap();
        assert_eq!(f.team.me, "alex");
        assert_eq!(f.team.people[0].name, "Alex Doe");
        assert_eq!(f.team.people[1].name, "sam", "name defaults to id");
        assert_eq!(f.team.rotations[0].shift_length, one_week());
        assert_eq!(f.team.policies[0].levels[1].delay, Duration::from_secs(600));
        assert_eq!(f.team.policies[0].repeat, 2);
        assert_eq!(f.team.default_policy, "default");
        assert_eq!(f.intake.listen.to_string(), "127.0.0.1:19797");
        assert_eq!(f.intake.token.as_ref().map(Secret::expose), Some("s3cret"));
        assert_eq!(f.intake.grouping, Grouping::Group);
        let p = &f.team.pager;
        assert_eq!(p.realert_after, Duration::from_secs(120));
        assert_eq!(p.realert_limit, Some(3));
        let q = p.quiet_hours.unwrap();
        assert!(q.contains(NaiveTime::from_hms_opt(23, 0, 0).unwrap()));
        assert_eq!(p.urgency_for("local", Some("batch"), Severity::Sev1), Urgency::Low);
        assert_eq!(p.urgency_for("local", Some("web"), Severity::Sev3), Urgency::High);
        assert!(format!("{f:?}").contains("<redacted>") && !format!("{f:?}").contains("s3cret"));
    }

    #[test]
    fn minimal_file_gets_defaults() {
        let f = parse("me = \"me\"\n[[people]]\nid = \"me\"\n").unwrap();
        assert_eq!(f.intake.listen.to_string(), DEFAULT_LISTEN);
        assert!(f.intake.enabled);
        assert_eq!(f.intake.token, None);
        assert_eq!(f.team.policies.len(), 1, "a default policy pages me");
        assert_eq!(f.team.pager, PagerSettings::default(), "re-alert every 60 s until answered, no quiet hours");
        assert_eq!(f.team.policies[0].levels[0].targets, vec![Target::Person("me".into())]);
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            err("me = \"ghost\"\n[[people]]\nid = \"alex\"\n"),
            "1: `me` is `ghost`, but no [[people]] entry has that id"
        );
        let bad_target = GOOD.replace("person:sam", "person:nobody");
        let line = GOOD.lines().position(|l| l.contains("person:sam")).unwrap() + 1;
        assert_eq!(err(&bad_target), format!("{line}: unknown target `person:nobody`"));
        let bad_delay = GOOD.replace("\"10m\"", "\"ten minutes\"");
        let line = GOOD.lines().position(|l| l.contains("\"10m\"")).unwrap() + 1;
        let e = err(&bad_delay);
        assert!(e.starts_with(&format!("{line}: invalid duration `ten minutes`")), "{e}");
        let bad_listen = GOOD.replace("127.0.0.1:19797", "localhost");
        let line = GOOD.lines().position(|l| l.contains("listen")).unwrap() + 1;
        assert!(err(&bad_listen).starts_with(&format!("{line}: invalid listen address")));
    }

    #[test]
    fn shadow_targets_are_checked() {
        let f = parse(&format!("{GOOD}\n[shadow]\nfollow = [\"person:sam\", \"level:default:2\"]\n")).unwrap();
        assert_eq!(
            f.team.shadow,
            [ShadowTarget::Person("sam".into()), ShadowTarget::Level { policy: "default".into(), level: 2 }]
        );
        let e = err(&format!("{GOOD}\n[shadow]\nfollow = [\"person:alex\"]\n"));
        assert!(e.contains("cannot shadow `person:alex`"), "shadowing myself makes no sense: {e}");
        let e = err(&format!("{GOOD}\n[shadow]\nfollow = [\"level:default:3\"]\n"));
        assert!(e.contains("cannot shadow"), "{e}");
        let e = err(&format!("{GOOD}\n[shadow]\nfollow = [\"sam\"]\n"));
        assert!(e.contains("expected person:ID"), "{e}");
    }

    #[test]
    fn pager_errors_name_the_line() {
        let bad = GOOD.replace("\"22:30\"", "\"10pm\"");
        let line = GOOD.lines().position(|l| l.contains("quiet_hours")).unwrap() + 1;
        assert_eq!(err(&bad), format!("{line}: invalid time `10pm` (expected HH:MM, e.g. \"22:00\")"));
        let bad = GOOD.replace("urgency = \"low\"", "urgency = \"meh\"");
        let line = GOOD.lines().position(|l| l.contains("urgency = \"low\"")).unwrap() + 1;
        assert!(err(&bad).starts_with(&format!("{line}: unknown urgency `meh`")), "{}", err(&bad));
        let bad = GOOD.replace("\"2m\"", "\"1s\"");
        assert!(err(&bad).contains("at least 5 seconds"));
    }

    #[test]
    fn syntax_and_unknown_keys_are_located() {
        let e = err("me = \"a\"\n[[people]]\nid = \"a\"\nnmae = \"x\"\n");
        assert!(e.starts_with("4: unknown field `nmae`"), "{e}");
        let e = err("me = \"a\"\n\n[[people]\n");
        assert!(e.starts_with("3: "), "{e}");
        let e = err("[[people]]\nid = \"a\"\n");
        assert!(e.contains("missing field `me`"), "{e}");
    }

    #[test]
    fn rejects_duplicates_and_bad_references() {
        let e = err("me = \"a\"\n[[people]]\nid = \"a\"\n[[people]]\nid = \"a\"\n");
        assert_eq!(e, "5: duplicate person id `a`");
        let e = err(
            "me = \"a\"\n[[people]]\nid = \"a\"\n[[rotations]]\nid = \"r\"\nstart = \"2026-01-01T00:00:00Z\"\nparticipants = [\"a\", \"b\"]\n",
        );
        assert_eq!(e, "7: unknown person `b` in rotation `r`");
        let e = err("me = \"a\"\ndefault_escalation_policy = \"x\"\n[[people]]\nid = \"a\"\n");
        assert_eq!(e, "2: unknown escalation policy `x`");
        let e = err(
            "me = \"a\"\n[[people]]\nid = \"a\"\n[[rotations]]\nid = \"r\"\nstart = \"monday\"\nparticipants = [\"a\"]\n",
        );
        assert!(e.starts_with("6: invalid `start` `monday`"), "{e}");
    }
}

#[cfg(test)]
mod example_tests {
    #[test]
    fn the_shipped_example_parses() {
        let text = include_str!("../../../examples/klaxon.toml");
        let f = super::parse(text).unwrap();
        assert_eq!(f.team.me, "you");
        assert_eq!(f.team.default_policy, "default");
        assert!(f.team.on_call_status(chrono::Utc::now()).me_on_call);
        assert_eq!(f.intake.listen.to_string(), super::DEFAULT_LISTEN);
    }
}
