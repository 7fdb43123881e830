use crate::output;
use klaxon_engine::{EngineError, Klaxon};
use std::process::ExitCode;

/// Prints the shadow log: each shadowed page and what the primary did.
pub async fn log(klaxon: &Klaxon, days: i64, json: bool) -> Result<ExitCode, EngineError> {
    let entries = klaxon.shadow_log(days).await?;
    if json {
        output::json(&entries);
        return Ok(ExitCode::SUCCESS);
    }
    if entries.is_empty() {
        println!("No shadowed pages in the last {days} days.");
    }
    for e in &entries {
        println!(
            "{}  #{} {}  (following {}; paged {})",
            e.notified_at.format("%Y-%m-%d %H:%M"),
            e.incident,
            e.title,
            e.followed,
            e.primary.join(", ")
        );
        if e.responses.is_empty() {
            println!("    no response yet");
        }
        for r in &e.responses {
            let who = r.actor.as_deref().unwrap_or("?");
            println!("    {:<13} by {who:<10} after {}", r.kind.as_str(), output::age(e.notified_at, r.at));
        }
    }
    Ok(ExitCode::SUCCESS)
}
