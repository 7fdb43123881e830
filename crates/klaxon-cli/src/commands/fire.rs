use crate::args::{FireArgs, SeverityArg};
use crate::output::out;
use klaxon_engine::{EngineError, Klaxon};
use serde_json::{Value, json};
use std::process::ExitCode;

pub async fn run(klaxon: &Klaxon, args: FireArgs, as_json: bool) -> Result<ExitCode, EngineError> {
    let secrets = klaxon_engine::secrets::os_store();
    let token = klaxon.intake_token(secrets.as_ref(), false)?;
    let severity = match args.severity {
        SeverityArg::Sev1 => "sev1",
        SeverityArg::Sev2 => "sev2",
        SeverityArg::Sev3 => "sev3",
        SeverityArg::Sev4 => "sev4",
    };
    let body = json!({
        "title": args.title,
        "severity": severity,
        "service": args.service,
        "dedup_key": args.dedup_key,
        "action": if args.resolve { "resolve" } else { "trigger" },
    });
    let url = format!("{}/v1/alerts", klaxon.intake_url());
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| EngineError::Internal(e.to_string()))?;
    let response = client.post(&url).bearer_auth(token.expose()).json(&body).send().await;
    let response = match response {
        Ok(r) => r,
        Err(e) => {
            eprintln!("klaxon: cannot reach the intake at {url}: {e}. Is the app or `klaxon watch` running?");
            return Ok(ExitCode::from(1));
        }
    };
    let status = response.status();
    let reply: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        let message = reply["error"]["message"].as_str().unwrap_or("no details");
        eprintln!("klaxon: intake refused the alert ({status}): {message}");
        return Ok(ExitCode::from(1));
    }
    if as_json {
        crate::output::json(&reply);
    } else {
        let first = &reply["accepted"][0];
        match first["incident"].as_i64() {
            Some(id) => out!("#{id} {}", first["change"].as_str().unwrap_or("accepted")),
            None => out!("accepted (no open incident matched)"),
        }
    }
    Ok(ExitCode::SUCCESS)
}
