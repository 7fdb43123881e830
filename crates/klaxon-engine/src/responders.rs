//! Whom an incident can be reassigned to: the account's users and escalation policies, from the
//! cache at once, asked of the platform again when the cache is old (or on request). A failed
//! refresh keeps the last good copy and says why.

use crate::{EngineError, Klaxon};
use chrono::Utc;
use klaxon_core::{ActionKind, Responders};
use klaxon_providers::HttpOptions;
use klaxon_secrets::SecretStore;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// How long cached responders are used before the platform is asked again.
pub const RESPONDERS_MAX_AGE: chrono::Duration = chrono::Duration::hours(1);

/// Whether to ask the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ResponderFetch {
    /// The cache only (answers at once, also offline).
    Cached,
    /// The platform when the cache is older than [`RESPONDERS_MAX_AGE`] or empty.
    IfStale,
    /// The platform now.
    Now,
}

impl Klaxon {
    /// The users and escalation policies `account` can reassign an incident to. Accounts whose
    /// platform cannot reassign are refused with the reason.
    pub async fn responders(
        &self,
        account: &str,
        fetch: ResponderFetch,
        secrets: &Arc<dyn SecretStore>,
        http: HttpOptions,
    ) -> Result<Responders, EngineError> {
        let acct = self.store().account(account).await?;
        acct.kind.supports(ActionKind::Reassign)?;
        let cached = self.store().responders(account).await?;
        let ask = match fetch {
            ResponderFetch::Cached => false,
            ResponderFetch::IfStale => cached.stale(Utc::now(), RESPONDERS_MAX_AGE),
            ResponderFetch::Now => true,
        };
        if !ask {
            return Ok(cached);
        }
        let asked = async {
            let provider = self.provider(&acct, secrets, http).await?;
            let users = provider.users().await?;
            let policies = provider.escalation_policies().await?;
            Ok::<_, EngineError>((users, policies))
        };
        match asked.await {
            Ok((users, policies)) => self.store().save_responders(account, &users, &policies, Utc::now()).await?,
            Err(e) => {
                tracing::warn!(account, error = %e, "cannot list the platform's users and escalation policies");
                self.store().record_responders_error(account, &e.to_string()).await?;
            }
        }
        Ok(self.store().responders(account).await?)
    }
}
