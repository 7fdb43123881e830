//! Human and JSON renderings, and the one way the commands write to stdout.
//!
//! A closed stdout (`klaxon incidents | head`: the reader went away) is not an error: the first
//! write that finds it closed (EPIPE) stops all further output quietly, the command still finishes
//! what it was doing (every id of `klaxon ack 1 2 3`, the pager's paging) and exits as it would
//! have. Rust ignores SIGPIPE, so without this `println!` panics; restoring SIGPIPE's default
//! instead would take unsafe code and would let a closed log pipe kill `klaxon watch`. Any other
//! write error (a full disk) is said once on stderr and makes the command exit 1.

use chrono::{DateTime, Utc};
use klaxon_engine::core::{Incident, IncidentDetail};
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once stdout is found closed: later output is skipped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// Set once writing stdout failed for another reason.
static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);

/// `println!` for the commands: one line to stdout, quietly nothing once stdout is closed.
macro_rules! out {
    () => {
        $crate::output::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}
pub(crate) use out;

/// Writes one line to stdout (see the module docs for what happens when that fails).
pub fn line(args: std::fmt::Arguments<'_>) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = writeln!(stdout, "{args}") {
        stdout_failed(&e);
    }
}

fn stdout_failed(e: &std::io::Error) {
    if e.kind() == ErrorKind::BrokenPipe {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    } else if !STDOUT_FAILED.swap(true, Ordering::Relaxed) {
        eprintln!("klaxon: cannot write the output: {e}");
    }
}

/// Flushes stdout; false if some output could not be written for a reason other than a closed
/// stdout (already said on stderr).
pub fn finish() -> bool {
    if !STDOUT_CLOSED.load(Ordering::Relaxed)
        && let Err(e) = std::io::stdout().lock().flush()
    {
        stdout_failed(&e);
    }
    !STDOUT_FAILED.load(Ordering::Relaxed)
}

/// "42s", "5m", "3h", "2d".
pub fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let s = (now - since).num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// Prints `value` as pretty JSON.
pub fn json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => out!("{text}"),
        Err(e) => eprintln!("klaxon: cannot render JSON: {e}"),
    }
}

/// One table row per incident.
pub fn incident_table(list: &[Incident], now: DateTime<Utc>) {
    if list.is_empty() {
        out!("No open incidents.");
        return;
    }
    out!(
        "{:>5}  {:<10}  {:<4}  {:<12}  {:>3}  {:>4}  {:<12}  TITLE",
        "ID",
        "ACCOUNT",
        "SEV",
        "STATUS",
        "LVL",
        "AGE",
        "SERVICE"
    );
    for i in list {
        out!(
            "{:>5}  {:<10}  {:<4}  {:<12}  {:>3}  {:>4}  {:<12}  {}",
            i.id.0,
            i.account,
            i.severity.as_str(),
            i.status.as_str(),
            i.escalation_level,
            age(i.created_at, now),
            i.service.as_deref().unwrap_or("-"),
            i.title
        );
    }
}

/// The detail view.
pub fn incident_detail(d: &IncidentDetail, now: DateTime<Utc>) {
    let i = &d.incident;
    out!("#{} {}", i.id, i.title);
    out!("  status:     {}", i.status);
    out!("  severity:   {} ({} urgency)", i.severity, i.urgency);
    out!("  service:    {}", i.service.as_deref().unwrap_or("-"));
    out!("  account:    {}", i.account);
    out!("  assignees:  {}", if i.assignees.is_empty() { "-".to_owned() } else { i.assignees.join(", ") });
    out!(
        "  escalation: level {}{}",
        i.escalation_level,
        i.escalation_policy.as_deref().map(|p| format!(" of {p}")).unwrap_or_default()
    );
    out!("  created:    {} ({} ago)", i.created_at.to_rfc3339(), age(i.created_at, now));
    if let Some(t) = i.acknowledged_at {
        out!("  acked:      {}", t.to_rfc3339());
    }
    if let Some(t) = i.resolved_at {
        out!("  resolved:   {}", t.to_rfc3339());
    }
    if let Some(url) = &i.web_url {
        out!("  link:       {url}");
    }
    if let Some(text) = &i.details.text {
        out!("  details:    {text}");
    }
    for (k, v) in &i.details.labels {
        out!("    {k} = {v}");
    }
    out!("timeline:");
    for l in &d.log {
        out!("  {}  {:<15} {}", l.at.format("%Y-%m-%d %H:%M:%S"), l.kind.as_str(), l.said);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn ages_read_short() {
        let now = Utc::now();
        assert_eq!(age(now - Duration::seconds(5), now), "5s");
        assert_eq!(age(now - Duration::seconds(125), now), "2m");
        assert_eq!(age(now - Duration::hours(3), now), "3h");
        assert_eq!(age(now - Duration::days(2), now), "2d");
        assert_eq!(age(now + Duration::seconds(5), now), "0s");
    }
}
