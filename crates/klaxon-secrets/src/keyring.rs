use crate::{SERVICE, Secret, SecretStore, SecretsError};
use keyring_core::{CredentialStore, Entry, Error};
use std::collections::HashMap;
use std::sync::Arc;

/// The OS keyring. Blocking calls: use from `spawn_blocking` in async code.
pub struct KeyringStore {
    store: Arc<CredentialStore>,
}

impl std::fmt::Debug for KeyringStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyringStore").field("vendor", &self.store.vendor()).finish()
    }
}

fn map(e: Error) -> SecretsError {
    match e {
        Error::NoStorageAccess(p) => SecretsError::Locked(p.to_string()),
        Error::PlatformFailure(p) => SecretsError::Unavailable(p.to_string()),
        Error::NoDefaultStore => SecretsError::Unavailable("no credential store".into()),
        other => SecretsError::Platform(other.to_string()),
    }
}

impl KeyringStore {
    /// Connects to the platform keyring (Secret Service over the D-Bus session bus on Linux).
    #[cfg(target_os = "linux")]
    pub fn open() -> Result<Self, SecretsError> {
        let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new().map_err(map)?;
        Ok(Self { store })
    }

    /// Connects to the platform keyring.
    #[cfg(not(target_os = "linux"))]
    pub fn open() -> Result<Self, SecretsError> {
        Err(SecretsError::Unavailable("this platform's keyring is not wired in yet".into()))
    }

    fn entry(&self, key: &str) -> Result<Entry, SecretsError> {
        let label = format!("Klaxon: {key}");
        let modifiers = HashMap::from([("label", label.as_str())]);
        self.store.build(SERVICE, key, Some(&modifiers)).map_err(map)
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, SecretsError> {
        match self.entry(key)?.get_password() {
            Ok(v) => Ok(Some(Secret::new(v))),
            Err(Error::NoEntry) => Ok(None),
            Err(e) => Err(map(e)),
        }
    }

    fn set(&self, key: &str, value: &Secret) -> Result<(), SecretsError> {
        self.entry(key)?.set_password(value.expose()).map_err(map)
    }

    fn delete(&self, key: &str) -> Result<(), SecretsError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(Error::NoEntry) => Ok(()),
            Err(e) => Err(map(e)),
        }
    }
}
