//! "Cover my shift" as a PagerDuty schedule override: `POST /schedules/{id}/overrides` puts the
//! colleague on the schedule's final layer for the range (whoever was on there is replaced, as
//! with an override made in PagerDuty's own UI), and `GET /schedules/{id}/overrides` tells
//! whether one is already there. Overrides need no `From` header.

use super::client::segment;
use super::{PagerDuty, time, wire};
use crate::ProviderError;
use crate::remote::http::status_error;
use klaxon_core::remote::ScheduleCover;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::json;

impl PagerDuty {
    /// Creates the override; PagerDuty answers 201 with a status per override asked for, so a
    /// refusal of this one (unknown user, end before start) arrives inside a 201.
    pub(super) async fn create_override(&self, cover: &ScheduleCover) -> Result<String, ProviderError> {
        cover.check()?;
        let path = format!("schedules/{}/overrides", segment(&cover.schedule_id));
        let body = json!({"overrides": [{
            "start": time(cover.start),
            "end": time(cover.end),
            "user": {"id": cover.user_id, "type": "user_reference"},
            "time_zone": "UTC",
        }]});
        let results: Vec<wire::OverrideResult> = self.client.post(&path, &body).await?;
        let result = results
            .into_iter()
            .next()
            .ok_or_else(|| ProviderError::Malformed("PagerDuty answered an override request with no result".into()))?;
        refused(&result)?;
        result
            .created
            .and_then(|o| o.id)
            .ok_or_else(|| ProviderError::Malformed("PagerDuty created an override without an id".into()))
    }

    /// Whether the schedule has an override of `cover`'s person over (to the minute) its range.
    /// `overflow=true` keeps overrides whole, so one that merely includes the range is not taken
    /// for this one.
    pub(super) async fn has_override(&self, cover: &ScheduleCover) -> Result<bool, ProviderError> {
        cover.check()?;
        let path = format!("schedules/{}/overrides", segment(&cover.schedule_id));
        let query = vec![("since", time(cover.start)), ("until", time(cover.end)), ("overflow", "true".to_owned())];
        let listed = self.client.get::<wire::Overrides>(&path, &query).await?.overrides;
        Ok(listed.iter().any(|o| cover.is(&o.user.id, o.start, o.end)))
    }
}

/// The refusal inside a per-override result, as the status it carries would be on its own.
fn refused(result: &wire::OverrideResult) -> Result<(), ProviderError> {
    let status = result.status.map_or(Ok(StatusCode::CREATED), StatusCode::from_u16).unwrap_or(StatusCode::BAD_REQUEST);
    if status.is_success() {
        return Ok(());
    }
    let body = json!({"error": {"message": "Override refused", "errors": result.errors}});
    Err(status_error(status, &HeaderMap::new(), body.to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(v: serde_json::Value) -> wire::OverrideResult {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_refused_override_inside_a_201_is_its_own_status() {
        assert!(refused(&result(json!({"status": 201, "override": {"id": "PO1"}}))).is_ok());
        assert!(refused(&result(json!({"override": {"id": "PO1"}}))).is_ok(), "no status: created");
        let e = refused(&result(json!({"status": 400, "errors": ["User not found"], "override": {}}))).unwrap_err();
        assert!(matches!(&e, ProviderError::InvalidState(m) if m == "Override refused: User not found"), "{e:?}");
        let e = refused(&result(json!({"status": 503, "override": {}}))).unwrap_err();
        assert!(e.is_transient());
    }
}
