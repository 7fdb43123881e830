//! Severity (how bad) and urgency (how loudly to page), with the label mapping used on input.
//!
//! Accepted severity labels (case-insensitive; spaces, `-` and `_` ignored):
//!
//! | Severity | labels                                                          |
//! |----------|-----------------------------------------------------------------|
//! | Sev1     | sev1, sev0, 1, 0, p1, p0, s0, critical, crit, fatal, emergency, disaster, urgent, page |
//! | Sev2     | sev2, 2, p2, s1, high, error, err, major                        |
//! | Sev3     | sev3, 3, p3, s2, warning, warn, medium, moderate, minor, average|
//! | Sev4     | sev4, 4, p4, s3, info, informational, low, notice, debug, none  |

use crate::CoreError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad an incident is. `Sev1` is the worst; ordering puts it first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Severity {
    Sev1,
    Sev2,
    Sev3,
    Sev4,
}

/// How loudly to page: high rings, low is an ordinary notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Urgency {
    High,
    Low,
}

impl Severity {
    /// All severities, worst first.
    pub const ALL: [Severity; 4] = [Severity::Sev1, Severity::Sev2, Severity::Sev3, Severity::Sev4];

    /// The canonical label (`sev1` .. `sev4`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Sev1 => "sev1",
            Severity::Sev2 => "sev2",
            Severity::Sev3 => "sev3",
            Severity::Sev4 => "sev4",
        }
    }

    /// Maps any accepted label (see the module table) to a severity.
    pub fn from_label(label: &str) -> Result<Self, CoreError> {
        let key: String =
            label.chars().filter(|c| !matches!(c, ' ' | '-' | '_')).flat_map(char::to_lowercase).collect();
        let sev = match key.as_str() {
            // P0 / sev0 / 0 / urgent / page are the most severe in common use: never page them quietly.
            "sev1" | "sev0" | "1" | "0" | "p1" | "p0" | "s0" | "critical" | "crit" | "fatal" | "emergency"
            | "disaster" | "urgent" | "page" => Severity::Sev1,
            "sev2" | "2" | "p2" | "s1" | "high" | "error" | "err" | "major" => Severity::Sev2,
            "sev3" | "3" | "p3" | "s2" | "warning" | "warn" | "medium" | "moderate" | "minor" | "average" => {
                Severity::Sev3
            }
            "sev4" | "4" | "p4" | "s3" | "info" | "informational" | "low" | "notice" | "debug" | "none" => {
                Severity::Sev4
            }
            _ => {
                return Err(CoreError::UnknownLabel {
                    what: "severity",
                    value: label.to_owned(),
                    expected: "sev0..sev4, p0..p4, s0..s3, critical/high/warning/info",
                });
            }
        };
        Ok(sev)
    }

    /// Default urgency: Sev1 and Sev2 page loudly.
    pub fn default_urgency(self) -> Urgency {
        match self {
            Severity::Sev1 | Severity::Sev2 => Urgency::High,
            Severity::Sev3 | Severity::Sev4 => Urgency::Low,
        }
    }
}

impl Urgency {
    /// The canonical label (`high` / `low`).
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::High => "high",
            Urgency::Low => "low",
        }
    }

    /// Parses `high`/`low` (also `urgent`/`normal`), case-insensitively.
    pub fn from_label(label: &str) -> Result<Self, CoreError> {
        match label.trim().to_ascii_lowercase().as_str() {
            "high" | "urgent" => Ok(Urgency::High),
            "low" | "normal" => Ok(Urgency::Low),
            _ => Err(CoreError::UnknownLabel { what: "urgency", value: label.to_owned(), expected: "high or low" }),
        }
    }
}

impl FromStr for Severity {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::from_label(s)
    }
}

impl FromStr for Urgency {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Urgency::from_label(s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Urgency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_every_documented_label() {
        let cases = [
            ("sev1", Severity::Sev1),
            ("SEV-1", Severity::Sev1),
            ("S0", Severity::Sev1),
            ("critical", Severity::Sev1),
            ("P1", Severity::Sev1),
            ("P0", Severity::Sev1),
            ("sev0", Severity::Sev1),
            ("SEV-0", Severity::Sev1),
            ("0", Severity::Sev1),
            ("urgent", Severity::Sev1),
            ("Page", Severity::Sev1),
            ("Sev 2", Severity::Sev2),
            ("s1", Severity::Sev2),
            ("high", Severity::Sev2),
            ("error", Severity::Sev2),
            ("sev3", Severity::Sev3),
            ("S2", Severity::Sev3),
            ("Warning", Severity::Sev3),
            ("sev_4", Severity::Sev4),
            ("s3", Severity::Sev4),
            ("info", Severity::Sev4),
            ("4", Severity::Sev4),
        ];
        for (label, want) in cases {
            assert_eq!(Severity::from_label(label), Ok(want), "label {label}");
        }
    }

    #[test]
    fn rejects_unknown_labels_naming_them() {
        let err = Severity::from_label("s4").unwrap_err();
        assert!(err.to_string().contains("`s4`"), "{err}");
        assert!(Severity::from_label("").is_err());
        assert!(Urgency::from_label("loud").is_err());
    }

    #[test]
    fn sev1_sorts_first_and_pages_loudly() {
        let mut v = vec![Severity::Sev3, Severity::Sev1, Severity::Sev4, Severity::Sev2];
        v.sort();
        assert_eq!(v, Severity::ALL);
        assert_eq!(Severity::Sev1.default_urgency(), Urgency::High);
        assert_eq!(Severity::Sev2.default_urgency(), Urgency::High);
        assert_eq!(Severity::Sev3.default_urgency(), Urgency::Low);
        assert_eq!(Urgency::from_label(" HIGH "), Ok(Urgency::High));
    }

    #[test]
    fn serializes_as_canonical_labels() {
        assert_eq!(serde_json::to_string(&Severity::Sev2).unwrap(), "\"sev2\"");
        assert_eq!(serde_json::to_string(&Urgency::Low).unwrap(), "\"low\"");
        assert_eq!(Severity::Sev3.to_string(), "sev3");
    }
}
