//! Klaxon's offline cache: one SQLite file (WAL, synchronous=FULL) with embedded migrations.

mod accounts;
mod checklists;
mod error;
mod incidents;
mod onboarding;
mod open;
mod outbox;
mod pages;
mod phone;
mod remote;
mod responders;
mod rows;
mod schedules;
mod settings;
mod shadow;
mod team;
mod watch;

pub use error::StoreError;
pub use incidents::{IngestChange, Ingested, ListScope, Paging};
pub use onboarding::TaskTick;
pub use open::{SCHEMA_VERSION, Store};
pub use pages::PageRecord;
pub use phone::{CapabilityUse, PHONE_SETTINGS, PhonePush};
pub use remote::SyncChanges;
pub use schedules::CalendarCopy;
pub use settings::SHADOW_FOLLOW;
pub use shadow::ShadowEntry;
pub use watch::ChangeWatcher;

pub use klaxon_core::LOCAL_ACCOUNT;
