//! Escalation policies: ordered levels, each with a delay and targets, repeated as configured.

use std::fmt;
use std::time::Duration;

/// Who a level pages: a person directly, or whoever a schedule (or one of its layers) has on
/// call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Person(String),
    /// A schedule as a whole (`layer: None`: its first covered layer) or one layer of it.
    Schedule {
        id: String,
        layer: Option<String>,
    },
}

impl Target {
    /// A whole schedule.
    pub fn schedule(id: &str) -> Self {
        Target::Schedule { id: id.to_owned(), layer: None }
    }

    /// Parses `person:ID`, `schedule:ID`, `schedule:ID:LAYER`, `rotation:ID` (a schedule, as
    /// team files before layers named it), or a bare person id.
    pub fn parse(text: &str) -> Self {
        match text.split_once(':') {
            Some(("rotation", id)) => Target::schedule(id),
            Some(("schedule", rest)) => match rest.split_once(':') {
                Some((id, layer)) => Target::Schedule { id: id.to_owned(), layer: Some(layer.to_owned()) },
                None => Target::schedule(rest),
            },
            Some(("person", id)) => Target::Person(id.to_owned()),
            _ => Target::Person(text.to_owned()),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Person(id) => write!(f, "person:{id}"),
            Target::Schedule { id, layer: None } => write!(f, "schedule:{id}"),
            Target::Schedule { id, layer: Some(layer) } => write!(f, "schedule:{id}:{layer}"),
        }
    }
}

/// One level: its targets are paged, and after `delay` unacknowledged the incident moves on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationLevel {
    pub delay: Duration,
    pub targets: Vec<Target>,
}

/// An ordered list of levels, walked `1 + repeat` times in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationPolicy {
    pub id: String,
    pub name: String,
    pub levels: Vec<EscalationLevel>,
    /// How many more passes through the levels after the first.
    pub repeat: u32,
}

impl EscalationPolicy {
    /// Level `n` (1-based).
    pub fn level(&self, n: u32) -> Option<&EscalationLevel> {
        self.levels.get(usize::try_from(n).ok()?.checked_sub(1)?)
    }

    /// The step after `(level, pass)`, wrapping to level 1 while repeats remain.
    pub fn next_step(&self, level: u32, pass: u32) -> Option<(u32, u32)> {
        let count = u32::try_from(self.levels.len()).unwrap_or(u32::MAX);
        if level < count {
            Some((level + 1, pass))
        } else if pass < self.repeat && count > 0 {
            Some((1, pass + 1))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(levels: usize, repeat: u32) -> EscalationPolicy {
        EscalationPolicy {
            id: "p".into(),
            name: "P".into(),
            levels: (0..levels)
                .map(|i| EscalationLevel {
                    delay: Duration::from_secs(60),
                    targets: vec![Target::Person(format!("p{i}"))],
                })
                .collect(),
            repeat,
        }
    }

    #[test]
    fn walks_levels_then_repeats_then_stops() {
        let p = policy(2, 1);
        assert_eq!(p.next_step(1, 0), Some((2, 0)));
        assert_eq!(p.next_step(2, 0), Some((1, 1)));
        assert_eq!(p.next_step(1, 1), Some((2, 1)));
        assert_eq!(p.next_step(2, 1), None);
        assert_eq!(policy(1, 0).next_step(1, 0), None);
        assert_eq!(policy(0, 3).next_step(0, 0), None);
    }

    #[test]
    fn levels_are_one_based() {
        let p = policy(2, 0);
        assert_eq!(p.level(1).unwrap().targets, vec![Target::Person("p0".into())]);
        assert!(p.level(0).is_none());
        assert!(p.level(3).is_none());
    }

    #[test]
    fn parses_targets() {
        assert_eq!(Target::parse("rotation:primary"), Target::schedule("primary"), "the older spelling");
        assert_eq!(Target::parse("schedule:primary"), Target::schedule("primary"));
        let layer = Target::Schedule { id: "ops".into(), layer: Some("secondary".into()) };
        assert_eq!(Target::parse("schedule:ops:secondary"), layer);
        assert_eq!(layer.to_string(), "schedule:ops:secondary");
        assert_eq!(Target::parse("person:sam"), Target::Person("sam".into()));
        assert_eq!(Target::parse("sam"), Target::Person("sam".into()));
        assert_eq!(Target::parse("rotation:primary").to_string(), "schedule:primary");
    }
}
