use crate::{Secret, SecretStore, SecretsError};
use std::collections::HashMap;
use std::sync::Mutex;

/// Secrets in process memory only (tests, and runs that must not touch the keyring).
#[derive(Default)]
pub struct MemoryStore {
    values: Mutex<HashMap<String, Secret>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemoryStore(<redacted>)")
    }
}

impl MemoryStore {
    fn values(&self) -> std::sync::MutexGuard<'_, HashMap<String, Secret>> {
        self.values.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, SecretsError> {
        Ok(self.values().get(key).cloned())
    }

    fn set(&self, key: &str, value: &Secret) -> Result<(), SecretsError> {
        self.values().insert(key.to_owned(), value.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), SecretsError> {
        self.values().remove(key);
        Ok(())
    }
}
