//! `POST /v1/alertmanager`: Prometheus Alertmanager's webhook payload (version "4").
//!
//! One incident per alert fingerprint (or per group with `alertmanager_grouping = "group"`).
//! Severity from the `severity` label (missing or unknown → the team file's `unknown_severity`,
//! sev2 by default: a pager errs loud), title from the `summary` annotation or the `alertname`
//! label, service from the `service` or `job` label, `"status": "resolved"` resolves.

use super::limits;
use super::reject::{Reject, decode};
use klaxon_core::team_file::Grouping;
use klaxon_core::{Alert, AlertAction, Details, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;

type Labels = BTreeMap<String, String>;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Webhook {
    version: String,
    group_key: String,
    status: Status,
    #[serde(default)]
    group_labels: Labels,
    #[serde(default)]
    common_labels: Labels,
    #[serde(default)]
    common_annotations: Labels,
    #[serde(rename = "externalURL", default)]
    external_url: Option<String>,
    alerts: Vec<AmAlert>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Status {
    Firing,
    Resolved,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AmAlert {
    status: Status,
    #[serde(default)]
    labels: Labels,
    #[serde(default)]
    annotations: Labels,
    #[serde(rename = "generatorURL", default)]
    generator_url: Option<String>,
    fingerprint: String,
}

/// A value taken from one of the payload's maps: the map's field name, the key, the value.
type Found<'a> = (&'static str, &'static str, &'a String);

/// The first of `sources` present.
fn first<'a>(sources: &[(&'static str, &'a Labels, &'static str)]) -> Option<Found<'a>> {
    sources.iter().find_map(|&(at, map, key)| map.get(key).map(|v| (at, key, v)))
}

fn alert_title(a: &AmAlert) -> Option<Found<'_>> {
    first(&[("annotations", &a.annotations, "summary"), ("labels", &a.labels, "alertname")])
}

fn group_title(w: &Webhook) -> Option<Found<'_>> {
    first(&[
        ("commonAnnotations", &w.common_annotations, "summary"),
        ("groupLabels", &w.group_labels, "alertname"),
        ("commonLabels", &w.common_labels, "alertname"),
    ])
}

fn service_of<'a>(at: &'static str, labels: &'a Labels) -> Option<Found<'a>> {
    first(&[(at, labels, "service"), (at, labels, "job")])
}

/// The `severity` label's severity; `unknown` when it is missing or names none.
fn severity(labels: &Labels, unknown: Severity) -> Severity {
    labels.get("severity").and_then(|s| Severity::from_label(s).ok()).unwrap_or(unknown)
}

fn action(status: Status) -> AlertAction {
    match status {
        Status::Firing => AlertAction::Trigger,
        Status::Resolved => AlertAction::Resolve,
    }
}

fn details(labels: &Labels, annotations: &Labels) -> Details {
    let mut all = labels.clone();
    all.extend(annotations.iter().map(|(k, v)| (format!("annotation.{k}"), v.clone())));
    let text = annotations.get("description").or_else(|| annotations.get("summary")).cloned();
    Details { text, labels: all }
}

fn one(alert: &AmAlert, unknown: Severity) -> Alert {
    Alert {
        source: "alertmanager".into(),
        dedup_key: Some(format!("alertmanager:{}", alert.fingerprint)),
        title: alert_title(alert).map_or_else(|| "Alertmanager alert".to_owned(), |(_, _, t)| t.clone()),
        severity: severity(&alert.labels, unknown),
        urgency: None,
        service: service_of("labels", &alert.labels).map(|(_, _, s)| s.clone()),
        details: details(&alert.labels, &alert.annotations),
        web_url: alert.generator_url.clone(),
        action: action(alert.status),
    }
}

fn group(w: &Webhook, unknown: Severity) -> Alert {
    let firing = w.alerts.iter().filter(|a| a.status == Status::Firing).count();
    let name = group_title(w).map_or("Alertmanager group", |(_, _, t)| t.as_str());
    let worst = w.alerts.iter().map(|a| severity(&a.labels, unknown)).min().unwrap_or(unknown);
    let mut d = details(&w.common_labels, &w.common_annotations);
    d.labels.insert("firing".into(), firing.to_string());
    Alert {
        source: "alertmanager".into(),
        dedup_key: Some(format!("alertmanager-group:{}", w.group_key)),
        title: format!("{name} ({firing} firing)"),
        severity: worst,
        urgency: None,
        service: service_of("commonLabels", &w.common_labels).map(|(_, _, s)| s.clone()),
        details: d,
        web_url: w.external_url.clone(),
        action: action(w.status),
    }
}

