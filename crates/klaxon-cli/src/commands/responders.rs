//! `klaxon responders ACCOUNT`: whom the account's incidents can be reassigned to.

use crate::output;
use crate::output::out;
use chrono::Utc;
use klaxon_engine::core::ResponderKind;
use klaxon_engine::{EngineError, Klaxon, ResponderFetch};
use std::process::ExitCode;

pub async fn list(
    klaxon: &Klaxon,
    account: &str,
    search: Option<&str>,
    refresh: bool,
    json: bool,
) -> Result<ExitCode, EngineError> {
    let secrets = klaxon_engine::secrets::os_store();
    let fetch = if refresh { ResponderFetch::Now } else { ResponderFetch::IfStale };
    let mut responders = klaxon.responders(account, fetch, &secrets, klaxon_engine::HttpOptions::default()).await?;
    responders.entries.retain(|r| r.matches(search.unwrap_or("")));
    if json {
        output::json(&responders);
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(error) = &responders.error {
        eprintln!("klaxon: could not ask the platform ({error}); showing the last copy");
    }
    match responders.fetched_at {
        Some(at) => out!("As of {} ago:", output::age(at, Utc::now())),
        None => out!("Never fetched from the platform."),
    }
    out!("{:<18}  {:<12}  {:<28}  DETAIL", "ID", "KIND", "NAME");
    for r in &responders.entries {
        let kind = match r.kind {
            ResponderKind::User => "user",
            ResponderKind::EscalationPolicy => "policy",
        };
        out!("{:<18}  {:<12}  {:<28}  {}", r.id, kind, r.name, r.detail.as_deref().unwrap_or(""));
    }
    Ok(ExitCode::SUCCESS)
}
