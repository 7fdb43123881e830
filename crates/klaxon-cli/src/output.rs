//! Human and JSON renderings.

use chrono::{DateTime, Utc};
use klaxon_engine::core::{Incident, IncidentDetail};

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
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("klaxon: cannot render JSON: {e}"),
    }
}

/// One table row per incident.
pub fn incident_table(list: &[Incident], now: DateTime<Utc>) {
    if list.is_empty() {
        println!("No open incidents.");
        return;
    }
    println!(
        "{:>5}  {:<10}  {:<4}  {:<12}  {:>3}  {:>4}  {:<12}  TITLE",
        "ID", "ACCOUNT", "SEV", "STATUS", "LVL", "AGE", "SERVICE"
    );
    for i in list {
        println!(
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
    println!("#{} {}", i.id, i.title);
    println!("  status:     {}", i.status);
    println!("  severity:   {} ({} urgency)", i.severity, i.urgency);
    println!("  service:    {}", i.service.as_deref().unwrap_or("-"));
    println!("  account:    {}", i.account);
    println!("  assignees:  {}", if i.assignees.is_empty() { "-".to_owned() } else { i.assignees.join(", ") });
    println!(
        "  escalation: level {}{}",
        i.escalation_level,
        i.escalation_policy.as_deref().map(|p| format!(" of {p}")).unwrap_or_default()
    );
    println!("  created:    {} ({} ago)", i.created_at.to_rfc3339(), age(i.created_at, now));
    if let Some(t) = i.acknowledged_at {
        println!("  acked:      {}", t.to_rfc3339());
    }
    if let Some(t) = i.resolved_at {
        println!("  resolved:   {}", t.to_rfc3339());
    }
    if let Some(url) = &i.web_url {
        println!("  link:       {url}");
    }
    if let Some(text) = &i.details.text {
        println!("  details:    {text}");
    }
    for (k, v) in &i.details.labels {
        println!("    {k} = {v}");
    }
    println!("timeline:");
    for l in &d.log {
        println!("  {}  {:<15} {}", l.at.format("%Y-%m-%d %H:%M:%S"), l.kind.as_str(), l.said);
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
