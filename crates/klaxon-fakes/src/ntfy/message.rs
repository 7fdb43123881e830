//! ntfy's JSON shapes as its server sends them (server/types.go, server/errors.go): a message
//! event, its action buttons and attachment, and the error body. Empty fields are left out, as
//! Go's `omitempty` does, so what a test reads here is what a client reads off the wire.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `event` of a published message.
pub const MESSAGE: &str = "message";
/// The `event` a JSON stream starts with.
pub const OPEN: &str = "open";
/// The `event` a JSON stream sends now and then to keep the connection alive.
pub const KEEPALIVE: &str = "keepalive";

/// One event of a topic: a published message, or a stream's `open` / `keepalive`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// 12 random alphanumeric characters.
    pub id: String,
    /// Unix seconds (for a delayed message: when it is delivered).
    pub time: i64,
    /// Unix seconds when the server forgets it; 0 (absent) for stream events and uncached ones.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub expires: i64,
    /// [`MESSAGE`], [`OPEN`] or [`KEEPALIVE`].
    pub event: String,
    /// The topic (a stream's `open`/`keepalive` name all its topics, comma-separated).
    pub topic: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// 1 (min) to 5 (max); 0 (absent) when the publisher set none, which phones show as 3.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub priority: u8,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The URL a tap on the notification opens.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub click: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub icon: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    /// `text/markdown` for a markdown message, else absent (plain text).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub content_type: String,
}

impl Message {
    /// The priority a phone uses: the one set, or 3.
    pub fn effective_priority(&self) -> u8 {
        if self.priority == 0 { 3 } else { self.priority }
    }

    /// The first action with this label.
    pub fn action(&self, label: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.label == label)
    }

    /// A stream event (`open`, `keepalive`) for `topic`.
    pub(crate) fn stream_event(event: &str, topic: &str) -> Self {
        Self::new(event, topic, now_unix())
    }

    pub(crate) fn new(event: &str, topic: &str, time: i64) -> Self {
        Self {
            id: random_id(12),
            time,
            expires: 0,
            event: event.to_owned(),
            topic: topic.to_owned(),
            title: String::new(),
            message: String::new(),
            priority: 0,
            tags: Vec::new(),
            click: String::new(),
            icon: String::new(),
            actions: Vec::new(),
            attachment: None,
            content_type: String::new(),
        }
    }

    /// The message as a line of a JSON stream (or a publish answer), newline-terminated like
    /// Go's `json.Encoder`.
    pub(crate) fn line(&self) -> String {
        let mut line = serde_json::to_string(self).unwrap_or_default();
        line.push('\n');
        line
    }
}

/// An action button of a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// 10 random alphanumeric characters, given by the server.
    pub id: String,
    /// `view`, `http` or `broadcast`.
    pub action: String,
    pub label: String,
    /// Dismiss the notification once the action succeeded (always present, like ntfy's).
    #[serde(default)]
    pub clear: bool,
    /// What `view` opens and `http` requests.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// `http` only, upper-cased; absent means POST (the phone's default).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub method: String,
    /// `http` only.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// `http` only.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    /// `broadcast` only: the Android intent.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub intent: String,
    /// `broadcast` only: the intent's extras.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extras: BTreeMap<String, String>,
}

/// A file linked to a message (this fake takes external URLs only, see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub size: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub expires: i64,
    pub url: String,
}

/// ntfy's error body: `{"code":40009,"http":400,"error":"...","link":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NtfyError {
    /// ntfy's own code: the HTTP status times 100 plus a number.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub code: u32,
    /// The HTTP status.
    pub http: u16,
    /// What went wrong.
    pub error: String,
    /// The docs on it, if any.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub link: String,
}

impl NtfyError {
    pub(crate) fn new(code: u32, error: &str, link: &str) -> Self {
        let http = u16::try_from(code / 100).unwrap_or(500);
        Self { code, http, error: error.to_owned(), link: link.to_owned() }
    }

    /// The same error with `detail` appended, as ntfy's `Wrap` does.
    pub(crate) fn wrap(mut self, detail: &str) -> Self {
        self.error = format!("{}; {detail}", self.error);
        self
    }
}

