//! `klaxon check`: run readiness checklists, tick items by hand, their history, the allow-list.

use crate::args::CheckCommand;
use crate::output::{self, out};
use klaxon_engine::checklists::{CheckContext, RunReport};
use klaxon_engine::core::checklist::{Outcome, RunTrigger};
use klaxon_engine::{EngineError, Klaxon};
use serde_json::json;
use std::process::ExitCode;
use std::sync::Arc;

fn mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "✔",
        Outcome::Warn => "!",
        Outcome::NeedsYou => "?",
        Outcome::Fail => "✘",
    }
}

pub async fn run(
    klaxon: &Arc<Klaxon>,
    command: Option<CheckCommand>,
    name: Option<String>,
    json: bool,
) -> Result<ExitCode, EngineError> {
    match command {
        None => run_lists(klaxon, name.as_deref(), json).await,
        Some(CheckCommand::Tick { checklist, item, note, undo }) => {
            let tick = klaxon.tick(&checklist, &item, !undo, note).await?;
            if json {
                output::json(&tick);
            } else {
                out!("{} {checklist} / {item}", if undo { "Took back the tick of" } else { "Ticked" });
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(CheckCommand::History { checklist, limit }) => {
            let runs = klaxon.store().checklist_runs(checklist.as_deref(), limit).await?;
            if json {
                output::json(&runs);
                return Ok(ExitCode::SUCCESS);
            }
            for r in &runs {
                let outcome = r.outcome.map_or("unfinished", |o| o.as_str());
                let when = r.started_at.with_timezone(&chrono::Local).format("%a %d %b %H:%M");
                out!("{when}  {:<14}  {:<10}  {outcome}", r.checklist, r.trigger.as_str());
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(CheckCommand::Token { key, token_stdin: _, delete }) => {
            let secrets = klaxon_engine::secrets::os_store();
            let at = klaxon_engine::checklists::token_secret_key(&key);
            if delete {
                secrets.delete(&at)?;
                out!("Removed the token `{key}` from the OS keyring.");
                return Ok(ExitCode::SUCCESS);
            }
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| EngineError::InvalidInput(format!("cannot read the token from stdin: {e}")))?;
            let token = klaxon_engine::core::Secret::new(text.trim());
            if token.expose().is_empty() {
                return Err(EngineError::InvalidInput("no token on stdin".into()));
            }
            secrets.set(&at, &token)?;
            out!("Keeping the token `{key}` in the OS keyring for http probes (token_key = \"{key}\").");
            Ok(ExitCode::SUCCESS)
        }
        Some(CheckCommand::Allow { file }) => {
            let loaded = klaxon.allow_checklist(&file).await?;
            let commands = loaded.checklist.items.iter().filter(|i| i.probe.kind() == "command").count();
            if json {
                output::json(&json!({"allowed": loaded.path, "sha256": loaded.sha256, "commands": commands}));
            } else {
                out!(
                    "Allowed {} ({commands} command probes) as it is now; a change must be allowed again.",
                    loaded.path.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn run_lists(klaxon: &Arc<Klaxon>, only: Option<&str>, json: bool) -> Result<ExitCode, EngineError> {
    let dir = klaxon.checklists_dir();
    if klaxon_engine::checklists::files::write_examples_if_missing(&dir)? {
        eprintln!("klaxon: wrote example checklists to {}: edit them to your team's hosts and links", dir.display());
    }
    let (lists, problems) = klaxon.checklists();
    for p in &problems {
        eprintln!("{p}");
    }
    let wanted: Vec<_> = lists.iter().filter(|l| only.is_none_or(|n| l.checklist.name == n)).collect();
    if let Some(name) = only
        && wanted.is_empty()
    {
        let bad = problems.iter().any(|p| p.path.file_stem().is_some_and(|s| s == name));
        if !bad {
            eprintln!("klaxon: no checklist `{name}` in {}", klaxon.checklists_dir().display());
        }
        return Ok(ExitCode::from(2));
    }
    let ctx = CheckContext {
        secrets: klaxon_engine::secrets::os_store(),
        http: klaxon_engine::HttpOptions::default(),
        deliveries: crate::commands::watch::deliveries(),
        probes: klaxon_engine::checklists::HttpProbeOptions::default(),
        phone: klaxon_ntfy::NtfyClient::new()
            .ok()
            .map(|c| std::sync::Arc::new(c) as std::sync::Arc<dyn klaxon_engine::phone::PhoneChannel>),
    };
    let mut reports: Vec<RunReport> = Vec::new();
    for list in wanted {
        if let Some(report) = klaxon.run_checklist(list, RunTrigger::Asked, None, &ctx).await? {
            reports.push(report);
        }
    }
    if json {
        output::json(&json!({"runs": reports, "problems": problems}));
    } else {
        for r in &reports {
            print(r, &lists);
        }
    }
    let not_ready = reports.iter().any(|r| matches!(r.outcome, Outcome::Fail | Outcome::NeedsYou));
    let bad_file = only.is_none() && !problems.is_empty();
    Ok(ExitCode::from(if bad_file { 2 } else { u8::from(not_ready) }))
}

fn print(r: &RunReport, lists: &[klaxon_engine::checklists::Loaded]) {
    let verdict = match r.outcome {
        Outcome::Pass => "ready".to_owned(),
        Outcome::Warn => "ready, with warnings".to_owned(),
        Outcome::NeedsYou => "waiting for you".to_owned(),
        Outcome::Fail => format!("NOT READY: {}", r.failing.join(", ")),
    };
    out!("{} ({}): {verdict}  [{:.1} s]", r.title, r.checklist, r.took.as_secs_f32());
    let items = lists.iter().find(|l| l.checklist.name == r.checklist).map(|l| &l.checklist.items);
    for result in &r.results {
        let title = items.and_then(|i| i.iter().find(|i| i.id == result.item)).map_or("", |i| i.title.as_str());
        out!("  {} {:<18} {title}", mark(result.outcome), result.item);
        out!("      {} — {} ({} ms)", result.evidence.checked, result.evidence.result, result.evidence.took_ms);
    }
}
