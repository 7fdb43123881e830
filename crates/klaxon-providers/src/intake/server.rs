//! The intake's HTTP server (axum) and its lifecycle.

use super::reject::Reject;
use super::{AlertSink, MAX_BODY_BYTES, alertmanager, auth, generic};
use crate::ProviderError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use klaxon_core::Alert;
use klaxon_core::team_file::Grouping;
use klaxon_core::{Secret, Severity};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
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
}

/// A running intake; dropping it does not stop it, call [`IntakeHandle::shutdown`].
#[derive(Debug)]
pub struct IntakeHandle {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl IntakeHandle {
    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, finishes requests in flight, and waits.
    pub async fn shutdown(self) -> Result<(), ProviderError> {
        let _ = self.stop.send(());
        match self.task.await {
            Ok(result) => result.map_err(ProviderError::Serve),
            Err(join) => Err(ProviderError::Serve(std::io::Error::other(join))),
        }
    }
}

struct Shared<S> {
    sink: Arc<S>,
    grouping: Grouping,
    unknown_severity: Severity,
}

type AppState<S> = Arc<Shared<S>>;

/// Binds `config.listen` and serves the intake until shut down.
pub async fn serve<S: AlertSink>(config: IntakeConfig, sink: Arc<S>) -> Result<IntakeHandle, ProviderError> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ProviderError::Bind { addr: config.listen, source })?;
    let addr = listener.local_addr().map_err(|source| ProviderError::Bind { addr: config.listen, source })?;
    let state: AppState<S> =
        Arc::new(Shared { sink, grouping: config.grouping, unknown_severity: config.unknown_severity });
    let protected = Router::new()
        .route("/v1/alertmanager", post(alertmanager_route::<S>))
        .route("/v1/alerts", post(generic_route::<S>))
        .route_layer(middleware::from_fn_with_state(Arc::new(config.token), auth::require_token))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let app = Router::new()
        .route("/healthz", get(health))
        .merge(protected)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(%addr, "local intake listening");
    Ok(IntakeHandle { addr, stop, task })
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

async fn not_found() -> Reject {
    Reject::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint; use POST /v1/alertmanager or POST /v1/alerts")
}

async fn method_not_allowed() -> Reject {
    Reject::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed on this endpoint")
}

fn body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, Reject> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Reject::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "body is over 1 MiB")
        } else {
            Reject::new(StatusCode::BAD_REQUEST, "invalid_body", e.body_text())
        }
    })
}

async fn deliver<S: AlertSink>(state: &Shared<S>, alerts: Vec<Alert>) -> Response {
    let count = alerts.len();
    match state.sink.ingest(alerts).await {
        Ok(accepted) => {
            tracing::info!(count, "intake accepted alerts");
            Json(json!({ "accepted": accepted })).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "intake could not store alerts");
            Reject::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", format!("could not store the alerts: {e}"))
                .into_response()
        }
    }
}

async fn alertmanager_route<S: AlertSink>(
    State(state): State<AppState<S>>,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    match body(raw).and_then(|b| alertmanager::parse(&b, state.grouping, state.unknown_severity)) {
        Ok(alerts) => deliver(&state, alerts).await,
        Err(reject) => reject.into_response(),
    }
}

async fn generic_route<S: AlertSink>(State(state): State<AppState<S>>, raw: Result<Bytes, BytesRejection>) -> Response {
    match body(raw).and_then(|b| generic::parse(&b)) {
        Ok(alert) => deliver(&state, vec![alert]).await,
        Err(reject) => reject.into_response(),
    }
}
