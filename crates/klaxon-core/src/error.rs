use crate::action::ActionKind;
use crate::incident::IncidentStatus;

/// Errors of the pure domain: refused transitions and invalid configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    /// The action does not apply to an incident in this status.
    #[error("incident is {status}; cannot {action}")]
    InvalidTransition { status: IncidentStatus, action: &'static str },
    /// Escalation asked for, but the policy has no further level and no repeats left.
    #[error("already at the last escalation level and no repeats left")]
    NoFurtherLevel,
    /// The incident names an escalation policy the team does not have.
    #[error("unknown escalation policy `{0}`")]
    UnknownPolicy(String),
    /// The platform cannot do this action at all; `reason` says why (shown before anything is
    /// queued).
    #[error("{reason}")]
    Unsupported { kind: ActionKind, reason: &'static str },
    /// The platform cannot put someone else on a schedule (cover a shift), and why.
    #[error("{0}")]
    CoverUnsupported(&'static str),
    /// An action's argument is out of range (`snooze must be 1 to 1440 minutes`).
    #[error("{0}")]
    InvalidArgument(&'static str),
    /// An account name that cannot be used, and why.
    #[error("{0}")]
    InvalidAccountName(String),
    /// A label that names no severity or urgency.
    #[error("unknown {what} `{value}` (expected {expected})")]
    UnknownLabel { what: &'static str, value: String, expected: &'static str },
}

/// A team file problem, located at a 1-based line (and column) of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}: {message}")]
pub struct ConfigError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ConfigError {
    /// Locates `message` at byte `offset` of `text`.
    pub fn at(text: &str, offset: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = offset - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        Self { line, column, message: message.into() }
    }

    /// A TOML syntax or shape error in `text`, at its place.
    pub fn toml(text: &str, e: &toml::de::Error) -> Self {
        Self::at(text, e.span().map_or(0, |s| s.start), e.message().trim_end().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "a = 1\nbb = 2\n";
        let e = ConfigError::at(text, 6, "x");
        assert_eq!((e.line, e.column), (2, 1));
        let e = ConfigError::at(text, 9, "x");
        assert_eq!((e.line, e.column), (2, 4));
        assert_eq!(ConfigError::at(text, 0, "boom").to_string(), "1: boom");
    }
}
