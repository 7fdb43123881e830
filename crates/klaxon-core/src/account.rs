//! Accounts on paging platforms, and what each platform lets a companion do.

use crate::CoreError;
use crate::action::ActionKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The account id of the embedded local intake.
pub const LOCAL_ACCOUNT: &str = "local";

/// Which platform an account is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AccountKind {
    /// The embedded intake and team file (no platform).
    Local,
    #[serde(rename = "pagerduty")]
    PagerDuty,
    GrafanaOncall,
    #[serde(rename = "goalert")]
    GoAlert,
}

impl AccountKind {
    /// Every remote platform, in the order the UI offers them.
    pub const REMOTE: [AccountKind; 3] = [AccountKind::PagerDuty, AccountKind::GrafanaOncall, AccountKind::GoAlert];

    /// The canonical label (as on the command line and in the store).
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Local => "local",
            AccountKind::PagerDuty => "pagerduty",
            AccountKind::GrafanaOncall => "grafana-oncall",
            AccountKind::GoAlert => "goalert",
        }
    }

    /// Parses the canonical label.
    pub fn parse(s: &str) -> Option<Self> {
        [AccountKind::Local, AccountKind::PagerDuty, AccountKind::GrafanaOncall, AccountKind::GoAlert]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// The platform's public API address, when it has one that fits every customer.
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            AccountKind::PagerDuty => Some("https://api.pagerduty.com"),
            AccountKind::Local | AccountKind::GrafanaOncall | AccountKind::GoAlert => None,
        }
    }

    /// The shortest poll interval that stays well inside the platform's rate limit.
    pub fn min_poll_secs(self) -> u32 {
        match self {
            // PagerDuty allows 960 REST requests a minute per user token; a sync costs a handful.
            AccountKind::PagerDuty => 10,
            // Grafana OnCall's public API allows 300 requests per 5 minutes per token; a sync
            // costs about four.
            AccountKind::GrafanaOncall => 20,
            AccountKind::GoAlert | AccountKind::Local => 5,
        }
    }

    /// Whether the platform can do `action`; if not, why (shown to the user before anything is queued).
    pub fn supports(self, action: ActionKind) -> Result<(), CoreError> {
        use ActionKind as A;
        let reason = match (self, action) {
            (AccountKind::Local, A::Acknowledge | A::Resolve | A::Escalate) => return Ok(()),
            (AccountKind::Local, _) => {
                "local incidents support acknowledge, resolve and escalate only; use a paging platform for more"
            }
            (AccountKind::PagerDuty, _) => return Ok(()),
            (AccountKind::GrafanaOncall, A::Reassign) => {
                "Grafana OnCall's API cannot reassign an alert group; page the person directly in Grafana"
            }
            (AccountKind::GrafanaOncall, _) => return Ok(()),
            (AccountKind::GoAlert, A::Acknowledge | A::Resolve | A::Escalate) => return Ok(()),
            (AccountKind::GoAlert, A::Reassign) => {
                "GoAlert alerts follow their escalation policy and cannot be reassigned"
            }
            (AccountKind::GoAlert, A::Snooze) => "GoAlert has no snooze for alerts",
            (AccountKind::GoAlert, A::Note) => "GoAlert alerts take no notes through its API",
        };
        Err(CoreError::Unsupported { kind: action, reason })
    }
}

impl fmt::Display for AccountKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One configured account and how its sync is going. The token lives in the OS keyring only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Account {
    /// The user's name for it; also its id (incidents carry it).
    pub name: String,
    pub kind: AccountKind,
    pub base_url: Option<String>,
    /// The platform's id of me (assignments to it page me).
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    /// The platform's email of me (PagerDuty's `From` header on writes).
    pub user_email: Option<String>,
    pub poll_secs: u32,
    pub created_at: DateTime<Utc>,
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Why the last sync failed, if it did (cleared by the next success).
    pub last_error: Option<String>,
}

impl Account {
    /// The keyring key holding this account's token.
    pub fn secret_key(&self) -> String {
        secret_key(&self.name)
    }
}

/// The keyring key holding the token of account `name`.
pub fn secret_key(name: &str) -> String {
    format!("account:{name}")
}

/// Checks an account name: short, and plain enough for a command line and a keyring key.
pub fn validate_account_name(name: &str) -> Result<(), CoreError> {
    let invalid = |why: String| Err(CoreError::InvalidAccountName(why));
    if name.is_empty() || name.len() > 40 {
        return invalid("account name must be 1 to 40 characters".into());
    }
    if name == LOCAL_ACCOUNT {
        return invalid(format!("`{LOCAL_ACCOUNT}` is the embedded intake's account; choose another name"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') {
        return invalid("account name may hold letters, digits, '-', '_' and '.' only".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_labels_and_serde() {
        for k in [AccountKind::Local, AccountKind::PagerDuty, AccountKind::GrafanaOncall, AccountKind::GoAlert] {
            assert_eq!(AccountKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::Value::String(k.as_str().into()));
        }
        assert_eq!(AccountKind::parse("opsgenie"), None);
    }

    #[test]
    fn unsupported_actions_carry_a_reason() {
        assert!(AccountKind::PagerDuty.supports(ActionKind::Reassign).is_ok());
        assert!(AccountKind::GoAlert.supports(ActionKind::Escalate).is_ok());
        let why = AccountKind::GoAlert.supports(ActionKind::Snooze).unwrap_err();
        assert!(why.to_string().contains("snooze"), "{why}");
        assert!(matches!(why, CoreError::Unsupported { kind: ActionKind::Snooze, .. }), "{why:?}");
        assert!(AccountKind::GrafanaOncall.supports(ActionKind::Reassign).is_err());
        assert!(AccountKind::Local.supports(ActionKind::Note).is_err());
    }

    #[test]
    fn account_names_are_checked() {
        assert!(validate_account_name("work-pd").is_ok());
        assert!(validate_account_name("").is_err());
        assert!(validate_account_name("local").is_err());
        assert!(validate_account_name("a b").is_err());
        assert!(validate_account_name(&"x".repeat(41)).is_err());
    }
}
