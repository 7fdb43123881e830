//! Publishing, as ntfy's `handlePublish`: plain text to `/{topic}` with the other fields in
//! headers or query parameters, or JSON to `/` (which ntfy turns into those same headers first,
//! so both take one path here too).

use super::actions::{self, ActionIn};
use super::message::{Attachment, MESSAGE, Message, NtfyError, errors, now_unix};
use super::params::{self, Params};
use super::{Call, DISALLOWED, Hub, authorize, valid_topic};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

/// ntfy's default `message-size-limit`: a longer body is an attachment (which this fake, like
/// a server without an attachment cache, refuses).
const MESSAGE_LIMIT: usize = 4096;

/// A JSON publish (ntfy's `publishMessage`); a field of the wrong JSON type is a 40024.
#[derive(Debug, Deserialize)]
struct PublishJson {
    topic: Option<String>,
    title: Option<String>,
    message: Option<String>,
    priority: Option<i64>,
    tags: Option<Vec<String>>,
    click: Option<String>,
    icon: Option<String>,
    actions: Option<Vec<ActionIn>>,
    attach: Option<String>,
    markdown: Option<bool>,
    filename: Option<String>,
    email: Option<String>,
    call: Option<String>,
    cache: Option<String>,
    delay: Option<String>,
}

/// `POST /` or `PUT /` with a JSON body.
pub(super) async fn json(State(hub): State<Arc<Hub>>, mut call: Call, body: Bytes) -> Result<Response, NtfyError> {
    if body.len() > 2 * MESSAGE_LIMIT {
        return Err(errors::JSON_TOO_LARGE.into());
    }
    // Like Go's json.Decoder: the first JSON value counts, whatever follows it.
    let first = serde_json::Deserializer::from_slice(&body).into_iter::<PublishJson>().next();
    let m = first.and_then(Result::ok).ok_or(errors::JSON_INVALID)?;
    let topic = m.topic.unwrap_or_default();
    if !valid_topic(&topic) {
        return Err(errors::TOPIC_INVALID.into());
    }
    let text = m.message.filter(|s| !s.is_empty()).unwrap_or_else(|| "triggered".into());
    let fields = [
        ("x-title", m.title),
        ("x-priority", m.priority.filter(|p| *p != 0).map(|p| p.to_string())),
        ("x-tags", m.tags.filter(|t| !t.is_empty()).map(|t| t.join(","))),
        ("x-attach", m.attach),
        ("x-filename", m.filename),
        ("x-click", m.click),
        ("x-icon", m.icon),
        ("x-markdown", m.markdown.filter(|md| *md).map(|_| "yes".into())),
        ("x-email", m.email),
        ("x-delay", m.delay),
        ("x-call", m.call),
        ("x-cache", m.cache),
    ];
    for (name, value) in fields {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            call.params.set(name, value);
        }
    }
    if let Some(list) = m.actions.filter(|a| !a.is_empty()) {
        call.params.set("x-actions", serde_json::to_string(&list).map_err(|_| errors::MESSAGE_JSON_INVALID)?);
    }
    publish(&hub, &call, &topic, text.as_bytes()).await
}

/// `POST /{topic}` or `PUT /{topic}`: the body is the message (what a phone's `http` action
/// sends).
pub(super) async fn text(
    State(hub): State<Arc<Hub>>,
    Path(topic): Path<String>,
    call: Call,
    body: Bytes,
) -> Result<Response, NtfyError> {
    if !valid_topic(&topic) {
        return Err(errors::NOT_FOUND.into());
    }
    publish(&hub, &call, &topic, &body).await
}

/// `GET /{topic}/publish` (or `/send`, `/trigger`): everything in query parameters.
pub(super) async fn via_get(
    State(hub): State<Arc<Hub>>,
    Path((topic, verb)): Path<(String, String)>,
    call: Call,
) -> Result<Response, NtfyError> {
    if !valid_topic(&topic) || !matches!(verb.as_str(), "publish" | "send" | "trigger") {
        return Err(errors::NOT_FOUND.into());
    }
    publish(&hub, &call, &topic, &[]).await
}

async fn publish(hub: &Arc<Hub>, call: &Call, topic: &str, body: &[u8]) -> Result<Response, NtfyError> {
    if DISALLOWED.contains(&topic) {
        return Err(errors::TOPIC_DISALLOWED.into());
    }
    authorize(call.caller)?;
    let p = &call.params;
    if let Some(delay) = hub.publish_delay() {
        tokio::time::sleep(delay).await;
    }
    let now = now_unix();
    let mut m = Message::new(MESSAGE, topic, now);
    let cache = p.flag(true, &["x-cache", "cache"]);
    read_params(&mut m, p, hub, cache, now)?;
    if cache {
        m.expires = m.time + i64::try_from(hub.config.cache_duration.as_secs()).unwrap_or(i64::MAX / 2);
    }
    read_body(&mut m, body)?;
    if m.message.is_empty() {
        m.message = "triggered".into();
    }
    let delayed = m.time > now;
    hub.accept(&m, cache, delayed);
    if delayed {
        let (hub, id) = (hub.clone(), m.id.clone());
        let wait = Duration::from_secs(u64::try_from(m.time - now).unwrap_or_default());
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            hub.deliver(&id);
        });
    }
    let headers = [("content-type", "application/json"), ("access-control-allow-origin", "*")];
    Ok((headers, m.line()).into_response())
}

