//! Errors as the UI sees them: a typed code to switch on and a message to show.

use klaxon_engine::EngineError;
use serde::Serialize;

/// What kind of failure, for the UI to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum IpcErrorCode {
    NotFound,
    InvalidState,
    InvalidInput,
    Storage,
    Config,
    Internal,
}

/// The error every command returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    pub code: IpcErrorCode,
    pub message: String,
}

impl From<EngineError> for IpcError {
    fn from(e: EngineError) -> Self {
        let code = match &e {
            EngineError::NotFound(_) => IpcErrorCode::NotFound,
            EngineError::InvalidState { .. } => IpcErrorCode::InvalidState,
            EngineError::Config { .. } | EngineError::NoTeamFile { .. } | EngineError::NoHome => IpcErrorCode::Config,
            EngineError::Store(_) | EngineError::Io { .. } => IpcErrorCode::Storage,
            _ => IpcErrorCode::Internal,
        };
        Self { code, message: e.to_string() }
    }
}
