//! The running tasks of each platform account (sync + outbox sender), started and stopped as
//! accounts come and go.

use crate::remote::Remote;
use crate::{EngineError, outbox, sync};
use klaxon_core::Account;
use klaxon_providers::HttpOptions;
use klaxon_secrets::SecretStore;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

struct Running {
    provider: Arc<dyn klaxon_providers::Provider>,
    stop: watch::Sender<bool>,
    wake_outbox: Arc<Notify>,
    sync_now: Arc<Notify>,
    tasks: Vec<JoinHandle<()>>,
}

/// Every account's tasks.
pub(crate) struct Runners {
    remote: Arc<Remote>,
    secrets: Arc<dyn SecretStore>,
    http: HttpOptions,
    running: Mutex<HashMap<String, Running>>,
    /// Accounts whose tasks could not start (e.g. no token); not retried on every change.
    broken: Mutex<std::collections::HashSet<String>>,
}

impl Runners {
    pub fn new(remote: Arc<Remote>, secrets: Arc<dyn SecretStore>, http: HttpOptions) -> Self {
        Self { remote, secrets, http, running: Mutex::new(HashMap::new()), broken: Mutex::default() }
    }

    fn running(&self) -> MutexGuard<'_, HashMap<String, Running>> {
        self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn secrets(&self) -> &Arc<dyn SecretStore> {
        &self.secrets
    }

    pub fn http(&self) -> HttpOptions {
        self.http
    }

    /// Starts the tasks of `account` (replacing any running ones). A missing token is recorded
    /// as the account's error instead.
    pub async fn start(&self, account: &Account) -> Result<(), EngineError> {
        self.stop(&account.name).await;
        let provider = match self.remote.klaxon.provider(account, &self.secrets, self.http).await {
            Ok(p) => p,
            Err(e) => {
                self.broken.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(account.name.clone());
                self.remote.klaxon.store().record_sync(&account.name, chrono::Utc::now(), Some(&e.to_string())).await?;
                return Err(e);
            }
        };
        self.broken.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&account.name);
        let (stop, stopped) = watch::channel(false);
        let wake_outbox = Arc::new(Notify::new());
        let sync_now = Arc::new(Notify::new());
        let tasks = vec![
            tokio::spawn(sync::run(
                self.remote.clone(),
                account.name.clone(),
                provider.clone(),
                sync_now.clone(),
                stopped.clone(),
            )),
            tokio::spawn(outbox::run(
                self.remote.clone(),
                account.name.clone(),
                provider.clone(),
                wake_outbox.clone(),
                sync_now.clone(),
                stopped,
            )),
        ];
        self.running().insert(account.name.clone(), Running { provider, stop, wake_outbox, sync_now, tasks });
        Ok(())
    }

    /// Starts tasks for accounts added by another process (e.g. `klaxon accounts add`) and stops
    /// those of accounts removed meanwhile.
    pub async fn reconcile(&self) -> Result<(), EngineError> {
        let accounts = self.remote.klaxon.accounts().await?;
        let running: Vec<String> = self.running().keys().cloned().collect();
        for name in running.iter().filter(|n| !accounts.iter().any(|a| &a.name == *n)) {
            self.stop(name).await;
        }
        for account in accounts {
            let broken = self.broken.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(&account.name);
            if !broken
                && !running.contains(&account.name)
                && let Err(e) = self.start(&account).await
            {
                tracing::warn!(account = %account.name, error = %e, "account not synced");
            }
        }
        Ok(())
    }

    /// Stops the tasks of account `name` and waits for them.
    pub async fn stop(&self, name: &str) {
        let Some(running) = self.running().remove(name) else { return };
        let _ = running.stop.send(true);
        for task in running.tasks {
            let _ = task.await;
        }
    }

    /// Stops every account's tasks.
    pub async fn stop_all(&self) {
        let names: Vec<String> = self.running().keys().cloned().collect();
        for name in names {
            self.stop(&name).await;
        }
    }

    /// Tells the outbox sender of `account` (or of every account) that an action was queued.
    pub fn wake_outbox(&self, account: Option<&str>) {
        for (name, r) in self.running().iter() {
            if account.is_none_or(|a| a == name) {
                r.wake_outbox.notify_one();
            }
        }
    }

    /// Polls `account` once, here and now (`full`: resolved incidents, schedules and policies too).
    pub async fn poll_once(&self, account: &str, full: bool) -> Result<(), EngineError> {
        let provider = self.running().get(account).map(|r| r.provider.clone());
        let provider =
            provider.ok_or_else(|| EngineError::Account(format!("account `{account}` is not being synced")))?;
        let account = self.remote.klaxon.store().account(account).await?;
        sync::sync_once(&self.remote, &account, provider.as_ref(), full).await
    }

    /// Asks the sync of `account` to poll now.
    pub fn sync_now(&self, account: &str) -> bool {
        self.running().get(account).map(|r| r.sync_now.notify_one()).is_some()
    }
}
