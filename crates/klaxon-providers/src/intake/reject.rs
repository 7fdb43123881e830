//! Clear JSON errors for rejected requests.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A refused request: status, machine code, the offending field if any, and a message.
#[derive(Debug)]
pub(crate) struct Reject {
    pub status: StatusCode,
    pub code: &'static str,
    pub field: Option<String>,
    pub message: String,
}

impl Reject {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, field: None, message: message.into() }
    }

    /// 400 naming the field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = format!("{field}: {}", message.into());
        Self { status: StatusCode::BAD_REQUEST, code: "invalid_field", field: Some(field), message }
    }

    /// Turns a JSON decoding error into a 400 that names the field when there is one.
    pub fn from_json(err: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let inner = err.inner();
        let path = err.path().to_string();
        let text = inner.to_string();
        if inner.is_syntax() || inner.is_eof() {
            return Self::new(StatusCode::BAD_REQUEST, "malformed_json", format!("malformed JSON: {text}"));
        }
        // serde reports a missing field at its parent's path; name the field itself.
        let missing = text.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
        let field = match (missing, path.as_str()) {
            (Some(name), "." | "") => name.to_owned(),
            (Some(name), parent) => format!("{parent}.{name}"),
            (None, "." | "") => return Self::new(StatusCode::BAD_REQUEST, "invalid_body", text),
            (None, p) => p.to_owned(),
        };
        let message = text.split(" at line ").next().unwrap_or(&text).to_owned();
        Self::field(field, message)
    }
}

/// Decodes a whole JSON body (no trailing data), naming the offending field on failure.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Reject> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(Reject::from_json)?;
    de.end().map_err(|e| Reject::new(StatusCode::BAD_REQUEST, "malformed_json", format!("malformed JSON: {e}")))?;
    Ok(value)
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "field": self.field, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}