/// ntfy's `parsePublishParams`, in its order (which decides the error a bad request gets).
fn read_params(m: &mut Message, p: &Params, hub: &Hub, cache: bool, now: i64) -> Result<(), NtfyError> {
    m.title = p.get(&["x-title", "title", "t"]);
    m.click = p.get(&["x-click", "click"]);
    let icon = p.get(&["x-icon", "icon"]);
    let filename = p.get(&["x-filename", "filename", "file", "f"]);
    let attach = p.get(&["x-attach", "attach", "a"]);
    if !attach.is_empty() || !filename.is_empty() {
        if !attach.is_empty() && !is_http_url(&attach) {
            return Err(errors::ATTACHMENT_URL_INVALID.into());
        }
        let mut name = filename;
        if name.is_empty() && !attach.is_empty() {
            let path = attach.split(['?', '#']).next().unwrap_or_default();
            name = path.rsplit('/').next().filter(|n| !n.is_empty() && !n.contains(':')).unwrap_or("attachment").into();
        }
        m.attachment = Some(Attachment { name, kind: String::new(), size: 0, expires: 0, url: attach });
    }
    if !icon.is_empty() {
        if !is_http_url(&icon) {
            return Err(errors::ICON_URL_INVALID.into());
        }
        m.icon = icon;
    }
    // No mail server and no phone-call provider, like a default ntfy server.
    if !p.get(&["x-email", "x-e-mail", "email", "e-mail", "mail", "e"]).is_empty() {
        return Err(errors::EMAIL_DISABLED.into());
    }
    if !p.get(&["x-call", "call"]).is_empty() {
        return Err(errors::CALLS_DISABLED.into());
    }
    let message = p.get(&["x-message", "message", "m"]).replace("\\n", "\n");
    if !message.is_empty() {
        m.message = message;
    }
    m.priority = params::priority(&p.get(&["x-priority", "priority", "prio", "p"]))?;
    m.tags = p.list(&["x-tags", "tags", "tag", "ta"]);
    let delay = p.get(&["x-delay", "delay", "x-at", "at", "x-in", "in"]);
    if !delay.is_empty() {
        if !cache {
            return Err(errors::DELAY_NO_CACHE.into());
        }
        let at = params::future_time(&delay, now).ok_or(errors::DELAY_UNPARSABLE)?;
        let secs = |d: Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2);
        if at < now + secs(hub.config.delay_min) {
            return Err(errors::DELAY_TOO_SMALL.into());
        } else if at > now + secs(hub.config.delay_max) {
            return Err(errors::DELAY_TOO_LARGE.into());
        }
        m.time = at;
    }
    let list = p.get(&["x-actions", "actions", "action"]);
    if !list.is_empty() {
        m.actions = actions::parse(&list).map_err(|why| NtfyError::from(errors::ACTIONS_INVALID).wrap(&why))?;
    }
    let markdown = p.flag(false, &["x-markdown", "markdown", "md"]);
    if markdown || p.get(&["content-type", "content_type"]).eq_ignore_ascii_case("text/markdown") {
        m.content_type = "text/markdown".into();
    }
    Ok(())
}

/// ntfy's `handlePublishBody` for a server without an attachment cache: a short UTF-8 body is
/// the message, anything else would be an uploaded file and is refused.
fn read_body(m: &mut Message, body: &[u8]) -> Result<(), NtfyError> {
    let external = m.attachment.as_ref().is_some_and(|a| !a.url.is_empty());
    if !external && (m.attachment.is_some() || body.len() > MESSAGE_LIMIT) {
        return Err(errors::ATTACHMENTS_DISALLOWED.into());
    }
    let Ok(text) = std::str::from_utf8(&body[..body.len().min(MESSAGE_LIMIT)]) else {
        return Err(if external { errors::NOT_UTF8.into() } else { errors::ATTACHMENTS_DISALLOWED.into() });
    };
    if !text.is_empty() {
        m.message = text.trim().to_owned();
    }
    if let Some(a) = m.attachment.as_ref().filter(|a| m.message.is_empty() && !a.name.is_empty()) {
        m.message = format!("You received a file: {}", a.name);
    }
    Ok(())
}

fn is_http_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}
