//! The intake over real loopback HTTP: every good and bad case of the contract.
#![allow(clippy::unwrap_used)] // the helpers below (and in common/) are test code outside #[test] functions

mod common;

use common::{Recorder, TOKEN};
use klaxon_core::team_file::Grouping;
use klaxon_core::{AlertAction, Secret, Severity};
use klaxon_providers::intake::limits::{MAX_LABEL_VALUE, MAX_SERVICE, MAX_TITLE};
use klaxon_providers::intake::{ConnectionLimits, IntakeConfig, IntakeHandle, serve};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;

struct Intake {
    handle: IntakeHandle,
    sink: Arc<Recorder>,
    http: reqwest::Client,
}

impl Intake {
    async fn start(grouping: Grouping, fail: bool) -> Self {
        let sink = Arc::new(Recorder { fail, ..Default::default() });
        let handle = common::start(grouping, sink.clone(), ConnectionLimits::default()).await;
        Self { handle, sink, http: reqwest::Client::new() }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.handle.local_addr())
    }

    async fn post(&self, path: &str, token: Option<&str>, body: impl Into<reqwest::Body>) -> (StatusCode, Value) {
        let mut req = self.http.post(self.url(path)).header("content-type", "application/json").body(body);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("non-JSON body {status}: {text}")))
    }

    fn stored(&self) -> usize {
        self.sink.stored()
    }
}

fn am_payload(status: &str) -> Value {
    json!({
        "version": "4", "groupKey": "{}:{alertname=\"HighLatency\"}", "status": status, "receiver": "klaxon",
        "groupLabels": {"alertname": "HighLatency"}, "commonLabels": {"alertname": "HighLatency"},
        "commonAnnotations": {}, "externalURL": "http://127.0.0.1:9093", "truncatedAlerts": 0,
        "alerts": [{
            "status": status, "labels": {"alertname": "HighLatency", "severity": "critical", "job": "api"},
            "annotations": {"summary": "p99 latency over 2s"}, "startsAt": "2026-11-21T00:00:00Z",
            "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://127.0.0.1:9090/graph", "fingerprint": "f00d"
        }]
    })
}

