//! GoAlert's GraphQL answers (`graphql2/schema.graphql`), as far as Klaxon reads them. Field
//! nullability follows the schema, so a shape GoAlert does not promise fails to decode with its path.

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The `errors` part of any GraphQL answer (read before `data`, which may then be partial).
#[derive(Debug, Deserialize)]
pub struct Errors {
    #[serde(default)]
    pub errors: Option<Vec<GqlError>>,
}

/// One GraphQL error.
#[derive(Debug, Deserialize)]
pub struct GqlError {
    pub message: String,
    /// Where in the query it happened (field names and list indexes).
    #[serde(default)]
    pub path: Option<Vec<serde_json::Value>>,
}

/// The `data` part of a GraphQL answer.
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    pub data: Option<T>,
}

/// A cursor-paged list.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection<T> {
    pub nodes: Vec<T>,
    pub page_info: PageInfo,
}

/// Where the next page starts.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub end_cursor: Option<String>,
    pub has_next_page: bool,
}

/// `user` (the session's user when no id is given).
#[derive(Debug, Deserialize)]
pub struct UserData {
    pub user: Option<User>,
}

/// A GoAlert user with contact methods.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub contact_methods: Vec<ContactMethod>,
}

/// `UserContactMethod` (the deprecated but still served `type`/`value` pair).
#[derive(Debug, Deserialize)]
pub struct ContactMethod {
    /// `SMS`, `VOICE`, `EMAIL`, `WEBHOOK`, `SLACK_DM`; null for newer destination types.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub disabled: bool,
}

/// `alerts(input)`.
#[derive(Debug, Deserialize)]
pub struct AlertsData {
    pub alerts: Connection<Alert>,
}

/// `alert(id)`: null when there is no such alert.
#[derive(Debug, Deserialize)]
pub struct AlertData {
    pub alert: Option<Alert>,
}

/// GoAlert's alert status (`StatusAcknowledged` is GoAlert's "active").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum AlertStatus {
    #[serde(rename = "StatusUnacknowledged")]
    Unacknowledged,
    #[serde(rename = "StatusAcknowledged")]
    Acknowledged,
    #[serde(rename = "StatusClosed")]
    Closed,
}

impl AlertStatus {
    /// GoAlert's name of the status.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Unacknowledged => "StatusUnacknowledged",
            AlertStatus::Acknowledged => "StatusAcknowledged",
            AlertStatus::Closed => "StatusClosed",
        }
    }
}

/// An alert with what Klaxon shows of it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    #[serde(rename = "alertID")]
    pub alert_id: i64,
    pub status: AlertStatus,
    pub summary: String,
    pub details: String,
    pub created_at: DateTime<Utc>,
    pub service: Option<Service>,
    /// The escalation state; GoAlert deletes it when the alert closes.
    pub state: Option<AlertState>,
    /// Only closed alerts have metrics.
    pub metrics: Option<AlertMetric>,
    pub meta: Option<Vec<Meta>>,
}

/// Where the alert is in its policy.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertState {
    pub last_escalation: DateTime<Utc>,
    /// 0-based.
    pub step_number: i64,
}

/// The closing time of a closed alert.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertMetric {
    pub closed_at: DateTime<Utc>,
}

/// One metadata pair of an alert.
#[derive(Debug, Deserialize)]
pub struct Meta {
    pub key: String,
    pub value: String,
}

/// The alert's service, with who its policy has on call at each step.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub name: String,
    #[serde(rename = "escalationPolicyID")]
    pub escalation_policy_id: String,
    pub on_call_users: Vec<ServiceOnCallUser>,
}

/// A user on call for a service, at a 0-based step of its policy.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceOnCallUser {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub step_number: i64,
}

/// `alert(id) { recentEvents }`.
#[derive(Debug, Deserialize)]
pub struct AlertLogData {
    pub alert: Option<AlertLog>,
}

/// An alert's log connection.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertLog {
    pub recent_events: Connection<AlertLogEntry>,
}

/// One line of an alert's log (GoAlert renders the message, subject included).
#[derive(Debug, Deserialize)]
pub struct AlertLogEntry {
    pub timestamp: DateTime<Utc>,
    pub message: String,
}

/// What `updateAlerts` and `escalateAlerts` return: the alerts they changed.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangedAlert {
    #[serde(rename = "alertID")]
    pub alert_id: i64,
}

/// `updateAlerts`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateAlertsData {
    pub update_alerts: Option<Vec<ChangedAlert>>,
}

/// `escalateAlerts`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EscalateAlertsData {
    pub escalate_alerts: Option<Vec<ChangedAlert>>,
}

/// `schedules(input)` with shifts.
#[derive(Debug, Deserialize)]
pub struct SchedulesData {
    pub schedules: Connection<Schedule>,
}

/// A schedule with its shifts in the asked window.
#[derive(Debug, Deserialize)]
pub struct Schedule {
    pub id: String,
    pub name: String,
    pub shifts: Vec<OnCallShift>,
}

/// One shift; `truncated` when GoAlert cut its end at the window's end.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnCallShift {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub user: Option<UserName>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub truncated: bool,
}

/// A user's name.
#[derive(Debug, Deserialize)]
pub struct UserName {
    pub name: String,
}

/// `escalationPolicies(input)`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PoliciesData {
    pub escalation_policies: Connection<Policy>,
}

/// An escalation policy.
#[derive(Debug, Deserialize)]
pub struct Policy {
    pub id: String,
    pub name: String,
    /// Passes after the first; GoAlert's engine treats -1 as forever.
    pub repeat: i64,
    pub steps: Vec<Step>,
}

/// One step of a policy.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// 0-based.
    pub step_number: i64,
    pub delay_minutes: i64,
    pub targets: Vec<Target>,
}

/// A step's target: `user`, `schedule`, `rotation`, or a channel Klaxon does not follow.
#[derive(Debug, Deserialize)]
pub struct Target {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
}

/// `rotations(input)`.
#[derive(Debug, Deserialize)]
pub struct RotationsData {
    pub rotations: Connection<Rotation>,
}

/// A rotation: its users in order, who is on now, and its next handoff.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rotation {
    pub id: String,
    pub name: String,
    pub active_user_index: i64,
    pub users: Vec<RotationUser>,
    pub next_handoff_times: Vec<DateTime<Utc>>,
}

/// A rotation member.
#[derive(Debug, Deserialize)]
pub struct RotationUser {
    pub id: String,
    pub name: String,
}

/// `createUserOverride` (null when GoAlert created none; it then sends an error as well).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateUserOverrideData {
    pub create_user_override: Option<OverrideId>,
}

/// The id of a user override.
#[derive(Debug, Deserialize)]
pub struct OverrideId {
    pub id: String,
}

/// `userOverrides`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserOverridesData {
    pub user_overrides: Connection<UserOverride>,
}

/// A user override: `addUserID` on call in place of `removeUserID` (either may be empty).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserOverride {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[serde(rename = "addUserID")]
    pub add_user_id: String,
    #[serde(rename = "removeUserID")]
    pub remove_user_id: String,
}
