use crate::output;
use crate::output::out;
use klaxon_engine::core::IncidentId;
use klaxon_engine::{EngineError, Klaxon, UserAction};
use serde_json::json;
use std::process::ExitCode;

/// Applies the action to each id; reports each; exit 1 if any failed.
pub async fn run(klaxon: &Klaxon, action: UserAction, ids: &[i64], json: bool) -> Result<ExitCode, EngineError> {
    let mut results = Vec::new();
    let mut failed = false;
    for &id in ids {
        let id = IncidentId(id);
        match klaxon.act(id, action.clone()).await {
            Ok((i, queued)) => {
                if !json {
                    let level =
                        matches!(action, UserAction::Escalate).then(|| format!(" (level {})", i.escalation_level));
                    let queued = queued.as_ref().map(|q| format!(" (queued for {} as outbox {})", q.account, q.id));
                    out!("#{} {}{}{}", i.id, i.status, level.unwrap_or_default(), queued.unwrap_or_default());
                }
                let outbox = queued.map(|q| q.id);
                results.push(json!({
                    "id": id, "ok": true, "status": i.status, "escalation_level": i.escalation_level, "outbox": outbox,
                }));
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