#[tokio::test]
async fn accepts_alertmanager_webhooks() {
    let intake = Intake::start(Grouping::Alert, false).await;
    let (status, body) = intake.post("/v1/alertmanager", Some(TOKEN), am_payload("firing").to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["accepted"][0], json!({"incident": 1, "change": "created"}));
    let (status, _) = intake.post("/v1/alertmanager", Some(TOKEN), am_payload("resolved").to_string()).await;
    assert_eq!(status, StatusCode::OK);
    let alerts = intake.sink.alerts.lock().unwrap().clone();
    assert_eq!(alerts.len(), 2);
    assert_eq!(alerts[0].title, "p99 latency over 2s");
    assert_eq!(alerts[0].severity, Severity::Sev1);
    assert_eq!(alerts[0].service.as_deref(), Some("api"));
    assert_eq!(alerts[0].dedup_key, alerts[1].dedup_key);
    assert_eq!(alerts[1].action, AlertAction::Resolve);
    intake.handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn groups_when_configured() {
    let intake = Intake::start(Grouping::Group, false).await;
    let (status, _) = intake.post("/v1/alertmanager", Some(TOKEN), am_payload("firing").to_string()).await;
    assert_eq!(status, StatusCode::OK);
    let alerts = intake.sink.alerts.lock().unwrap().clone();
    assert!(alerts[0].dedup_key.as_deref().unwrap().starts_with("alertmanager-group:"));
    intake.handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn accepts_generic_alerts() {
    let intake = Intake::start(Grouping::Alert, false).await;
    let body = json!({"title": "Queue backed up", "severity": "warning", "service": "jobs", "dedup_key": "q1"});
    let (status, resp) = intake.post("/v1/alerts", Some(TOKEN), body.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{resp}");
    let alerts = intake.sink.alerts.lock().unwrap().clone();
    assert_eq!((alerts[0].title.as_str(), alerts[0].severity), ("Queue backed up", Severity::Sev3));
    intake.handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_input_is_rejected_clearly_and_stores_nothing() {
    let intake = Intake::start(Grouping::Alert, false).await;
    /// Path, token, body, and the status, code and field expected.
    type Case<'a> = (&'a str, Option<&'a str>, String, StatusCode, &'a str, Option<&'a str>);
    let cases: Vec<Case> = vec![
        ("/v1/alerts", Some(TOKEN), "{\"title\": ".into(), StatusCode::BAD_REQUEST, "malformed_json", None),
        (
            "/v1/alerts",
            Some(TOKEN),
            json!({"severity": "sev1"}).to_string(),
            StatusCode::BAD_REQUEST,
            "invalid_field",
            Some("title"),
        ),
        (
            "/v1/alerts",
            Some(TOKEN),
            json!({"title": "x", "severity": "bad"}).to_string(),
            StatusCode::BAD_REQUEST,
            "invalid_field",
            Some("severity"),
        ),
        (
            "/v1/alertmanager",
            Some(TOKEN),
            json!({"version": "4", "groupKey": "g", "status": "firing"}).to_string(),
            StatusCode::BAD_REQUEST,
            "invalid_field",
            Some("alerts"),
        ),
        ("/v1/alertmanager", Some(TOKEN), "not json".into(), StatusCode::BAD_REQUEST, "malformed_json", None),
        (
            "/v1/alerts",
            Some("wrong"),
            json!({"title": "x"}).to_string(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            None,
        ),
        ("/v1/alerts", None, json!({"title": "x"}).to_string(), StatusCode::UNAUTHORIZED, "unauthorized", None),
        ("/v1/alertmanager", None, am_payload("firing").to_string(), StatusCode::UNAUTHORIZED, "unauthorized", None),
        ("/v1/nope", Some(TOKEN), "{}".into(), StatusCode::NOT_FOUND, "not_found", None),
    ];
    for (path, token, body, want_status, want_code, want_field) in cases {
        let (status, resp) = intake.post(path, token, body.clone()).await;
        assert_eq!(status, want_status, "{path} {body}: {resp}");
        assert_eq!(resp["error"]["code"], want_code, "{path} {body}: {resp}");
        assert_eq!(resp["error"]["field"].as_str(), want_field, "{path} {body}: {resp}");
        assert!(!resp["error"]["message"].as_str().unwrap().is_empty());
    }
    // Over 1 MiB: 413, even with a valid shape.
    let big = json!({"title": "x", "details": "y".repeat(1024 * 1024 + 1)}).to_string();
    let (status, resp) = intake.post("/v1/alerts", Some(TOKEN), big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{resp}");
    assert_eq!(resp["error"]["code"], "payload_too_large");
    // Wrong method: 405.
    let resp = intake.http.get(intake.url("/v1/alerts")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(intake.stored(), 0, "nothing rejected was stored");
    intake.handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn health_needs_no_token() {
    let intake = Intake::start(Grouping::Alert, false).await;
    let resp = intake.http.get(intake.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.json::<Value>().await.unwrap(), json!({"status": "ok"}));
    intake.handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn storage_failure_is_503_so_senders_retry() {
    let intake = Intake::start(Grouping::Alert, true).await;
    let (status, resp) = intake.post("/v1/alerts", Some(TOKEN), json!({"title": "x"}).to_string()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp["error"]["code"], "unavailable");
    intake.handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_taken_port_is_a_clear_error() {
    let intake = Intake::start(Grouping::Alert, false).await;
    let config = IntakeConfig::new(intake.handle.local_addr(), Secret::new(TOKEN), Grouping::Alert);
    let err = serve(config, Arc::new(Recorder::default())).await.unwrap_err();
    assert!(err.to_string().contains("cannot listen on 127.0.0.1:"), "{err}");
    intake.handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn only_json_bodies_are_taken() {
    let intake = Intake::start(Grouping::Alert, false).await;
    let generic = json!({"title": "x"}).to_string();
    let am = am_payload("firing").to_string();
    for (path, body) in [("/v1/alerts", &generic), ("/v1/alertmanager", &am)] {
        for content_type in [None, Some("application/x-www-form-urlencoded"), Some("text/plain"), Some("text/json")] {
            let mut req = intake.http.post(intake.url(path)).bearer_auth(TOKEN).body(body.clone());
            if let Some(ct) = content_type {
                req = req.header("content-type", ct);
            }
            let resp = req.send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{path} {content_type:?}");
            let resp: Value = resp.json().await.unwrap();
            assert_eq!(resp["error"]["code"], "unsupported_media_type", "{path} {content_type:?}");
            assert_eq!(resp["error"]["field"], Value::Null);
        }
        // The token is checked first.
        let resp = intake.http.post(intake.url(path)).header("content-type", "text/plain").body(body.clone());
        assert_eq!(resp.send().await.unwrap().status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(intake.stored(), 0, "nothing but JSON was stored");
    // Any case, with parameters: taken.
    for (path, body) in [("/v1/alerts", &generic), ("/v1/alertmanager", &am)] {
        let req = intake.http.post(intake.url(path)).bearer_auth(TOKEN);
        let resp = req.header("content-type", "Application/JSON; charset=UTF-8").body(body.clone()).send().await;
        assert_eq!(resp.unwrap().status(), StatusCode::OK, "{path}");
    }
    assert_eq!(intake.stored(), 2);
    intake.handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn text_fields_have_the_same_caps_on_both_endpoints() {
    let intake = Intake::start(Grouping::Alert, false).await;
    let long = |n: usize| "x".repeat(n);
    let am = |labels: Value, annotations: Value| {
        let mut p = am_payload("firing");
        p["alerts"][0]["labels"].as_object_mut().unwrap().extend(labels.as_object().unwrap().clone());
        p["alerts"][0]["annotations"].as_object_mut().unwrap().extend(annotations.as_object().unwrap().clone());
        p
    };
    // A plain JSON sender is told which field is too long (it can fix it): nothing is stored.
    let cases = [
        (json!({"title": long(MAX_TITLE + 1)}), "title"),
        (json!({"title": "t", "service": long(MAX_SERVICE + 1)}), "service"),
        (json!({"title": "t", "details": {"instance": long(MAX_LABEL_VALUE + 1)}}), "details.instance"),
    ];
    for (body, field) in cases {
        let (status, resp) = intake.post("/v1/alerts", Some(TOKEN), body.to_string()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {resp}");
        assert_eq!(resp["error"]["field"], field, "{resp}");
        assert!(resp["error"]["message"].as_str().unwrap().contains("longer than"), "{resp}");
    }
    assert_eq!(intake.stored(), 0);
    // Alertmanager drops what it gets a 4xx for: the same caps cut the fields instead, and the page
    // comes with a label saying what was cut.
    let over = am(
        json!({"job": long(MAX_SERVICE + 1), "instance": long(MAX_LABEL_VALUE + 1)}),
        json!({"summary": long(MAX_TITLE + 1)}),
    );
    let (status, resp) = intake.post("/v1/alertmanager", Some(TOKEN), over.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{resp}");
    let cut = intake.sink.alerts.lock().unwrap()[0].clone();
    assert_eq!(cut.title.chars().count(), MAX_TITLE);
    assert_eq!(cut.service.as_deref().map(|s| s.chars().count()), Some(MAX_SERVICE));
    assert_eq!(cut.details.labels["instance"].chars().count(), MAX_LABEL_VALUE);
    assert_eq!(cut.details.labels["klaxon.truncated"], "title, service, label values");
    // At the caps: taken whole on both.
    let body = json!({"title": long(MAX_TITLE), "service": long(MAX_SERVICE), "details": {"i": long(MAX_LABEL_VALUE)}});
    assert_eq!(intake.post("/v1/alerts", Some(TOKEN), body.to_string()).await.0, StatusCode::OK);
    let body = am(json!({"job": long(MAX_SERVICE), "i": long(MAX_LABEL_VALUE)}), json!({"summary": long(MAX_TITLE)}));
    assert_eq!(intake.post("/v1/alertmanager", Some(TOKEN), body.to_string()).await.0, StatusCode::OK);
    let alerts = intake.sink.alerts.lock().unwrap().clone();
    assert_eq!((alerts[1].title.chars().count(), alerts[2].title.chars().count()), (MAX_TITLE, MAX_TITLE));
    assert_eq!(alerts[2].service.as_deref().map(str::len), Some(MAX_SERVICE));
    assert!(!alerts[2].details.labels.contains_key("klaxon.truncated"));
    intake.handle.shutdown().await.unwrap();
}
