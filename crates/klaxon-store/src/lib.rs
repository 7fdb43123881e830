//! Klaxon's offline cache: one SQLite file (WAL, synchronous=FULL) with embedded migrations.

mod error;
mod incidents;
mod open;
mod pages;
mod rows;
mod shadow;
mod team;
mod watch;

pub use error::StoreError;
pub use incidents::{IngestChange, Ingested, ListScope};
pub use open::{SCHEMA_VERSION, Store};
pub use shadow::ShadowEntry;
pub use watch::ChangeWatcher;

/// The account id of the embedded local intake.
pub const LOCAL_ACCOUNT: &str = "local";
