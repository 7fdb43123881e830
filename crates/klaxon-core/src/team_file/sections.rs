//! The team file's `[intake]` and `[pager]` sections.

use super::{DEFAULT_UNKNOWN_SEVERITY, IntakeSettings, RawIntake, RawPager, Validator};
use crate::{ConfigError, PagerSettings, QuietHours, Severity, Urgency, UrgencyRule};
use chrono::NaiveTime;
use std::net::SocketAddr;
use toml::Spanned;

impl Validator<'_> {
    pub(super) fn intake(&self, raw: RawIntake, listen: SocketAddr) -> Result<IntakeSettings, ConfigError> {
        if !listen.ip().is_loopback() && !raw.allow_remote {
            let span = raw.listen.as_ref().map_or(0..0, Spanned::span);
            return self.err(
                span,
                format!(
                    "`listen = \"{listen}\"` accepts alerts from other machines; add `allow_remote = true` \
                     under [intake] if that is meant (or listen on 127.0.0.1)"
                ),
            );
        }
        let token = match raw.token {
            Some(t) if t.get_ref().expose().trim().is_empty() => {
                return self.err(t.span(), "`token` is blank; remove it to have Klaxon generate one, or set a token");
            }
            Some(t) => Some(t.into_inner()),
            None => None,
        };
        let unknown_severity = match &raw.unknown_severity {
            Some(s) => Severity::from_label(s.get_ref()).or_else(|e| self.err(s.span(), e.to_string()))?,
            None => DEFAULT_UNKNOWN_SEVERITY,
        };
        Ok(IntakeSettings {
            enabled: raw.enabled.unwrap_or(true),
            listen,
            token,
            grouping: raw.alertmanager_grouping,
            unknown_severity,
            allow_remote: raw.allow_remote,
        })
    }

    pub(super) fn pager(&self, raw: &RawPager) -> Result<PagerSettings, ConfigError> {
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
}
