//! `POST /v1/alerts`: a plain JSON alert.
//!
//! `{"title": "...", "severity"?: "sev1".."sev4" | "critical" | ..., "urgency"?: "high" | "low",
//!   "service"?: "...", "dedup_key"?: "...", "details"?: "text" | {..labels..}, "url"?: "...",
//!   "action"?: "trigger" | "resolve"}`. Severity defaults to sev2; `resolve` needs `dedup_key`.

use super::limits::{self, MAX_DEDUP_KEY, MAX_SERVICE, MAX_TEXT, MAX_TITLE, MAX_URL};
use super::reject::{Reject, decode};
use klaxon_core::{Alert, AlertAction, Details, Severity, Urgency};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Severity of a generic alert that names none.
pub const DEFAULT_SEVERITY: Severity = Severity::Sev2;

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Action {
    Trigger,
    Resolve,
}

#[derive(Deserialize)]
struct Payload {
    title: Option<String>,
    severity: Option<String>,
    urgency: Option<String>,
    service: Option<String>,
    dedup_key: Option<String>,
    details: Option<serde_json::Value>,
    url: Option<String>,
    action: Option<Action>,
}

/// Labels from a JSON object; non-string values keep their JSON text.
pub(crate) fn labels(map: &serde_json::Map<String, serde_json::Value>) -> BTreeMap<String, String> {
    map.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned))).collect()
}

fn non_empty(field: &str, value: Option<String>) -> Result<Option<String>, Reject> {
    match value {
        Some(v) if v.trim().is_empty() => Err(Reject::field(field, "must not be empty")),
        other => Ok(other),
    }
}

pub(crate) fn parse(body: &[u8]) -> Result<Alert, Reject> {
    let p: Payload = decode(body)?;
    let action = match p.action.unwrap_or(Action::Trigger) {
        Action::Trigger => AlertAction::Trigger,
        Action::Resolve => AlertAction::Resolve,
    };
    let dedup_key = non_empty("dedup_key", p.dedup_key)?;
    limits::opt_text("dedup_key", dedup_key.as_deref(), MAX_DEDUP_KEY)?;
    let title = non_empty("title", p.title)?;
    limits::opt_text("title", title.as_deref(), MAX_TITLE)?;
    let title = match (title, action) {
        (Some(t), _) => t,
        (None, AlertAction::Trigger) => return Err(Reject::field("title", "missing field `title`")),
        (None, AlertAction::Resolve) => String::new(),
    };
    if action == AlertAction::Resolve && dedup_key.is_none() {
        return Err(Reject::field("dedup_key", "required to resolve an alert"));
    }
    let severity = match p.severity {
        Some(s) => Severity::from_label(&s).map_err(|e| Reject::field("severity", e.to_string()))?,
        None => DEFAULT_SEVERITY,
    };
    let urgency =
        p.urgency.map(|u| Urgency::from_label(&u)).transpose().map_err(|e| Reject::field("urgency", e.to_string()))?;
    let details = match p.details {
        None | Some(serde_json::Value::Null) => Details::default(),
        Some(serde_json::Value::String(text)) => Details { text: Some(text), labels: BTreeMap::new() },
        Some(serde_json::Value::Object(map)) => Details { text: None, labels: labels(&map) },
        Some(_) => return Err(Reject::field("details", "must be a string or an object")),
    };
    limits::opt_text("details", details.text.as_deref(), MAX_TEXT)?;
    limits::label_count(|| "details".into(), details.labels.len())?;
    limits::labels("details", &details.labels)?;
    let service = non_empty("service", p.service)?;
    limits::opt_text("service", service.as_deref(), MAX_SERVICE)?;
    limits::opt_text("url", p.url.as_deref(), MAX_URL)?;
    Ok(Alert {
        source: "webhook".into(),
        dedup_key,
        title,
        severity,
        urgency,
        service,
        details,
        web_url: p.url,
        action,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(body: &str) -> Option<String> {
        parse(body.as_bytes()).unwrap_err().field
    }

    #[test]
    fn parses_a_full_alert() {
        let a = parse(br#"{"title":"CPU hot","severity":"S0","urgency":"low","service":"api","dedup_key":"cpu","details":{"host":"a","n":3},"url":"http://x"}"#).unwrap();
        assert_eq!(a.title, "CPU hot");
        assert_eq!(a.severity, Severity::Sev1);
        assert_eq!(a.urgency, Some(Urgency::Low));
        assert_eq!(a.details.labels["n"], "3");
        assert_eq!(a.action, AlertAction::Trigger);
        let a = parse(br#"{"title":"x"}"#).unwrap();
        assert_eq!((a.severity, a.urgency, a.dedup_key), (DEFAULT_SEVERITY, None, None));
        let a = parse(br#"{"action":"resolve","dedup_key":"cpu"}"#).unwrap();
        assert_eq!(a.action, AlertAction::Resolve);
    }

    #[test]
    fn names_the_bad_field() {
        assert_eq!(field_of(r#"{"severity":"sev1"}"#).as_deref(), Some("title"));
        assert_eq!(field_of(r#"{"title":""}"#).as_deref(), Some("title"));
        assert_eq!(field_of(r#"{"title":5}"#).as_deref(), Some("title"));
        assert_eq!(field_of(r#"{"title":"x","severity":"urgent!"}"#).as_deref(), Some("severity"));
        assert_eq!(field_of(r#"{"title":"x","urgency":"max"}"#).as_deref(), Some("urgency"));
        assert_eq!(field_of(r#"{"title":"x","action":"explode"}"#).as_deref(), Some("action"));
        assert_eq!(field_of(r#"{"title":"x","details":[1]}"#).as_deref(), Some("details"));
        assert_eq!(field_of(r#"{"action":"resolve"}"#).as_deref(), Some("dedup_key"));
    }

    #[test]
    fn caps_every_stored_text_field() {
        let long = |n: usize| serde_json::Value::String("x".repeat(n));
        let cases = [
            ("title", MAX_TITLE, "title"),
            ("service", MAX_SERVICE, "service"),
            ("dedup_key", MAX_DEDUP_KEY, "dedup_key"),
            ("url", MAX_URL, "url"),
            ("details", MAX_TEXT, "details"),
        ];
        for (key, max, field) in cases {
            let mut body = serde_json::json!({"title": "t"});
            body[key] = long(max);
            assert!(parse(body.to_string().as_bytes()).is_ok(), "{key} at its cap");
            body[key] = long(max + 1);
            assert_eq!(field_of(&body.to_string()).as_deref(), Some(field), "{key} over its cap");
        }
        let body = serde_json::json!({"title": "t", "details": {"host": "x".repeat(limits::MAX_LABEL_VALUE + 1)}});
        assert_eq!(field_of(&body.to_string()).as_deref(), Some("details.host"));
        let many: serde_json::Map<String, serde_json::Value> =
            (0..=limits::MAX_LABELS).map(|i| (format!("k{i}"), serde_json::Value::from(i))).collect();
        let body = serde_json::json!({"title": "t", "details": many});
        assert_eq!(field_of(&body.to_string()).as_deref(), Some("details"));
    }

    #[test]
    fn malformed_json_is_its_own_error() {
        let e = parse(b"{\"title\": ").unwrap_err();
        assert_eq!(e.code, "malformed_json");
        let e = parse(b"{\"title\":\"a\"} trailing").unwrap_err();
        assert_eq!(e.code, "malformed_json");
        let e = parse(b"[]").unwrap_err();
        assert_eq!(e.code, "invalid_body");
    }
}
