//! Why talking to the ntfy server failed.

/// Why a publish or a subscription failed.
#[derive(Debug, thiserror::Error)]
pub enum NtfyError {
    /// The server could not be reached, or the connection broke.
    #[error("cannot reach the ntfy server: {0}")]
    Network(String),
    /// The server answered with an error (ntfy's `{"code","http","error"}` when it sent one).
    #[error("the ntfy server answered {status}: {message}")]
    Refused { status: u16, message: String },
    /// The server sent something that is not ntfy's protocol.
    #[error("the ntfy server sent something unexpected: {0}")]
    Malformed(String),
    /// The test push's Acknowledge did not come back in time.
    #[error("no Acknowledge came back within {0} s: is the phone subscribed to the topic (klaxon phone setup)?")]
    NoAnswer(u64),
    /// Nothing arrived for too long (not even a keepalive).
    #[error("the ntfy stream went quiet for {0} s")]
    Quiet(u64),
}

impl From<reqwest::Error> for NtfyError {
    fn from(e: reqwest::Error) -> Self {
        // Without the URL: it holds the topic, which is as good as a password on shared servers.
        NtfyError::Network(e.without_url().to_string())
    }
}
