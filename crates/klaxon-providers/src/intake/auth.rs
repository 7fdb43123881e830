//! Bearer-token check, done before the body is read.

use super::reject::Reject;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use klaxon_core::Secret;
use std::sync::Arc;

/// Compares in time independent of where the inputs differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) async fn require_token(State(token): State<Arc<Secret>>, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
    match given {
        Some(t) if same(t.trim().as_bytes(), token.expose().as_bytes()) => next.run(request).await,
        Some(_) => Reject::new(StatusCode::UNAUTHORIZED, "unauthorized", "wrong intake token").into_response(),
        None => Reject::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing `Authorization: Bearer <intake token>` header (see `klaxon intake token`)",
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn compares_exactly() {
        assert!(super::same(b"abc", b"abc"));
        assert!(!super::same(b"abc", b"abd"));
        assert!(!super::same(b"abc", b"abcd"));
        assert!(!super::same(b"", b"a"));
    }
}