impl IntoResponse for NtfyError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.http).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = serde_json::to_string(&self).unwrap_or_default();
        body.push('\n');
        (status, [("content-type", "application/json"), ("access-control-allow-origin", "*")], body).into_response()
    }
}

/// The errors the fake answers, with ntfy's codes, texts and links (server/errors.go).
pub(crate) mod errors {
    use super::NtfyError;

    /// An error as ntfy declares it: code, text, link.
    #[derive(Debug, Clone, Copy)]
    pub struct Spec(u32, &'static str, &'static str);

    impl From<Spec> for NtfyError {
        fn from(Spec(code, error, link): Spec) -> Self {
            NtfyError::new(code, error, link)
        }
    }

    const SCHEDULED: &str = "https://ntfy.sh/docs/publish/#scheduled-delivery";
    const AUTH: &str = "https://ntfy.sh/docs/publish/#authentication";

    pub const EMAIL_DISABLED: Spec =
        Spec(40001, "e-mail notifications are not enabled", "https://ntfy.sh/docs/config/#e-mail-notifications");
    pub const DELAY_NO_CACHE: Spec = Spec(40002, "cannot disable cache for delayed message", "");
    pub const DELAY_UNPARSABLE: Spec = Spec(40004, "invalid delay parameter: unable to parse delay", SCHEDULED);
    pub const DELAY_TOO_SMALL: Spec =
        Spec(40005, "invalid delay parameter: too small, please refer to the docs", SCHEDULED);
    pub const DELAY_TOO_LARGE: Spec =
        Spec(40006, "invalid delay parameter: too large, please refer to the docs", SCHEDULED);
    pub const PRIORITY_INVALID: Spec =
        Spec(40007, "invalid priority parameter", "https://ntfy.sh/docs/publish/#message-priority");
    pub const SINCE_INVALID: Spec =
        Spec(40008, "invalid since parameter", "https://ntfy.sh/docs/subscribe/api/#fetch-cached-messages");
    pub const TOPIC_INVALID: Spec = Spec(40009, "invalid request: topic invalid", "");
    pub const TOPIC_DISALLOWED: Spec = Spec(40010, "invalid request: topic name is not allowed", "");
    pub const NOT_UTF8: Spec = Spec(40011, "invalid request: message must be UTF-8 encoded", "");
    pub const ATTACHMENT_URL_INVALID: Spec =
        Spec(40013, "invalid request: attachment URL is invalid", "https://ntfy.sh/docs/publish/#attachments");
    pub const ATTACHMENTS_DISALLOWED: Spec =
        Spec(40014, "invalid request: attachments not allowed", "https://ntfy.sh/docs/config/#attachments");
    pub const MESSAGE_JSON_INVALID: Spec = Spec(
        40017,
        "invalid request: request body must be message JSON",
        "https://ntfy.sh/docs/publish/#publish-as-json",
    );
    pub const ACTIONS_INVALID: Spec =
        Spec(40018, "invalid request: actions invalid", "https://ntfy.sh/docs/publish/#action-buttons");
    pub const ICON_URL_INVALID: Spec =
        Spec(40021, "invalid request: icon URL is invalid", "https://ntfy.sh/docs/publish/#icons");
    pub const JSON_INVALID: Spec = Spec(40024, "invalid request: request body must be valid JSON", "");
    pub const CALLS_DISABLED: Spec =
        Spec(40032, "invalid request: calling is disabled", "https://ntfy.sh/docs/config/#phone-calls");
    pub const UNAUTHORIZED: Spec = Spec(40101, "unauthorized", AUTH);
    pub const FORBIDDEN: Spec = Spec(40301, "forbidden", AUTH);
    pub const NOT_FOUND: Spec = Spec(40401, "page not found", "");
    pub const JSON_TOO_LARGE: Spec = Spec(41303, "JSON body too large", "");
}

/// `len` random characters of `[a-zA-Z0-9]`, like ntfy's `util.RandomString`.
pub(crate) fn random_id(len: usize) -> String {
    use rand::Rng;
    rand::rng().sample_iter(rand::distr::Alphanumeric).take(len).map(char::from).collect()
}

pub(crate) fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

fn is_zero<T: Default + PartialEq>(n: &T) -> bool {
    *n == T::default()
}
