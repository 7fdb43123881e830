//! `klaxon onboarding`: new-hire plans with each task's progress; `klaxon review ID`.

use crate::args::OnboardingCommand;
use crate::output::{self, out};
use chrono::Utc;
use klaxon_engine::core::IncidentId;
use klaxon_engine::{EngineError, Klaxon};
use serde_json::json;
use std::process::ExitCode;

pub async fn run(klaxon: &Klaxon, command: Option<OnboardingCommand>, json: bool) -> Result<ExitCode, EngineError> {
    if let Some(OnboardingCommand::Tick { plan, task, part, by, undo }) = command {
        klaxon.onboarding_tick(&plan, &task, part, by.as_deref(), !undo).await?;
        if json {
            output::json(&json!({"plan": plan, "task": task, "part": part, "ticked": !undo}));
        } else {
            out!("{} {plan} / {task}", if undo { "Took back" } else { "Ticked" });
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (plans, problems) = klaxon.onboarding(Utc::now()).await?;
    for p in &problems {
        eprintln!("{p}");
    }
    if json {
        output::json(&json!({"plans": plans, "problems": problems}));
    } else if plans.is_empty() {
        out!("No onboarding plans in {}.", klaxon.checklists_dir().display());
    }
    if !json {
        for p in &plans {
            out!(
                "{} — mentor {}, started {} (week {}): {} of {} tasks done",
                p.new_hire,
                p.mentor,
                p.start,
                p.week,
                p.done,
                p.of
            );
            for phase in &p.phases {
                let now = if phase.current { "  ← now" } else { "" };
                out!("  {} (weeks {}-{}){now}", phase.title, phase.weeks.0, phase.weeks.1);
                for t in &phase.tasks {
                    let mark = if t.progress.complete() { "✔" } else { "·" };
                    out!("    {mark} {:<14} {} — {}", t.id, t.title, t.detail);
                }
            }
            match &p.next {
                Some(next) => out!("  Next: {next}"),
                None => out!("  All done."),
            }
        }
    }
    Ok(if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

pub async fn review(klaxon: &Klaxon, id: i64, json: bool) -> Result<ExitCode, EngineError> {
    klaxon.mark_reviewed(IncidentId(id)).await?;
    if json {
        output::json(&json!({"reviewed": id}));
    } else {
        out!("Marked incident {id} reviewed.");
    }
    Ok(ExitCode::SUCCESS)
}
