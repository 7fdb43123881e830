//! Klaxon's engine: the one facade the CLI and the app share.
//!
//! [`Klaxon`] opens the team file and the offline store and carries out actions (usable by any
//! number of processes at once). [`Engine`] adds what only one process may own per data dir: the
//! local intake, the escalation timers and the pager; it reports through [`EngineEvent`]s and
//! [`PageDelivery`] paths that the shells provide (the desktop's in `klaxon-desktop`).

mod accounts;
mod actions;
pub mod calendars;
pub mod checklists;
mod clock;
mod config;
pub mod control;
mod covers;
mod delivery;
mod engine;
mod error;
mod events;
mod klaxon;
mod lock;
mod my_shifts;
mod next_up;
pub mod onboarding;
mod outbox;
pub mod overrides;
mod page_text;
mod pager;
mod paths;
pub mod phone;
pub mod reminders;
mod remote;
mod responders;
mod runners;
pub mod schedule_view;
mod shadow;
pub mod shifts;
mod sink;
mod sync;
mod timers;

pub use accounts::{Credentials, DEFAULT_POLL_SECS, NewAccount};
pub use actions::UserAction;
pub use clock::Clock;
pub use config::{example_team_file, load_team_file, team_file_warnings};
pub use delivery::{on_every_path, send_test_page, test_incident};
pub use engine::{Engine, EngineOptions};
pub use error::EngineError;
pub use events::{DeliveryError, EngineEvent, Notice, Page, PageDelivery, Resource, RingState};
pub use klaxon::{DASHBOARD_LIMIT, INTAKE_TOKEN_KEY, Klaxon};
pub use lock::DataDirLock;
pub use outbox::UncertainChecks;
pub use page_text::page_text;
pub use paths::{ENV_CONFIG, ENV_DATA_DIR, Paths};
pub use responders::{RESPONDERS_MAX_AGE, ResponderFetch};
pub use sync::{HISTORY_DAYS, SHIFTS_AHEAD_DAYS};

pub use klaxon_core as core;
pub use klaxon_providers::HttpOptions;
pub use klaxon_secrets as secrets;
