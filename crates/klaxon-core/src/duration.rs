//! Durations written the human way in the team file ("90s", "5m", "1w").

use serde::{Deserialize, Deserializer};
use std::time::Duration;

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(d)?;
    humantime::parse_duration(&text)
        .map_err(|e| serde::de::Error::custom(format!("invalid duration `{text}`: {e} (try \"30s\", \"5m\", \"1w\")")))
}
