use std::net::SocketAddr;
use std::time::Duration;

/// Failures of incident sources: the local intake and the paging platforms.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The intake could not listen on its address.
    #[error("cannot listen on {addr}: {source}. Is another program using it? Change [intake] listen in the team file.")]
    Bind { addr: SocketAddr, source: std::io::Error },
    /// The intake server stopped with an I/O error.
    #[error("intake server failed: {0}")]
    Serve(std::io::Error),

    /// The account's settings cannot work (e.g. a base URL that is not a URL).
    #[error("{0}")]
    Config(String),
    /// The platform refused the token (revoked, expired or mistyped).
    #[error("the platform refused the token ({0}); add the account again with a valid token")]
    Unauthorized(String),
    /// The token works but may not do this.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// The incident (or other object) is gone on the platform.
    #[error("not found on the platform: {0}")]
    NotFound(String),
    /// The platform refused the action in the incident's current state (e.g. already resolved).
    #[error("refused by the platform: {0}")]
    InvalidState(String),
    /// The platform cannot do this at all; nothing was sent.
    #[error("{0}")]
    Unsupported(&'static str),
    /// Too many requests; try again after `retry_after` (if the platform said).
    #[error("rate limited by the platform{}", .retry_after.map(|d| format!("; retry in {} s", d.as_secs())).unwrap_or_default())]
    RateLimited { retry_after: Option<Duration> },
    /// The platform failed (5xx).
    #[error("the platform failed with HTTP {status}: {message}")]
    Server { status: u16, message: String },
    /// No answer in time.
    #[error("the platform did not answer in time")]
    Timeout,
    /// No connection could be made: nothing was sent.
    #[error("cannot reach the platform: {0}")]
    Unreachable(String),
    /// The connection broke (perhaps after the request was sent).
    #[error("cannot reach the platform: {0}")]
    Network(String),
    /// The answer was not what the platform's API documents (cut short, wrong shape).
    #[error("unexpected answer from the platform: {0}")]
    Malformed(String),
}

/// A platform's refusal found before any request (the action is not one it can do).
impl From<klaxon_core::CoreError> for ProviderError {
    fn from(e: klaxon_core::CoreError) -> Self {
        match e {
            klaxon_core::CoreError::Unsupported { reason, .. } => ProviderError::Unsupported(reason),
            other => ProviderError::InvalidState(other.to_string()),
        }
    }
}

impl ProviderError {
    /// Whether trying again later may succeed (network, timeouts, 5xx, rate limits). Terminal
    /// errors (refusals, missing incidents, bad tokens) mark an outbox action failed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::Server { .. }
                | ProviderError::Timeout
                | ProviderError::Unreachable(_)
                | ProviderError::Network(_)
                | ProviderError::Malformed(_)
        )
    }

    /// Whether a write that failed like this may still take effect, or may have done so without
    /// our hearing of it: the request may have reached the platform, which may be slow to apply
    /// it (no answer in time, a connection lost after sending, a gateway that gave up waiting,
    /// an answer cut short).
    pub fn uncertain(&self) -> bool {
        matches!(
            self,
            ProviderError::Timeout
                | ProviderError::Network(_)
                | ProviderError::Malformed(_)
                | ProviderError::Server { status: 502 | 504, .. }
        )
    }

    /// How long the platform asked us to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::RateLimited { retry_after } => *retry_after,
            _ => None,
        }
    }

    /// A short machine-readable code for the UI and `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            ProviderError::Bind { .. } | ProviderError::Serve(_) => "intake",
            ProviderError::Config(_) => "config",
            ProviderError::Unauthorized(_) => "unauthorized",
            ProviderError::Forbidden(_) => "forbidden",
            ProviderError::NotFound(_) => "not_found",
            ProviderError::InvalidState(_) => "invalid_state",
            ProviderError::Unsupported(_) => "unsupported",
            ProviderError::RateLimited { .. } => "rate_limited",
            ProviderError::Server { .. } => "server",
            ProviderError::Timeout => "timeout",
            ProviderError::Unreachable(_) | ProviderError::Network(_) => "network",
            ProviderError::Malformed(_) => "malformed",
        }
    }
}
