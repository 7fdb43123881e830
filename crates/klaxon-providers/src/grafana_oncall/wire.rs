//! The JSON shapes of Grafana OnCall's public API v1, limited to the fields Klaxon reads (serde
//! ignores the rest, so new fields on the platform break nothing).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One page of a list endpoint (`count`, `next`, `previous`, `results`, `page_size`, …).
#[derive(Debug, Deserialize)]
pub(crate) struct Page<T> {
    pub results: Vec<T>,
    /// Absolute URL of the next page; `null` on the last one.
    #[serde(default)]
    pub next: Option<String>,
}

/// `GET /api/v1/users/current/` and the entries of `GET /api/v1/users/`.
#[derive(Debug, Deserialize)]
pub(crate) struct User {
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    /// The serializer gives one object (or `null`); older docs show a list.
    #[serde(default)]
    pub slack: Option<SlackIdentities>,
}

/// The user's linked Slack identity, in either documented shape.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum SlackIdentities {
    One(SlackIdentity),
    Many(Vec<SlackIdentity>),
}

/// A Slack user id and its workspace.
#[derive(Debug, Deserialize)]
pub(crate) struct SlackIdentity {
    pub user_id: String,
    #[serde(default)]
    pub team_id: Option<String>,
}

/// The `state` an alert group reports (the list filter calls `firing` `new`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum State {
    #[serde(alias = "new")]
    Firing,
    Acknowledged,
    Resolved,
    Silenced,
}

/// `GET /api/v1/alert_groups/…`.
#[derive(Debug, Deserialize)]
pub(crate) struct AlertGroup {
    pub id: String,
    #[serde(default)]
    pub integration_id: Option<String>,
    #[serde(default)]
    pub route_id: Option<String>,
    pub state: State,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub acknowledged_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub acknowledged_by: Option<String>,
    #[serde(default)]
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub resolved_by: Option<String>,
    #[serde(default)]
    pub silenced_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub permalinks: Option<Permalinks>,
    #[serde(default)]
    pub labels: Option<Vec<Label>>,
    #[serde(default)]
    pub last_alert: Option<LastAlert>,
}

/// Where the alert group can be seen.
#[derive(Debug, Deserialize)]
pub(crate) struct Permalinks {
    #[serde(default)]
    pub web: Option<String>,
}

/// A static label of an alert group (`{"key":{"id","name"},"value":{"id","name"}}`).
#[derive(Debug, Deserialize)]
pub(crate) struct Label {
    pub key: LabelPart,
    pub value: LabelPart,
}

/// A label's key or value.
#[derive(Debug, Deserialize)]
pub(crate) struct LabelPart {
    pub name: String,
}

/// The newest alert of a group.
#[derive(Debug, Deserialize)]
pub(crate) struct LastAlert {
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub payload: Option<serde_json::Value>,
}

/// `GET /api/v1/resolution_notes/`.
#[derive(Debug, Deserialize)]
pub(crate) struct ResolutionNote {
    /// The user id; `null` for notes written by a service account or copied from Slack.
    #[serde(default)]
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
    pub text: String,
}

/// `GET /api/v1/schedules/`.
#[derive(Debug, Deserialize)]
pub(crate) struct Schedule {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub on_call_now: Vec<String>,
}

/// `GET /api/v1/schedules/{id}/final_shifts`.
#[derive(Debug, Deserialize)]
pub(crate) struct FinalShift {
    pub user_pk: String,
    #[serde(default)]
    pub user_username: Option<String>,
    pub shift_start: DateTime<Utc>,
    pub shift_end: DateTime<Utc>,
}

/// `GET /api/v1/escalation_chains/`.
#[derive(Debug, Deserialize)]
pub(crate) struct EscalationChain {
    pub id: String,
    pub name: String,
}

/// One step of an escalation chain (`GET /api/v1/escalation_policies/`).
#[derive(Debug, Deserialize)]
pub(crate) struct EscalationStep {
    pub escalation_chain_id: String,
    #[serde(default)]
    pub position: i64,
    #[serde(rename = "type")]
    pub kind: String,
    /// Seconds, for `wait`.
    #[serde(default)]
    pub duration: Option<u64>,
    #[serde(default)]
    pub persons_to_notify: Option<Vec<String>>,
    #[serde(default)]
    pub persons_to_notify_next_each_time: Option<Vec<String>>,
    #[serde(default)]
    pub notify_on_call_from_schedule: Option<String>,
}

/// `GET /api/v1/routes/`.
#[derive(Debug, Deserialize)]
pub(crate) struct Route {
    pub id: String,
    #[serde(default)]
    pub escalation_chain_id: Option<String>,
}

/// `GET /api/v1/integrations/`.
#[derive(Debug, Deserialize)]
pub(crate) struct Integration {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// `POST /api/v1/alert_groups/{id}/silence/`.
#[derive(Debug, Serialize)]
pub(crate) struct Silence {
    /// Seconds (`-1`: forever).
    pub delay: i64,
}

/// `POST /api/v1/resolution_notes/`.
#[derive(Debug, Serialize)]
pub(crate) struct NewNote<'a> {
    pub alert_group_id: &'a str,
    pub text: &'a str,
}

/// `POST /api/v1/escalation/` for an existing alert group (direct paging).
#[derive(Debug, Serialize)]
pub(crate) struct Escalation<'a> {
    pub alert_group_id: &'a str,
    pub users: Vec<PagedUser<'a>>,
}

/// One user to page, with their default (not "important") notification rules.
#[derive(Debug, Serialize)]
pub(crate) struct PagedUser<'a> {
    pub id: &'a str,
    pub important: bool,
}

/// A shift swap request (`/api/v1/shift_swaps/`): `beneficiary` asks for their shifts on
/// `schedule` in `[swap_start, swap_end)` to be taken; `benefactor` is who took them.
#[derive(Debug, Deserialize)]
pub(crate) struct ShiftSwap {
    pub id: String,
    pub swap_start: DateTime<Utc>,
    pub swap_end: DateTime<Utc>,
    pub beneficiary: String,
    #[serde(default)]
    pub benefactor: Option<String>,
    /// `open`, `taken`, `past_due` or `deleted`.
    #[serde(default)]
    pub status: Option<String>,
}

/// The body of `POST /api/v1/shift_swaps/`.
#[derive(Debug, Serialize)]
pub(crate) struct NewShiftSwap<'a> {
    pub schedule: &'a str,
    pub swap_start: String,
    pub swap_end: String,
    pub beneficiary: &'a str,
    pub description: &'a str,
}

/// The body of `POST /api/v1/shift_swaps/{id}/take`.
#[derive(Debug, Serialize)]
pub(crate) struct TakeShiftSwap<'a> {
    pub benefactor: &'a str,
}
