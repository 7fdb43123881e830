//! Size caps on every text field the intake stores, the same on both endpoints.
//!
//! Lengths are in characters (Unicode scalar values). On `POST /v1/alerts` a field over its cap is
//! a 400 naming the field (`title`, `details.host`, ...): the sender can fix it. Alertmanager drops
//! an alert it gets a 4xx for, so there a field over its cap is cut (ending in `…`), a dedup key
//! over its cap is replaced by its SHA-256, and the alert says what was cut in the
//! [`TRUNCATED_LABEL`] label: the page still comes.

use super::reject::Reject;

/// An incident's title (`title`; Alertmanager's `summary` annotation or `alertname` label).
pub const MAX_TITLE: usize = 1024;
/// The service (`service`; Alertmanager's `service` or `job` label).
pub const MAX_SERVICE: usize = 256;
/// The dedup key (`dedup_key`; Alertmanager's `fingerprint`, or its `groupKey` when grouping by group).
pub const MAX_DEDUP_KEY: usize = 1024;
/// A link (`url`; Alertmanager's `generatorURL` / `externalURL`, which carry whole PromQL queries).
pub const MAX_URL: usize = 8192;
/// The details text (`details` as a string; Alertmanager's `description` annotation).
pub const MAX_TEXT: usize = 16 * 1024;
/// A label's name (a key of `details`; an Alertmanager label or annotation name).
pub const MAX_LABEL_NAME: usize = 256;
/// A label's value (a value of `details`; an Alertmanager label or annotation value).
pub const MAX_LABEL_VALUE: usize = 16 * 1024;
/// Labels per alert (for Alertmanager: its labels and annotations together).
pub const MAX_LABELS: usize = 256;

/// The label that lists what [`cap_alert`] cut.
pub const TRUNCATED_LABEL: &str = "klaxon.truncated";

/// Cuts `value` to at most `max` characters, the last one `…`; whether it cut.
fn cut(value: &mut String, max: usize) -> bool {
    if value.len() <= max || value.chars().count() <= max {
        return false;
    }
    let keep: String = value.chars().take(max.saturating_sub(1)).collect();
    *value = keep + "…";
    true
}

/// Brings a parsed alert within every cap (see the module doc); returns the fields it cut.
pub(crate) fn cap_alert(alert: &mut klaxon_core::Alert) -> Vec<&'static str> {
    let mut cut_fields: Vec<&'static str> = [
        ("title", cut(&mut alert.title, MAX_TITLE)),
        ("service", alert.service.as_mut().is_some_and(|s| cut(s, MAX_SERVICE))),
        ("url", alert.web_url.as_mut().is_some_and(|u| cut(u, MAX_URL))),
        ("details", alert.details.text.as_mut().is_some_and(|t| cut(t, MAX_TEXT))),
    ]
    .into_iter()
    .filter_map(|(field, did)| did.then_some(field))
    .collect();
    if let Some(key) = alert.dedup_key.as_mut().filter(|k| k.chars().count() > MAX_DEDUP_KEY) {
        use sha2::Digest;
        let prefix = key.split_once(':').map_or("alert", |(p, _)| p).to_owned();
        let digest = sha2::Sha256::digest(key.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        *key = format!("{prefix}:sha256:{hex}");
        cut_fields.push("dedup key");
    }
    let labels = &mut alert.details.labels;
    let before = labels.len();
    let long_names: Vec<String> = labels.keys().filter(|k| k.chars().count() > MAX_LABEL_NAME).cloned().collect();
    for name in long_names {
        if let Some(value) = labels.remove(&name) {
            let mut short = name;
            cut(&mut short, MAX_LABEL_NAME);
            labels.insert(short, value);
        }
    }
    let mut values_cut = false;
    for value in labels.values_mut() {
        values_cut |= cut(value, MAX_LABEL_VALUE);
    }
    if values_cut || labels.len() < before {
        cut_fields.push("label values");
    }
    if labels.len() > MAX_LABELS {
        let extra: Vec<String> = labels.keys().skip(MAX_LABELS).cloned().collect();
        for k in extra {
            labels.remove(&k);
        }
        cut_fields.push("labels");
    }
    if !cut_fields.is_empty() {
        labels.insert(TRUNCATED_LABEL.to_owned(), cut_fields.join(", "));
    }
    cut_fields
}

/// 400 naming `field` if `value` is longer than `max` characters.
pub(crate) fn text(field: impl FnOnce() -> String, value: &str, max: usize) -> Result<(), Reject> {
    // Cheap first: a string of at most `max` bytes has at most `max` characters.
    if value.len() <= max || value.chars().count() <= max {
        return Ok(());
    }
    Err(Reject::field(field(), format!("longer than {max} characters")))
}

/// [`text`] for an optional field.
pub(crate) fn opt_text(field: &str, value: Option<&str>, max: usize) -> Result<(), Reject> {
    value.map_or(Ok(()), |v| text(|| field.to_owned(), v, max))
}

/// Checks one map of labels found at `at` (e.g. `alerts[0].labels`): each name and value.
pub(crate) fn labels<'a>(at: &str, map: impl IntoIterator<Item = (&'a String, &'a String)>) -> Result<(), Reject> {
    for (name, value) in map {
        if name.len() > MAX_LABEL_NAME && name.chars().count() > MAX_LABEL_NAME {
            let start: String = name.chars().take(32).collect();
            return Err(Reject::field(at, format!("label name `{start}…` is longer than {MAX_LABEL_NAME} characters")));
        }
        text(|| format!("{at}.{name}"), value, MAX_LABEL_VALUE)?;
    }
    Ok(())
}

/// 400 naming `field` if an alert would carry more than [`MAX_LABELS`] labels.
pub(crate) fn label_count(field: impl FnOnce() -> String, count: usize) -> Result<(), Reject> {
    if count > MAX_LABELS {
        return Err(Reject::field(field(), format!("more than {MAX_LABELS} labels ({count})")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn counts_characters_not_bytes() {
        assert!(text(|| "title".into(), &"é".repeat(MAX_TITLE), MAX_TITLE).is_ok());
        let e = text(|| "title".into(), &"é".repeat(MAX_TITLE + 1), MAX_TITLE).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("title"));
        assert!(e.message.contains("longer than 1024 characters"), "{}", e.message);
    }

    #[test]
    fn names_the_label() {
        let mut map = BTreeMap::new();
        map.insert("job".to_owned(), "x".repeat(MAX_LABEL_VALUE));
        assert!(labels("alerts[0].labels", &map).is_ok());
        map.insert("instance".to_owned(), "x".repeat(MAX_LABEL_VALUE + 1));
        let e = labels("alerts[0].labels", &map).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("alerts[0].labels.instance"));
        let mut map = BTreeMap::new();
        map.insert("n".repeat(MAX_LABEL_NAME + 1), "x".to_owned());
        let e = labels("details", &map).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("details"), "a huge name is not repeated in the field");
        assert!(label_count(|| "details".into(), MAX_LABELS).is_ok());
        assert_eq!(label_count(|| "details".into(), MAX_LABELS + 1).unwrap_err().field.as_deref(), Some("details"));
    }
}
