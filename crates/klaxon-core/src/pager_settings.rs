//! How the pager behaves: urgency rules, re-alerts, quiet hours (the team file's `[pager]`).

use crate::{Severity, Urgency};
use chrono::NaiveTime;
use std::time::Duration;

/// Quiet hours in the user's local time; may wrap past midnight (22:00–07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietHours {
    /// Whether `t` (local time) falls in the quiet window (start inclusive, end exclusive).
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end { t >= self.start && t < self.end } else { t >= self.start || t < self.end }
    }
}

/// Overrides the severity → urgency default for matching incidents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgencyRule {
    /// Matches this account only (`local`, or an account name); `None` matches all.
    pub account: Option<String>,
    /// Matches this service only; `None` matches all.
    pub service: Option<String>,
    /// Matches these severities only; empty matches all.
    pub severities: Vec<Severity>,
    pub urgency: Urgency,
}

impl UrgencyRule {
    fn matches(&self, account: &str, service: Option<&str>, severity: Severity) -> bool {
        self.account.as_deref().is_none_or(|a| a == account)
            && self.service.as_deref().is_none_or(|s| Some(s) == service)
            && (self.severities.is_empty() || self.severities.contains(&severity))
    }
}

/// Pager behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagerSettings {
    /// A loud page unanswered this long is notified again (and keeps ringing).
    pub realert_after: Duration,
    /// How many re-alerts at most; `None`: until answered.
    pub realert_limit: Option<u32>,
    /// Low-urgency notifications wait until these hours end.
    pub quiet_hours: Option<QuietHours>,
    /// First matching rule wins; otherwise Sev1/Sev2 are high urgency.
    pub urgency_rules: Vec<UrgencyRule>,
}

impl Default for PagerSettings {
    fn default() -> Self {
        Self {
            realert_after: Duration::from_secs(60),
            realert_limit: None,
            quiet_hours: None,
            urgency_rules: Vec::new(),
        }
    }
}

impl PagerSettings {
    /// The urgency for an incident that states none itself.
    pub fn urgency_for(&self, account: &str, service: Option<&str>, severity: Severity) -> Urgency {
        self.urgency_rules
            .iter()
            .find(|r| r.matches(account, service, severity))
            .map_or_else(|| severity.default_urgency(), |r| r.urgency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn quiet_hours_wrap_midnight() {
        let q = QuietHours { start: hm(22, 0), end: hm(7, 0) };
        assert!(q.contains(hm(22, 0)));
        assert!(q.contains(hm(23, 59)));
        assert!(q.contains(hm(3, 0)));
        assert!(!q.contains(hm(7, 0)));
        assert!(!q.contains(hm(12, 0)));
        let day = QuietHours { start: hm(12, 0), end: hm(13, 0) };
        assert!(day.contains(hm(12, 30)));
        assert!(!day.contains(hm(13, 0)));
        assert!(!day.contains(hm(11, 59)));
    }

    #[test]
    fn urgency_defaults_to_severity_and_rules_override() {
        let mut s = PagerSettings::default();
        assert_eq!(s.urgency_for("local", Some("db"), Severity::Sev2), Urgency::High);
        assert_eq!(s.urgency_for("local", Some("db"), Severity::Sev3), Urgency::Low);
        s.urgency_rules = vec![
            UrgencyRule { account: None, service: Some("batch".into()), severities: vec![], urgency: Urgency::Low },
            UrgencyRule {
                account: Some("local".into()),
                service: None,
                severities: vec![Severity::Sev3],
                urgency: Urgency::High,
            },
        ];
        assert_eq!(s.urgency_for("local", Some("batch"), Severity::Sev1), Urgency::Low, "service rule");
        assert_eq!(s.urgency_for("local", Some("db"), Severity::Sev3), Urgency::High, "account+severity rule");
        assert_eq!(s.urgency_for("pd-work", Some("db"), Severity::Sev3), Urgency::Low, "other account: default");
        assert_eq!(s.urgency_for("local", None, Severity::Sev1), Urgency::High);
    }
}
