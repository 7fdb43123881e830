use crate::output;
use crate::output::out;
use klaxon_engine::core::{ShadowSettings, ShadowSource};
use klaxon_engine::{EngineError, Klaxon};
use std::process::ExitCode;

fn print_settings(settings: &ShadowSettings, json: bool) {
    if json {
        output::json(settings);
        return;
    }
    let from = match settings.source {
        ShadowSource::TeamFile => "the team file's [shadow]",
        ShadowSource::App => {
            "chosen in the app or with `klaxon shadow follow` (`klaxon shadow reset` goes back to the team file's)"
        }
    };
    if settings.follow.is_empty() {
        out!("Shadowing nobody ({from}).");
    } else {
        out!("Shadowing ({from}):");
        for c in &settings.follow {
            out!("  {:<24} {}", c.target, c.label);
        }
    }
    out!("Could shadow:");
    for c in &settings.choices {
        out!("  {:<24} {}", c.target, c.label);
    }
}

/// Prints whom I shadow and whom I could.
pub fn show(klaxon: &Klaxon, json: bool) -> Result<ExitCode, EngineError> {
    print_settings(&klaxon.shadow_settings(), json);
    Ok(ExitCode::SUCCESS)
}

/// Follows `targets` (or the team file's list again with `None`); the running pager takes it
/// within a second.
pub async fn set(klaxon: &Klaxon, targets: Option<Vec<String>>, json: bool) -> Result<ExitCode, EngineError> {
    print_settings(&klaxon.set_shadow(targets).await?, json);
    Ok(ExitCode::SUCCESS)
}

/// Prints the shadow log: each shadowed page and what the primary did.
pub async fn log(klaxon: &Klaxon, days: i64, json: bool) -> Result<ExitCode, EngineError> {
    let entries = klaxon.shadow_log(days).await?;
    if json {
        output::json(&entries);
        return Ok(ExitCode::SUCCESS);
    }
    if entries.is_empty() {
        out!("No shadowed pages in the last {days} days.");
    }
    for e in &entries {
        out!(
            "{}  #{} {}  (following {}; paged {})",
            e.notified_at.format("%Y-%m-%d %H:%M"),
            e.incident,
            e.title,
            e.followed,
            e.primary.join(", ")
        );
        if e.responses.is_empty() {
            out!("    no response yet");
        }
        for r in &e.responses {
            let who = r.actor.as_deref().unwrap_or("?");
            out!("    {:<13} by {who:<10} after {}", r.kind.as_str(), output::age(e.notified_at, r.at));
        }
    }
    Ok(ExitCode::SUCCESS)
}