/// Parses a webhook; alerts without a known `severity` label get `unknown`.
pub(crate) fn parse(body: &[u8], grouping: Grouping, unknown: Severity) -> Result<Vec<Alert>, Reject> {
    let w: Webhook = decode(body)?;
    if w.version != "4" {
        return Err(Reject::field("version", format!("unsupported webhook version `{}` (expected \"4\")", w.version)));
    }
    if let Some(i) = w.alerts.iter().position(|a| a.fingerprint.trim().is_empty()) {
        return Err(Reject::field(format!("alerts[{i}].fingerprint"), "must not be empty"));
    }
    let mut alerts = match grouping {
        Grouping::Alert => w.alerts.iter().map(|a| one(a, unknown)).collect(),
        Grouping::Group if w.alerts.is_empty() => Vec::new(),
        Grouping::Group => vec![group(&w, unknown)],
    };
    // Alertmanager drops an alert it gets a 4xx for: cut what is too long instead (and say so).
    for alert in &mut alerts {
        let cut = limits::cap_alert(alert);
        if !cut.is_empty() {
            tracing::warn!(fields = ?cut, dedup_key = ?alert.dedup_key, "Alertmanager alert over the intake's caps; cut");
        }
    }
    Ok(alerts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use limits::{MAX_DEDUP_KEY, MAX_SERVICE, MAX_TEXT, MAX_TITLE, MAX_URL};

    const BODY: &str = r#"{
      "version": "4", "groupKey": "{}:{alertname=\"DiskFull\"}", "status": "firing", "receiver": "klaxon",
      "groupLabels": {"alertname": "DiskFull"}, "commonLabels": {"alertname": "DiskFull", "job": "node"},
      "commonAnnotations": {}, "externalURL": "http://am:9093", "truncatedAlerts": 0,
      "alerts": [
        {"status": "firing", "labels": {"alertname": "DiskFull", "severity": "critical", "job": "node", "instance": "a"},
         "annotations": {"summary": "Disk full on a", "description": "99% used"}, "startsAt": "2026-11-21T00:00:00Z",
         "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prom/graph", "fingerprint": "aaa"},
        {"status": "resolved", "labels": {"alertname": "DiskFull", "severity": "warning", "service": "db", "job": "node"},
         "annotations": {}, "startsAt": "2026-11-21T00:00:00Z", "endsAt": "2026-11-21T00:05:00Z",
         "generatorURL": "", "fingerprint": "bbb"}
      ]}"#;

    #[test]
    fn one_alert_per_fingerprint() {
        let alerts = parse(BODY.as_bytes(), Grouping::Alert, Severity::Sev2).unwrap();
        assert_eq!(alerts.len(), 2);
        let a = &alerts[0];
        assert_eq!(a.dedup_key.as_deref(), Some("alertmanager:aaa"));
        assert_eq!(a.title, "Disk full on a");
        assert_eq!(a.severity, Severity::Sev1);
        assert_eq!(a.service.as_deref(), Some("node"));
        assert_eq!(a.details.text.as_deref(), Some("99% used"));
        assert_eq!(a.details.labels["instance"], "a");
        assert_eq!(a.action, AlertAction::Trigger);
        let b = &alerts[1];
        assert_eq!((b.title.as_str(), b.severity, b.action), ("DiskFull", Severity::Sev3, AlertAction::Resolve));
        assert_eq!(b.service.as_deref(), Some("db"), "service label wins over job");
    }

    fn severity_of(label: Option<&str>, unknown: Severity) -> Severity {
        let labels = label.map_or_else(String::new, |l| format!(r#""severity": "{l}""#));
        let body = format!(
            r#"{{"version": "4", "groupKey": "g", "status": "firing", "alerts": [
              {{"status": "firing", "labels": {{{labels}}}, "fingerprint": "f"}}]}}"#
        );
        parse(body.as_bytes(), Grouping::Alert, unknown).unwrap()[0].severity
    }

    #[test]
    fn the_most_severe_labels_in_common_use_page_as_sev1() {
        for label in ["P0", "p0", "sev0", "SEV-0", "0", "urgent", "page", "critical", "P1"] {
            assert_eq!(severity_of(Some(label), Severity::Sev3), Severity::Sev1, "severity=\"{label}\"");
        }
    }

    #[test]
    fn missing_or_unknown_severity_pages_at_the_configured_level() {
        for label in [Some("banana"), Some(""), None] {
            assert_eq!(severity_of(label, Severity::Sev2), Severity::Sev2, "{label:?}");
            assert_eq!(severity_of(label, Severity::Sev1), Severity::Sev1, "{label:?}");
        }
        assert_eq!(severity_of(Some("warning"), Severity::Sev1), Severity::Sev3, "known labels keep their level");
    }

    #[test]
    fn one_alert_per_group() {
        let alerts = parse(BODY.as_bytes(), Grouping::Group, Severity::Sev2).unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].title, "DiskFull (1 firing)");
        assert_eq!(alerts[0].severity, Severity::Sev1, "worst of the group");
        assert!(alerts[0].dedup_key.as_deref().unwrap().starts_with("alertmanager-group:"));
    }

    #[test]
    fn what_is_too_long_is_cut_not_refused_so_the_page_still_comes() {
        let mut body: serde_json::Value = serde_json::from_str(BODY).unwrap();
        body["alerts"][0]["labels"]["instance"] = "i".repeat(limits::MAX_LABEL_VALUE + 10).into();
        body["alerts"][0]["annotations"]["summary"] = "t".repeat(MAX_TITLE * 2).into();
        body["alerts"][0]["annotations"]["description"] = "d".repeat(MAX_TEXT + 1).into();
        body["alerts"][0]["generatorURL"] = "u".repeat(MAX_URL + 1).into();
        body["alerts"][0]["labels"]["job"] = "j".repeat(MAX_SERVICE + 1).into();
        body["alerts"][1]["fingerprint"] = "f".repeat(MAX_DEDUP_KEY + 1).into();
        for i in 0..limits::MAX_LABELS {
            body["alerts"][1]["annotations"][format!("a{i}")] = "x".into();
        }
        let alerts = parse(body.to_string().as_bytes(), Grouping::Alert, Severity::Sev2).unwrap();
        assert_eq!(alerts.len(), 2, "both alerts are taken");
        let a = &alerts[0];
        assert_eq!(a.title.chars().count(), MAX_TITLE);
        assert!(a.title.ends_with('…'));
        assert_eq!(a.service.as_ref().unwrap().chars().count(), MAX_SERVICE);
        assert_eq!(a.details.text.as_ref().unwrap().chars().count(), MAX_TEXT);
        assert_eq!(a.web_url.as_ref().unwrap().chars().count(), MAX_URL);
        assert_eq!(a.details.labels["instance"].chars().count(), limits::MAX_LABEL_VALUE);
        assert!(a.details.labels[limits::TRUNCATED_LABEL].contains("title"), "{:?}", a.details.labels);
        let b = &alerts[1];
        let key = b.dedup_key.as_deref().unwrap();
        assert!(key.starts_with("alertmanager:sha256:") && key.len() <= MAX_DEDUP_KEY, "{key}");
        let again = parse(body.to_string().as_bytes(), Grouping::Alert, Severity::Sev2).unwrap();
        assert_eq!(again[1].dedup_key.as_deref(), Some(key), "the same long key maps to the same incident");
        assert!(b.details.labels.len() <= limits::MAX_LABELS + 1, "{}", b.details.labels.len());
        assert!(b.details.labels[limits::TRUNCATED_LABEL].contains("labels"));
    }

    #[test]
    fn rejects_bad_payloads_naming_the_field() {
        let e =
            parse(BODY.replace("\"version\": \"4\"", "\"version\": \"3\"").as_bytes(), Grouping::Alert, Severity::Sev2)
                .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("version"));
        let e =
            parse(br#"{"version":"4","groupKey":"g","status":"firing"}"#, Grouping::Alert, Severity::Sev2).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("alerts"));
        let e = parse(
            BODY.replace("\"fingerprint\": \"bbb\"", "\"fingerprint\": 7").as_bytes(),
            Grouping::Alert,
            Severity::Sev2,
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("alerts[1].fingerprint"));
        let e = parse(
            BODY.replace("\"status\": \"resolved\"", "\"status\": \"gone\"").as_bytes(),
            Grouping::Alert,
            Severity::Sev2,
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("alerts[1].status"));
    }
}
