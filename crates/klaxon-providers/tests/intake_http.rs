//! The intake over real loopback HTTP: every good and bad case of the contract.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use klaxon_core::team_file::Grouping;
use klaxon_core::{Alert, AlertAction, IncidentId, Secret, Severity};
use klaxon_providers::intake::{Accepted, AlertSink, Change, IntakeConfig, IntakeHandle, serve};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const TOKEN: &str = "test-token-123";

#[derive(Default)]
struct Recorder {
    alerts: Mutex<Vec<Alert>>,
    fail: bool,
}

impl AlertSink for Recorder {
    async fn ingest(&self, alerts: Vec<Alert>) -> Result<Vec<Accepted>, Box<dyn std::error::Error + Send + Sync>> {
        if self.fail {
            return Err("disk on fire".into());
        }
        let mut all = self.alerts.lock().unwrap();
        let out = alerts
            .iter()
            .enumerate()
            .map(|(i, _)| Accepted { incident: Some(IncidentId((all.len() + i + 1) as i64)), change: Change::Created })
            .collect();
        all.extend(alerts);
        Ok(out)
    }
}

struct Intake {
    handle: IntakeHandle,
    sink: Arc<Recorder>,
    http: reqwest::Client,
}

impl Intake {
    async fn start(grouping: Grouping, fail: bool) -> Self {
        let sink = Arc::new(Recorder { fail, ..Default::default() });
        let config = IntakeConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            token: Secret::new(TOKEN),
            grouping,
            unknown_severity: Severity::Sev2,
        };
        let handle = serve(config, sink.clone()).await.unwrap();
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
        self.sink.alerts.lock().unwrap().len()
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
    // (path, token, body, status, error code, detail)
    #[allow(clippy::type_complexity)]
    let cases: Vec<(&str, Option<&str>, String, StatusCode, &str, Option<&str>)> = vec![
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
    let config = IntakeConfig {
        listen: intake.handle.local_addr(),
        token: Secret::new(TOKEN),
        grouping: Grouping::Alert,
        unknown_severity: Severity::Sev2,
    };
    let err = serve(config, Arc::new(Recorder::default())).await.unwrap_err();
    assert!(err.to_string().contains("cannot listen on 127.0.0.1:"), "{err}");
    intake.handle.shutdown().await.unwrap();
}
