//! The team file's `[phone]` section: pages pushed to the phone through an ntfy server.

use super::Validator;
use crate::ConfigError;
use crate::phone::{MAX_PUSH_DELAY, PhoneSettings, normalize_server, validate_server, validate_topic};
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPhone {
    server: Spanned<String>,
    topic: Spanned<String>,
    after: Option<Spanned<String>>,
    #[serde(default)]
    when_locked: bool,
    #[serde(default)]
    details: bool,
    /// Refused with a pointer to the keyring (a token in a file is a token on disk).
    token: Option<Spanned<toml::Value>>,
}

impl Validator<'_> {
    pub(super) fn phone(&self, raw: &RawPhone) -> Result<PhoneSettings, ConfigError> {
        if let Some(token) = &raw.token {
            return self.err(
                token.span(),
                "the ntfy access token is kept in the OS keyring, not in the file: remove `token` and run \
                 `klaxon phone token` (or Settings → Phone in the app)",
            );
        }
        let server = normalize_server(raw.server.get_ref());
        validate_server(&server).or_else(|e| self.err(raw.server.span(), format!("`server`: {e}")))?;
        validate_topic(raw.topic.get_ref()).or_else(|e| self.err(raw.topic.span(), format!("`topic` {e}")))?;
        let after = match &raw.after {
            Some(text) => {
                let d = humantime::parse_duration(text.get_ref()).or_else(|e| {
                    self.err(text.span(), format!("invalid duration `{}`: {e} (try \"60s\", \"2m\")", text.get_ref()))
                })?;
                if d > MAX_PUSH_DELAY {
                    return self.err(text.span(), "`after` must be at most 1 hour (pages escalate long before)");
                }
                d
            }
            None => std::time::Duration::ZERO,
        };
        Ok(PhoneSettings {
            server,
            topic: raw.topic.get_ref().clone(),
            after_secs: after.as_secs(),
            when_locked: raw.when_locked,
            details: raw.details,
        })
    }
}
