//! Errors as the UI sees them (through Tauri's IPC and the control socket alike): a typed code to
//! switch on and a message to show.

use crate::EngineError;
use klaxon_store::StoreError;
use serde::{Deserialize, Serialize};

/// What kind of failure, for the UI to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum IpcErrorCode {
    NotFound,
    InvalidState,
    InvalidInput,
    Storage,
    Config,
    Internal,
    /// The incident's platform cannot do this action; nothing was changed or queued.
    Unsupported,
    /// The platform refused the token (or its rights): enter another one.
    Unauthorized,
    /// The platform could not be reached or failed (network, timeout, 5xx): try again later.
    Unreachable,
    /// The platform asked us to slow down: try again later.
    RateLimited,
    /// The platform answered with something that is not its API (often a wrong base URL).
    Platform,
    /// The OS keyring is missing, locked or refused access.
    Keyring,
    /// An account problem (bad or taken name, missing base URL, no token), with what to do.
    Account,
    /// Klaxon's background pager (`klaxon watch`) is not running or stopped answering.
    Pager,
}

/// The error every command returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[error("{message}")]
pub struct IpcError {
    pub code: IpcErrorCode,
    pub message: String,
}

impl IpcError {
    /// An error with `code` and `message`.
    pub fn new(code: IpcErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    /// A bad argument, naming it.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(IpcErrorCode::InvalidInput, message)
    }
}

/// The code for a platform failure, from the provider's short code (the engine does not
/// re-export the provider error type, and its code is the stable part).
fn provider_code(code: &str) -> IpcErrorCode {
    match code {
        "unauthorized" | "forbidden" => IpcErrorCode::Unauthorized,
        "network" | "timeout" | "server" => IpcErrorCode::Unreachable,
        "rate_limited" => IpcErrorCode::RateLimited,
        "malformed" => IpcErrorCode::Platform,
        "unsupported" => IpcErrorCode::Unsupported,
        "not_found" => IpcErrorCode::NotFound,
        "invalid_state" => IpcErrorCode::InvalidState,
        // A base URL that is not a URL, a token no HTTP header can carry.
        "config" => IpcErrorCode::InvalidInput,
        "intake" => IpcErrorCode::Config,
        _ => IpcErrorCode::Internal,
    }
}

fn store_code(e: &StoreError) -> IpcErrorCode {
    match e {
        StoreError::NotFound(_) | StoreError::NoAccount(_) => IpcErrorCode::NotFound,
        StoreError::NoOutboxEntry(_) => IpcErrorCode::NotFound,
        StoreError::OutboxEntryState(..) | StoreError::Rejected(_) => IpcErrorCode::InvalidState,
        StoreError::AccountExists(_) => IpcErrorCode::Account,
        _ => IpcErrorCode::Storage,
    }
}

impl From<EngineError> for IpcError {
    fn from(e: EngineError) -> Self {
        let code = match &e {
            EngineError::NotFound(_) => IpcErrorCode::NotFound,
            EngineError::InvalidState { .. } => IpcErrorCode::InvalidState,
            EngineError::Config { .. } | EngineError::NoTeamFile { .. } | EngineError::NoHome => IpcErrorCode::Config,
            EngineError::Store(s) => store_code(s),
            EngineError::Io { .. } => IpcErrorCode::Storage,
            EngineError::Unsupported { .. } => IpcErrorCode::Unsupported,
            EngineError::Account(_) => IpcErrorCode::Account,
            EngineError::InvalidInput(_) => IpcErrorCode::InvalidInput,
            EngineError::Provider(p) => provider_code(p.code()),
            EngineError::Secrets(_) => IpcErrorCode::Keyring,
            _ => IpcErrorCode::Internal,
        };
        Self { code, message: e.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use klaxon_core::{ActionKind, IncidentId};

    fn code(e: EngineError) -> IpcErrorCode {
        IpcError::from(e).code
    }

    #[test]
    fn engine_errors_map_to_codes_the_ui_acts_on() {
        assert_eq!(
            code(EngineError::Unsupported { kind: ActionKind::Snooze, reason: "no".into() }),
            IpcErrorCode::Unsupported
        );
        assert_eq!(code(EngineError::Account("taken".into())), IpcErrorCode::Account);
        assert_eq!(code(EngineError::Secrets(klaxon_secrets::SecretsError::Locked("x".into()))), IpcErrorCode::Keyring);
        assert_eq!(code(EngineError::Store(StoreError::NoAccount("x".into()))), IpcErrorCode::NotFound);
        assert_eq!(code(EngineError::Store(StoreError::NoOutboxEntry(1))), IpcErrorCode::NotFound);
        assert_eq!(code(EngineError::Store(StoreError::OutboxEntryState(1, "retried"))), IpcErrorCode::InvalidState);
        assert_eq!(code(EngineError::Store(StoreError::AccountExists("x".into()))), IpcErrorCode::Account);
        assert_eq!(code(EngineError::NotFound(IncidentId(1))), IpcErrorCode::NotFound);
        assert_eq!(code(EngineError::Internal("x".into())), IpcErrorCode::Internal);
    }

    #[test]
    fn provider_codes_map_to_what_the_user_can_do() {
        assert_eq!(provider_code("unauthorized"), IpcErrorCode::Unauthorized);
        assert_eq!(provider_code("forbidden"), IpcErrorCode::Unauthorized);
        assert_eq!(provider_code("network"), IpcErrorCode::Unreachable);
        assert_eq!(provider_code("timeout"), IpcErrorCode::Unreachable);
        assert_eq!(provider_code("server"), IpcErrorCode::Unreachable);
        assert_eq!(provider_code("rate_limited"), IpcErrorCode::RateLimited);
        assert_eq!(provider_code("malformed"), IpcErrorCode::Platform);
        assert_eq!(provider_code("config"), IpcErrorCode::InvalidInput);
        assert_eq!(provider_code("something new"), IpcErrorCode::Internal);
    }
}
