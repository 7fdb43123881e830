//! Adding, testing and removing platform accounts. Tokens go to the OS keyring only; the store
//! keeps the account's name, kind, address and whose token it is.

use crate::{EngineError, Klaxon};
use chrono::Utc;
use klaxon_core::account::validate_account_name;
use klaxon_core::{Account, AccountKind, RemoteUser, Secret};
use klaxon_providers::{Connection, HttpOptions, Provider};
use klaxon_secrets::SecretStore;
use std::sync::Arc;

/// How the user proves who they are to the platform.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// An API token (PagerDuty, Grafana OnCall) or an existing GoAlert session token.
    Token(Secret),
    /// GoAlert's basic login: exchanged for a session token, which is what is kept.
    Login { username: String, password: Secret },
}

/// A new account as the user describes it.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub name: String,
    pub kind: AccountKind,
    /// Required for Grafana OnCall and GoAlert; PagerDuty defaults to its public API.
    pub base_url: Option<String>,
    pub credentials: Credentials,
    /// Seconds between polls (raised to the platform's floor).
    pub poll_secs: Option<u32>,
}

/// Seconds between polls when the user does not say.
pub const DEFAULT_POLL_SECS: u32 = 15;

fn base_url(kind: AccountKind, given: Option<&str>) -> Result<String, EngineError> {
    match given.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => Ok(u.trim_end_matches('/').to_owned()),
        None => kind.default_base_url().map(str::to_owned).ok_or_else(|| {
            EngineError::Account(format!("{kind} accounts need --base-url (the address of your {kind} instance)"))
        }),
    }
}

impl Klaxon {
    /// Platform accounts, with how their sync is going.
    pub async fn accounts(&self) -> Result<Vec<Account>, EngineError> {
        Ok(self.store().accounts().await?)
    }

    /// Checks the credentials against the platform, keeps the token in the keyring and adds the
    /// account. Nothing is kept if any step fails.
    pub async fn add_account(
        &self,
        new: NewAccount,
        secrets: &Arc<dyn SecretStore>,
        http: HttpOptions,
    ) -> Result<Account, EngineError> {
        validate_account_name(&new.name)?;
        if new.kind == AccountKind::Local {
            return Err(EngineError::Account("the local intake needs no account".into()));
        }
        if self.store().account(&new.name).await.is_ok() {
            return Err(EngineError::Account(format!("an account named `{}` exists already", new.name)));
        }
        let base_url = base_url(new.kind, new.base_url.as_deref())?;
        let token = match new.credentials {
            Credentials::Token(t) if t.expose().trim().is_empty() => {
                return Err(EngineError::Account("the token is empty".into()));
            }
            Credentials::Token(t) => Secret::new(t.expose().trim()),
            Credentials::Login { username, password } if new.kind == AccountKind::GoAlert => {
                klaxon_providers::goalert::login(&base_url, &username, &password, http).await?
            }
            Credentials::Login { .. } => {
                return Err(EngineError::Account(format!("{} accounts take an API token, not a login", new.kind)));
            }
        };
        let provider =
            klaxon_providers::connect(new.kind, Connection { base_url: base_url.clone(), token: token.clone(), http })?;
        let user = provider.current_user().await?;
        let key = klaxon_core::account::secret_key(&new.name);
        let (k, t) = (key.clone(), token.clone());
        keyring(secrets, move |s| s.set(&k, &t)).await?;
        let account = Account {
            name: new.name,
            kind: new.kind,
            base_url: Some(base_url),
            user_id: Some(user.id),
            user_name: Some(user.name),
            user_email: user.email,
            poll_secs: new.poll_secs.unwrap_or(DEFAULT_POLL_SECS).max(new.kind.min_poll_secs()),
            created_at: Utc::now(),
            last_synced_at: None,
            last_error: None,
        };
        if let Err(e) = self.store().add_account(&account).await {
            let _ = keyring(secrets, move |s| s.delete(&key)).await;
            return Err(e.into());
        }
        Ok(account)
    }

    /// Removes an account, its cached incidents and outbox, and its token.
    pub async fn remove_account(&self, name: &str, secrets: &Arc<dyn SecretStore>) -> Result<(), EngineError> {
        self.store().remove_account(name).await?;
        self.forget_me();
        let key = klaxon_core::account::secret_key(name);
        keyring(secrets, move |s| s.delete(&key)).await
    }

    /// The adapter for an account, with its token from the keyring.
    pub async fn provider(
        &self,
        account: &Account,
        secrets: &Arc<dyn SecretStore>,
        http: HttpOptions,
    ) -> Result<Arc<dyn Provider>, EngineError> {
        let key = account.secret_key();
        let token = keyring(secrets, move |s| s.get(&key)).await?.ok_or_else(|| {
            EngineError::Account(format!(
                "no token for account `{}` in the OS keyring; remove the account and add it again",
                account.name
            ))
        })?;
        let base_url = base_url(account.kind, account.base_url.as_deref())?;
        Ok(klaxon_providers::connect(account.kind, Connection { base_url, token, http })?)
    }

    /// Asks the platform who the token belongs to (and records it): proves token and address work.
    pub async fn test_account(
        &self,
        name: &str,
        secrets: &Arc<dyn SecretStore>,
        http: HttpOptions,
    ) -> Result<RemoteUser, EngineError> {
        let account = self.store().account(name).await?;
        let user = self.provider(&account, secrets, http).await?.current_user().await?;
        self.store().set_account_user(name, &user).await?;
        self.forget_me();
        Ok(user)
    }
}

/// Runs a keyring call on the blocking pool: the Secret Service answers over D-Bus, and a slow
/// or locked keyring must not hold up an async worker (the intake, the pager, the sync).
async fn keyring<T: Send + 'static>(
    secrets: &Arc<dyn SecretStore>,
    call: impl FnOnce(&dyn SecretStore) -> Result<T, klaxon_secrets::SecretsError> + Send + 'static,
) -> Result<T, EngineError> {
    let secrets = secrets.clone();
    let joined = tokio::task::spawn_blocking(move || call(secrets.as_ref())).await;
    Ok(joined.map_err(|e| EngineError::Internal(e.to_string()))??)
}
