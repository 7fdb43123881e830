//! The intake's routes: token, media type, body (size and time), then the payload.

use super::reject::Reject;
use super::{AlertSink, MAX_BODY_BYTES, alertmanager, auth, generic};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use klaxon_core::Severity;
use klaxon_core::team_file::Grouping;
use klaxon_core::{Alert, Secret};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// What every request handler needs.
pub(crate) struct Shared<S> {
    pub sink: Arc<S>,
    pub grouping: Grouping,
    /// Severity of Alertmanager alerts whose `severity` label is missing or unknown.
    pub unknown_severity: Severity,
    /// Time allowed for a whole request body once the headers are in.
    pub body_timeout: Duration,
}

type AppState<S> = Arc<Shared<S>>;

pub(crate) fn router<S: AlertSink>(state: Shared<S>, token: Secret) -> Router {
    let protected = Router::new()
        .route("/v1/alertmanager", post(alertmanager_route::<S>))
        .route("/v1/alerts", post(generic_route::<S>))
        .route_layer(middleware::from_fn_with_state(Arc::new(token), auth::require_token));
    Router::new()
        .route("/healthz", get(health))
        .merge(protected)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(Arc::new(state))
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

/// `application/json`, any case, with or without parameters (`; charset=utf-8`).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    value.split(';').next().is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// The whole body, if it is JSON, within [`MAX_BODY_BYTES`] and within `body_timeout`.
async fn json_body(timeout: Duration, headers: &HeaderMap, body: Body) -> Result<Bytes, Reject> {
    if !is_json(headers) {
        return Err(Reject::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the alert as JSON with `Content-Type: application/json`",
        ));
    }
    // Read up to the limit even when `Content-Length` announces more: closing on a body still
    // being sent can reset the connection before the client reads the 413.
    let collected = tokio::time::timeout(timeout, Limited::new(body, MAX_BODY_BYTES).collect()).await;
    match collected {
        Ok(Ok(all)) => Ok(all.to_bytes()),
        Ok(Err(e)) if e.is::<LengthLimitError>() => {
            Err(Reject::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "body is over 1 MiB"))
        }
        Ok(Err(e)) => {
            let mut message = format!("cannot read the body: {e}");
            let mut source = e.source();
            while let Some(cause) = source {
                message = format!("{message}: {cause}");
                source = cause.source();
            }
            Err(Reject::new(StatusCode::BAD_REQUEST, "invalid_body", message))
        }
        Err(_) => Err(Reject::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!("the body did not arrive within {} s", timeout.as_secs_f32()),
        )),
    }
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
    headers: HeaderMap,
    body: Body,
) -> Response {
    let parsed = match json_body(state.body_timeout, &headers, body).await {
        Ok(bytes) => alertmanager::parse(&bytes, state.grouping, state.unknown_severity),
        Err(reject) => Err(reject),
    };
    match parsed {
        Ok(alerts) => deliver(&state, alerts).await,
        Err(reject) => reject.into_response(),
    }
}

async fn generic_route<S: AlertSink>(State(state): State<AppState<S>>, headers: HeaderMap, body: Body) -> Response {
    let parsed = match json_body(state.body_timeout, &headers, body).await {
        Ok(bytes) => generic::parse(&bytes),
        Err(reject) => Err(reject),
    };
    match parsed {
        Ok(alert) => deliver(&state, vec![alert]).await,
        Err(reject) => reject.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_type_only() {
        let with = |ct: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, ct.parse().unwrap());
            is_json(&h)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(with(" application/json ;charset=UTF-8"));
        assert!(!with("application/x-www-form-urlencoded"));
        assert!(!with("text/plain"));
        assert!(!with("application/jsonx"));
        assert!(!with("application/problem+json"));
        assert!(!is_json(&HeaderMap::new()), "missing is not JSON");
    }
}
