use crate::args::OutboxCommand;
use crate::output;
use crate::output::out;
use chrono::Utc;
use klaxon_engine::core::{Action, OutboxEntry};
use klaxon_engine::{EngineError, Klaxon};
use std::process::ExitCode;

pub async fn run(
    klaxon: &Klaxon,
    command: Option<OutboxCommand>,
    all: bool,
    json: bool,
) -> Result<ExitCode, EngineError> {
    let store = klaxon.store();
    let now = Utc::now();
    match command {
        None => {
            let entries = store.outbox(all).await?;
            if json { output::json(&entries) } else { table(&entries) }
        }
        Some(OutboxCommand::Retry { id }) => {
            let entry = store.retry_outbox(id, now).await?;
            if json {
                output::json(&entry)
            } else {
                out!("Action {id} queued again; the running app or `klaxon watch` sends it.")
            }
        }
        Some(OutboxCommand::Discard { id }) => {
            let entry = store.discard_outbox(id).await?;
            if json {
                output::json(&entry)
            } else {
                out!("Action {id} discarded; the next sync shows the platform's state.")
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(action: &Action) -> String {
    match action {
        Action::Escalate { to_level } => format!("escalate to level {to_level}"),
        Action::Reassign { to } => format!("reassign to {}", to.describe()),
        Action::Snooze { minutes } => format!("snooze {minutes} min"),
        Action::Note { text } => format!("note: {}", text.chars().take(40).collect::<String>()),
        other => other.kind().to_string(),
    }
}

fn table(entries: &[OutboxEntry]) {
    if entries.is_empty() {
        out!("Outbox empty: every action reached its platform.");
        return;
    }
    let now = Utc::now();
    out!("{:>5}  {:<10}  {:>8}  {:<8}  {:<24}  {:>4}  REASON", "ID", "ACCOUNT", "INCIDENT", "STATE", "ACTION", "AGE");
    for e in entries {
        out!(
            "{:>5}  {:<10}  {:>8}  {:<8}  {:<24}  {:>4}  {}",
            e.id,
            e.account,
            e.incident.0,
            e.state.as_str(),
            describe(&e.action),
            output::age(e.created_at, now),
            e.last_error.as_deref().or(e.note.as_deref()).unwrap_or("")
        );
    }
}
