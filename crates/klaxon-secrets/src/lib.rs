//! Secrets live only in the OS keyring (Secret Service on Linux, via the keyring-core v4 ecosystem),
//! behind [`SecretStore`], with an in-memory store for tests. Values travel as [`Secret`].

mod keyring;
mod memory;

pub use keyring::KeyringStore;
pub use klaxon_core::Secret;
pub use memory::MemoryStore;

use rand::RngCore;

/// Keyring service name under which Klaxon keeps its secrets.
pub const SERVICE: &str = "klaxon";

/// Why a secret could not be read or written.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SecretsError {
    /// No keyring to talk to (no Secret Service on the session bus, no session bus).
    #[error(
        "no OS keyring available: {0}. Start a Secret Service such as gnome-keyring (it runs with most desktops), \
         or set `token` under [intake] in the team file"
    )]
    Unavailable(String),
    /// The keyring is there but locked or refused access.
    #[error("the OS keyring is locked or refused access: {0}. Unlock it (e.g. log in to the desktop) and retry")]
    Locked(String),
    /// Anything else the keyring reported.
    #[error("OS keyring error: {0}")]
    Platform(String),
}

/// Where secrets are kept.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    /// The secret under `key`, if set.
    fn get(&self, key: &str) -> Result<Option<Secret>, SecretsError>;
    /// Stores `value` under `key`, replacing any previous one.
    fn set(&self, key: &str, value: &Secret) -> Result<(), SecretsError>;
    /// Removes `key`; removing a missing key is not an error.
    fn delete(&self, key: &str) -> Result<(), SecretsError>;
}

/// The OS keyring if it can be reached; otherwise a store that reports why on every use, so
/// that callers needing no secret (e.g. a token set in the team file) still work.
pub fn os_store() -> std::sync::Arc<dyn SecretStore> {
    match KeyringStore::open() {
        Ok(store) => std::sync::Arc::new(store),
        Err(e) => std::sync::Arc::new(Unavailable(e)),
    }
}

/// A keyring that could not be opened.
#[derive(Debug)]
struct Unavailable(SecretsError);

impl SecretStore for Unavailable {
    fn get(&self, _: &str) -> Result<Option<Secret>, SecretsError> {
        Err(self.0.clone())
    }
    fn set(&self, _: &str, _: &Secret) -> Result<(), SecretsError> {
        Err(self.0.clone())
    }
    fn delete(&self, _: &str) -> Result<(), SecretsError> {
        Err(self.0.clone())
    }
}

/// A fresh random token (256 bits, hex).
pub fn generate_token() -> Secret {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    Secret::new(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// The secret under `key`, created with `make` and stored if missing.
pub fn get_or_create(
    store: &dyn SecretStore,
    key: &str,
    make: impl FnOnce() -> Secret,
) -> Result<Secret, SecretsError> {
    if let Some(s) = store.get(key)? {
        return Ok(s);
    }
    let s = make();
    store.set(key, &s)?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_long() {
        let a = generate_token();
        let b = generate_token();
        assert_eq!(a.expose().len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn get_or_create_creates_once() {
        let store = MemoryStore::default();
        let a = get_or_create(&store, "k", generate_token).unwrap();
        let b = get_or_create(&store, "k", || Secret::new("other")).unwrap();
        assert_eq!(a, b);
        store.delete("k").unwrap();
        store.delete("k").unwrap();
        assert_eq!(store.get("k").unwrap(), None);
    }
}
