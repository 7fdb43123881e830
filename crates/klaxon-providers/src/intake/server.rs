//! The intake's HTTP server and its lifecycle.

use super::AlertSink;
use super::routes::{self, Shared};
use crate::ProviderError;
use klaxon_core::team_file::Grouping;
use klaxon_core::{Secret, Severity};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Where and how the intake listens.
#[derive(Debug, Clone)]
pub struct IntakeConfig {
    pub listen: SocketAddr,
    pub token: Secret,
    pub grouping: Grouping,
    /// Severity of Alertmanager alerts whose `severity` label is missing or unknown.
    pub unknown_severity: Severity,
    pub limits: ConnectionLimits,
}

impl IntakeConfig {
    /// Listens on `listen` with the production [`ConnectionLimits`] and unknown Alertmanager
    /// severities at the team file's default.
    pub fn new(listen: SocketAddr, token: Secret, grouping: Grouping) -> Self {
        let unknown_severity = klaxon_core::team_file::DEFAULT_UNKNOWN_SEVERITY;
        Self { listen, token, grouping, unknown_severity, limits: ConnectionLimits::default() }
    }
}

/// How many connections the intake keeps, and how long it waits on a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections open at once. At the cap, the connection idle longest (no request in flight:
    /// not yet sent, or kept alive after a response) is closed for the new one; if every one is
    /// handling a request, the new one waits. A warning is logged (at most every 10 s).
    pub max_connections: usize,
    /// Time for a request's headers to arrive, counted from the moment the connection waits for
    /// a request: from accept, and after each response (so this is also the keep-alive idle
    /// timeout). Then the connection is closed without an answer.
    pub header_read_timeout: Duration,
    /// Time for a whole request body to arrive once its headers are in; then 408.
    pub body_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 256,
            header_read_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(20),
        }
    }
}

/// A running intake. Stop it with [`IntakeHandle::shutdown`]; dropping the handle also stops it
/// accepting, but nothing waits for the requests in flight.
#[derive(Debug)]
pub struct IntakeHandle {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl IntakeHandle {
    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, finishes requests in flight (closing idle connections), and waits.
    pub async fn shutdown(self) -> Result<(), ProviderError> {
        let _ = self.stop.send(());
        self.task.await.map_err(|join| ProviderError::Serve(std::io::Error::other(join)))
    }
}

/// Binds `config.listen` and serves the intake until shut down.
pub async fn serve<S: AlertSink>(config: IntakeConfig, sink: Arc<S>) -> Result<IntakeHandle, ProviderError> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ProviderError::Bind { addr: config.listen, source })?;
    let addr = listener.local_addr().map_err(|source| ProviderError::Bind { addr: config.listen, source })?;
    let limits = config.limits;
    let shared = Shared {
        sink,
        grouping: config.grouping,
        unknown_severity: config.unknown_severity,
        body_timeout: limits.body_timeout,
    };
    let app = routes::router(shared, config.token);
    let (stop, stopped) = oneshot::channel::<()>();
    let task =
        tokio::spawn(super::accept::run(listener, app, limits.max_connections, limits.header_read_timeout, stopped));
    tracing::info!(%addr, ?limits, "local intake listening");
    Ok(IntakeHandle { addr, stop, task })
}
