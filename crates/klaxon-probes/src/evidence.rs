//! Wording shared by the probes: a finding timed from its start, durations and network failures
//! in plain words.

use crate::Finding;
use klaxon_core::checklist::{Evidence, Outcome};
use std::error::Error;
use std::io;
use std::time::{Duration, Instant};

/// A probe under way: what it checks and when it started.
pub(crate) struct Check {
    checked: String,
    started: Instant,
}

impl Check {
    /// Starts the clock on checking `checked` ("tcp vpn.internal:443").
    pub(crate) fn start(checked: String) -> Self {
        Self { checked, started: Instant::now() }
    }

    /// Time since the start.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The finding, timed now.
    pub(crate) fn finish(self, outcome: Outcome, result: impl Into<String>) -> Finding {
        let took_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Finding { outcome, evidence: Evidence { checked: self.checked, result: result.into(), took_ms } }
    }

    pub(crate) fn pass(self, result: impl Into<String>) -> Finding {
        self.finish(Outcome::Pass, result)
    }

    pub(crate) fn fail(self, result: impl Into<String>) -> Finding {
        self.finish(Outcome::Fail, result)
    }
}

/// A duration as a person says it: "12 ms", "5 s", "1.5 s".
pub(crate) fn human(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// "timed out after 5 s".
pub(crate) fn timed_out(timeout: Duration) -> String {
    format!("timed out after {}", human(timeout))
}

/// Why a connection could not be made, for the kinds a person can act on.
pub(crate) fn connect_failure(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::ConnectionReset => "connection reset".into(),
        io::ErrorKind::TimedOut => "connection timed out".into(),
        io::ErrorKind::HostUnreachable => "host unreachable".into(),
        io::ErrorKind::NetworkUnreachable => "network unreachable".into(),
        io::ErrorKind::NetworkDown => "network is down".into(),
        io::ErrorKind::AddrNotAvailable => "address not available".into(),
        _ => format!("cannot connect: {err}"),
    }
}

/// An error and its causes, outermost first. Looks inside `io::Error`s too, whose own `source`
/// skips the error they wrap.
pub(crate) fn causes<'a>(err: &'a (dyn Error + 'static)) -> Vec<&'a (dyn Error + 'static)> {
    let mut out = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next.take() {
        out.push(e);
        if out.len() >= 32 {
            break;
        }
        next = match e.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn Error + 'static)),
            None => e.source(),
        };
    }
    out
}

/// `host:port`, with an IPv6 address in brackets.
pub(crate) fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') { format!("[{host}]:{port}") } else { format!("{host}:{port}") }
}

/// Items joined for a sentence: "a", "a and b", "a, b and c".
pub(crate) fn listed<T: ToString>(items: &[T]) -> String {
    joined(items, "and")
}

/// Items joined with `last` before the last one: "a, b or c".
pub(crate) fn joined<T: ToString>(items: &[T], last: &str) -> String {
    let words: Vec<String> = items.iter().map(ToString::to_string).collect();
    match words.split_last() {
        None => String::new(),
        Some((only, [])) => only.clone(),
        Some((final_word, rest)) => format!("{} {last} {final_word}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human(Duration::from_millis(12)), "12 ms");
        assert_eq!(human(Duration::from_secs(5)), "5 s");
        assert_eq!(human(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(timed_out(Duration::from_millis(300)), "timed out after 300 ms");
    }

    #[test]
    fn lists_and_addresses() {
        assert_eq!(listed::<&str>(&[]), "");
        assert_eq!(listed(&["a"]), "a");
        assert_eq!(listed(&["a", "b", "c"]), "a, b and c");
        assert_eq!(joined(&[200, 204], "or"), "200 or 204");
        assert_eq!(host_port("::1", 53), "[::1]:53");
        assert_eq!(host_port("db.internal", 5432), "db.internal:5432");
    }

    #[test]
    fn causes_look_inside_io_errors() {
        let inner = io::Error::new(io::ErrorKind::InvalidData, std::fmt::Error);
        let chain = causes(&inner);
        assert_eq!(chain.len(), 2);
        assert!(chain[1].downcast_ref::<std::fmt::Error>().is_some());
    }
}
