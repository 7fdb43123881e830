use crate::output;
use klaxon_engine::core::IncidentId;
use klaxon_engine::{EngineError, Klaxon};
use serde_json::json;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy)]
pub enum Action {
    Ack,
    Resolve,
    Escalate,
}

/// Applies the action to each id; reports each; exit 1 if any failed.
pub async fn run(klaxon: &Klaxon, action: Action, ids: &[i64], json: bool) -> Result<ExitCode, EngineError> {
    let mut results = Vec::new();
    let mut failed = false;
    for &id in ids {
        let id = IncidentId(id);
        let outcome = match action {
            Action::Ack => klaxon.acknowledge(id).await,
            Action::Resolve => klaxon.resolve(id).await,
            Action::Escalate => klaxon.escalate(id).await,
        };
        match outcome {
            Ok(i) => {
                if !json {
                    let level = matches!(action, Action::Escalate).then(|| format!(" (level {})", i.escalation_level));
                    println!("#{} {}{}", i.id, i.status, level.unwrap_or_default());
                }
                results.push(json!({"id": id, "ok": true, "status": i.status, "escalation_level": i.escalation_level}));
            }
            Err(e) => {
                failed = true;
                eprintln!("klaxon: {e}");
                results.push(json!({"id": id, "ok": false, "error": e.to_string()}));
            }
        }
    }
    if json {
        output::json(&results);
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
