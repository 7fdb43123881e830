use std::net::SocketAddr;

/// Failures of incident sources.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The intake could not listen on its address.
    #[error("cannot listen on {addr}: {source}. Is another program using it? Change [intake] listen in the team file.")]
    Bind { addr: SocketAddr, source: std::io::Error },
    /// The intake server stopped with an I/O error.
    #[error("intake server failed: {0}")]
    Serve(std::io::Error),
}
