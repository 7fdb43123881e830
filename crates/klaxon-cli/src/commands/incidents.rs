use crate::output;
use chrono::Utc;
use klaxon_engine::core::IncidentId;
use klaxon_engine::{EngineError, Klaxon};
use std::process::ExitCode;

pub async fn list(klaxon: &Klaxon, all: bool, json: bool) -> Result<ExitCode, EngineError> {
    let list = klaxon.incidents(all).await?;
    for warning in klaxon.store().warnings().await? {
        eprintln!("warning: {warning}");
    }
    if json {
        output::json(&list)
    } else {
        output::incident_table(&list, Utc::now())
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn show(klaxon: &Klaxon, id: i64, json: bool) -> Result<ExitCode, EngineError> {
    let detail = klaxon.incident(IncidentId(id)).await?;
    if json {
        output::json(&detail)
    } else {
        output::incident_detail(&detail, Utc::now())
    }
    Ok(ExitCode::SUCCESS)
}
