//! People who can be paged.

use serde::{Deserialize, Serialize};

/// A person on the team and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Person {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Chat handle, e.g. `@alex`.
    pub chat: Option<String>,
}
