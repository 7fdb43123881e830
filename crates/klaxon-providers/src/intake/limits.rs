//! Size caps on every text field the intake stores, the same on both endpoints.
//!
//! Lengths are in characters (Unicode scalar values). A field over its cap is a 400 naming the field
//! (`title`, `details.host`, `alerts[0].labels.instance`, ...), never silently truncated.

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
