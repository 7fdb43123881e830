//! The parts of PagerDuty's REST API v2 objects the adapter reads (serde ignores the rest).
//! Optional fields are `Option` or defaulted so an account's unusual objects still decode.

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// A reference to another object (`{id, type, summary}`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Reference {
    pub id: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub summary: Option<String>,
}

/// `GET /users/me`.
#[derive(Debug, Deserialize)]
pub struct UserBody {
    pub user: User,
}

/// A user.
#[derive(Debug, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
}

/// `GET /users/{id}/contact_methods`.
#[derive(Debug, Deserialize)]
pub struct ContactMethods {
    pub contact_methods: Vec<ContactMethod>,
}

/// One contact method (email, phone, SMS, push, WhatsApp).
#[derive(Debug, Deserialize)]
pub struct ContactMethod {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub label: Option<String>,
    pub address: String,
    #[serde(default)]
    pub country_code: Option<u32>,
}

/// `GET /incidents/{id}`.
#[derive(Debug, Deserialize)]
pub struct IncidentBody {
    pub incident: Incident,
}

/// An incident.
#[derive(Debug, Clone, Deserialize)]
pub struct Incident {
    pub id: String,
    #[serde(default)]
    pub incident_number: Option<u64>,
    pub title: String,
    #[serde(default)]
    pub html_url: Option<String>,
    pub status: Status,
    #[serde(default)]
    pub urgency: Option<Urgency>,
    #[serde(default)]
    pub priority: Option<Reference>,
    #[serde(default)]
    pub service: Option<Reference>,
    #[serde(default)]
    pub escalation_policy: Option<Reference>,
    #[serde(default)]
    pub assignments: Vec<Assignment>,
    #[serde(default)]
    pub acknowledgements: Vec<Acknowledgement>,
    #[serde(default)]
    pub pending_actions: Vec<PendingAction>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_status_change_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub resolved_at: Option<DateTime<Utc>>,
}

/// An incident's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Triggered,
    Acknowledged,
    Resolved,
}

/// An incident's urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Urgency {
    High,
    Low,
}

/// Who an incident is assigned to.
#[derive(Debug, Clone, Deserialize)]
pub struct Assignment {
    pub assignee: Reference,
}

/// Who acknowledged an incident, and when.
#[derive(Debug, Clone, Deserialize)]
pub struct Acknowledgement {
    pub at: DateTime<Utc>,
}

/// Something PagerDuty will do to an incident later (a snooze shows as `unacknowledge`).
#[derive(Debug, Clone, Deserialize)]
pub struct PendingAction {
    #[serde(rename = "type")]
    pub kind: String,
    pub at: DateTime<Utc>,
}

/// One line of an incident's log.
#[derive(Debug, Deserialize)]
pub struct LogEntry {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub summary: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub agent: Option<Reference>,
}

/// `GET /incidents/{id}/notes`.
#[derive(Debug, Deserialize)]
pub struct Notes {
    pub notes: Vec<Note>,
}

/// A note on an incident.
#[derive(Debug, Deserialize)]
pub struct Note {
    #[serde(default)]
    pub user: Option<Reference>,
    pub content: String,
    pub created_at: DateTime<Utc>,
}

/// Who is on call for a policy level (schedule and times absent for people targeted directly).
#[derive(Debug, Deserialize)]
pub struct OnCall {
    pub escalation_policy: Reference,
    pub escalation_level: u32,
    pub user: Reference,
    #[serde(default)]
    pub schedule: Option<Reference>,
    #[serde(default)]
    pub end: Option<DateTime<Utc>>,
}

/// A schedule as `GET /schedules` lists it.
#[derive(Debug, Deserialize)]
pub struct ScheduleRef {
    pub id: String,
}

/// `GET /schedules/{id}`.
#[derive(Debug, Deserialize)]
pub struct ScheduleBody {
    pub schedule: Schedule,
}

/// A schedule with its rendered final layer.
#[derive(Debug, Deserialize)]
pub struct Schedule {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub final_schedule: Option<SubSchedule>,
}

/// A rendered layer of a schedule.
#[derive(Debug, Deserialize)]
pub struct SubSchedule {
    #[serde(default)]
    pub rendered_schedule_entries: Vec<ScheduleEntry>,
}

/// One rendered shift (no user: nobody is on call then).
#[derive(Debug, Deserialize)]
pub struct ScheduleEntry {
    #[serde(default)]
    pub user: Option<Reference>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// An escalation policy.
#[derive(Debug, Deserialize)]
pub struct EscalationPolicy {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub num_loops: u32,
    pub escalation_rules: Vec<EscalationRule>,
}

/// One level of a policy.
#[derive(Debug, Deserialize)]
pub struct EscalationRule {
    pub escalation_delay_in_minutes: u64,
    pub targets: Vec<Reference>,
}

/// One page of a paginated list (offset/limit/`more`).
pub trait Page: serde::de::DeserializeOwned {
    /// What the list holds.
    type Item;
    /// The items and whether more pages follow.
    fn into_parts(self) -> (Vec<Self::Item>, bool);
}

macro_rules! page {
    ($name:ident, $field:ident, $item:ty) => {
        #[doc = concat!("A page of `", stringify!($field), "`.")]
        #[derive(Debug, Deserialize)]
        pub struct $name {
            pub $field: Vec<$item>,
            #[serde(default)]
            pub more: bool,
        }

        impl Page for $name {
            type Item = $item;
            fn into_parts(self) -> (Vec<$item>, bool) {
                (self.$field, self.more)
            }
        }
    };
}

page!(IncidentPage, incidents, Incident);
page!(LogEntryPage, log_entries, LogEntry);
page!(OnCallPage, oncalls, OnCall);
page!(SchedulePage, schedules, ScheduleRef);
page!(PolicyPage, escalation_policies, EscalationPolicy);
page!(UserPage, users, User);

/// An override as `GET /schedules/{id}/overrides` lists it.
#[derive(Debug, Deserialize)]
pub struct Override {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub user: Reference,
}

/// `GET /schedules/{id}/overrides` (one answer, not paginated).
#[derive(Debug, Deserialize)]
pub struct Overrides {
    pub overrides: Vec<Override>,
}

/// What `POST /schedules/{id}/overrides` says of one override asked for: its own HTTP status
/// (201 created, 4xx refused, with `errors`) and the override.
#[derive(Debug, Deserialize)]
pub struct OverrideResult {
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub errors: Vec<String>,
    #[serde(rename = "override", default)]
    pub created: Option<CreatedOverride>,
}

/// The override of an [`OverrideResult`] (its id, once created).
#[derive(Debug, Deserialize)]
pub struct CreatedOverride {
    #[serde(default)]
    pub id: Option<String>,
}
