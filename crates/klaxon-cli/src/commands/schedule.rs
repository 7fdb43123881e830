use crate::output;
use crate::output::out;
use chrono::{Local, Utc};
use klaxon_engine::{EngineError, Klaxon};
use serde_json::json;
use std::process::ExitCode;

pub async fn on_call(klaxon: &Klaxon, json: bool) -> Result<ExitCode, EngineError> {
    let status = klaxon.on_call_everywhere().await?;
    if json {
        output::json(&status);
        return Ok(ExitCode::SUCCESS);
    }
    out!("{} {} on call.", status.me.name, if status.me_on_call { "is" } else { "is not" });
    let now = Utc::now();
    out!("{:<28}  {:>3}  {:<22}  UNTIL", "POLICY", "LVL", "WHO");
    for e in &status.entries {
        let until = e.until.map_or_else(|| "-".to_owned(), |t| format!("in {}", output::age(now, t)));
        out!("{:<28}  {:>3}  {:<22}  {}", e.policy, e.level, e.person_name, until);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn shifts(klaxon: &Klaxon, days: i64, json: bool) -> Result<ExitCode, EngineError> {
    let shifts = klaxon.shifts(days).await?;
    if json {
        let list: Vec<_> = shifts.iter().map(|(account, s)| json!({"account": account, "shift": s})).collect();
        output::json(&list);
        return Ok(ExitCode::SUCCESS);
    }
    if shifts.is_empty() {
        out!("No shifts cached for the next {days} days (platform accounts only; see `klaxon accounts`).");
    }
    for (account, s) in &shifts {
        out!(
            "{}  →  {}  {:<10}  {:<20}  {}",
            s.start.with_timezone(&Local).format("%a %d %b %H:%M"),
            s.end.with_timezone(&Local).format("%a %d %b %H:%M"),
            account,
            s.schedule_name,
            s.person_name
        );
    }
    Ok(ExitCode::SUCCESS)
}
