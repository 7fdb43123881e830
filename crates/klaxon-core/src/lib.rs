//! Klaxon's domain model. Pure: no I/O, no clocks (callers pass `now`), no async.

pub mod account;
pub mod action;
pub mod alert;
pub mod checklist;
pub mod escalation;
pub mod fairness;
pub mod incident;
pub mod names;
pub mod onboarding;
pub mod pager;
pub mod pager_settings;
pub mod people;
pub mod phone;
pub mod reassign;
pub mod reminders;
pub mod remote;
pub mod schedule;
pub mod secret;
pub mod severity;
pub mod shadow;
mod shadow_settings;
pub mod team;
pub mod team_file;

mod error;

pub use account::{Account, AccountKind, LOCAL_ACCOUNT};
pub use action::{Action, ActionKind, OutboxEntry, OutboxState, Performed};
pub use alert::{Alert, AlertAction, AlertOutcome, apply_alert};
pub use error::{ConfigError, CoreError};
pub use escalation::{EscalationLevel, EscalationPolicy, Target};
pub use fairness::{FairnessRow, fairness};
pub use incident::{Details, Incident, IncidentDetail, IncidentId, IncidentPage, IncidentStatus, LogEntry, LogKind};
pub use names::{IncidentRow, LogLine, Names, PersonRef};
pub use pager_settings::{PagerSettings, QuietHours, UrgencyRule};
pub use people::Person;
pub use reassign::{ReassignTo, Responder, ResponderKind, Responders};
pub use reminders::{DueReminders, Reminder, ReminderKind, Reminders, ShiftChange, shift_changes};
pub use remote::{ContactMethod, RemoteIncident, RemoteUser, Shift};
pub use schedule::{Layer, Override, OverrideEntry, Rendered, Roster, Rotation, Schedule, Span, Turns, Window};
pub use secret::Secret;
pub use severity::{Severity, Urgency};
pub use shadow::ShadowTarget;
pub use shadow_settings::{ShadowChoice, ShadowSettings, ShadowSource};
pub use team::{OnCallEntry, OnCallStatus, Team};
