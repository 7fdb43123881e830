use crate::commands::watch::deliveries;
use crate::output::out;
use klaxon_engine::{EngineError, Paths, load_team_file, send_test_page};
use serde_json::json;
use std::process::ExitCode;
use std::time::Duration;

/// Sends a test page through this machine's delivery paths; exit 1 if none fired.
pub async fn run(paths: Paths, as_json: bool) -> Result<ExitCode, EngineError> {
    let me = load_team_file(&paths.config_file, false).map_or_else(|_| "me".to_owned(), |(f, _)| f.team.me);
    let report = send_test_page(&deliveries(), &me, Duration::from_secs(10)).await;
    if as_json {
        let rows: Vec<_> =
            report.iter().map(|(path, r)| json!({"path": path, "ok": r.is_ok(), "error": r.as_ref().err()})).collect();
        crate::output::json(&rows);
    } else {
        for (path, result) in &report {
            match result {
                Ok(()) => out!("{path}: fired"),
                Err(e) => out!("{path}: FAILED — {e}"),
            }
        }
    }
    Ok(if report.iter().any(|(_, r)| r.is_ok()) { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
