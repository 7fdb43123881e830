//! Errors as the UI sees them (through Tauri's IPC and the control socket alike): a typed code to
//! switch on and a message to show.

use crate::EngineError;
use klaxon_providers::ProviderError;
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
    /// A phone reply that is not a genuine, unused, unexpired capability: nothing was done.
    Refused,
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

/// The code for a platform failure: what the user can do about it. Every variant is listed, so
/// that a new one must choose.
fn provider_code(e: &ProviderError) -> IpcErrorCode {
    match e {
        ProviderError::Unauthorized(_) | ProviderError::Forbidden(_) => IpcErrorCode::Unauthorized,
        ProviderError::Unreachable(_)
        | ProviderError::Network(_)
        | ProviderError::Timeout
        | ProviderError::Server { .. } => IpcErrorCode::Unreachable,
        ProviderError::RateLimited { .. } => IpcErrorCode::RateLimited,
        ProviderError::Malformed(_) => IpcErrorCode::Platform,
        ProviderError::Unsupported(_) => IpcErrorCode::Unsupported,
        ProviderError::NotFound(_) => IpcErrorCode::NotFound,
        ProviderError::InvalidState(_) => IpcErrorCode::InvalidState,
        // A base URL that is not a URL, a token no HTTP header can carry.
        ProviderError::Config(_) => IpcErrorCode::InvalidInput,
        ProviderError::Bind { .. } | ProviderError::Serve(_) => IpcErrorCode::Config,
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
            EngineError::Provider(p) => provider_code(p),
            EngineError::Secrets(_) => IpcErrorCode::Keyring,
            EngineError::PhoneRefused(_) => IpcErrorCode::Refused,
            EngineError::Phone(_) => IpcErrorCode::Unreachable,
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
    fn provider_errors_map_to_what_the_user_can_do() {
        let provider = |e| code(EngineError::Provider(e));
        assert_eq!(provider(ProviderError::Unauthorized("x".into())), IpcErrorCode::Unauthorized);
        assert_eq!(provider(ProviderError::Forbidden("x".into())), IpcErrorCode::Unauthorized);
        assert_eq!(provider(ProviderError::Network("x".into())), IpcErrorCode::Unreachable);
        assert_eq!(provider(ProviderError::Timeout), IpcErrorCode::Unreachable);
        assert_eq!(provider(ProviderError::Server { status: 503, message: "x".into() }), IpcErrorCode::Unreachable);
        assert_eq!(provider(ProviderError::RateLimited { retry_after: None }), IpcErrorCode::RateLimited);
        assert_eq!(provider(ProviderError::Malformed("x".into())), IpcErrorCode::Platform);
        assert_eq!(provider(ProviderError::Config("x".into())), IpcErrorCode::InvalidInput);
        assert_eq!(provider(ProviderError::Unsupported("no")), IpcErrorCode::Unsupported);
    }

    #[test]
    fn core_refusals_keep_their_kind() {
        use klaxon_core::{AccountKind, CoreError};
        let unsupported = AccountKind::GoAlert.supports(ActionKind::Snooze).unwrap_err();
        assert!(matches!(unsupported, CoreError::Unsupported { .. }));
        assert_eq!(code(unsupported.into()), IpcErrorCode::Unsupported);
        let name = klaxon_core::account::validate_account_name("local").unwrap_err();
        assert_eq!(code(name.into()), IpcErrorCode::Account);
    }
}
