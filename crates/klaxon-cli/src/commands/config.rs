use crate::output::out;
use klaxon_engine::{EngineError, Paths, load_team_file, team_file_warnings};
use serde_json::json;
use std::process::ExitCode;

pub fn check(paths: &Paths, as_json: bool) -> Result<ExitCode, EngineError> {
    let (file, _) = load_team_file(&paths.config_file, false)?;
    for warning in team_file_warnings(&paths.config_file, &file.intake) {
        eprintln!("warning: {warning}");
    }
    let t = &file.team;
    let dir = klaxon_engine::checklists::files::directory(&paths.config_file);
    let (lists, problems) = klaxon_engine::checklists::files::load_all(&dir);
    for p in &problems {
        eprintln!("{p}");
    }
    if as_json {
        crate::output::json(&json!({
            "ok": problems.is_empty(),
            "file": paths.config_file,
            "me": t.me,
            "people": t.people.len(),
            "schedules": t.schedules.len(),
            "escalation_policies": t.policies.len(),
            "intake": file.intake.listen.to_string(),
            "checklists": lists.iter().map(|l| &l.checklist.name).collect::<Vec<_>>(),
            "checklist_problems": problems,
        }));
    } else {
        out!(
            "{}: OK — me = {}, {} people, {} schedules, {} escalation policies, intake on {}",
            paths.config_file.display(),
            t.me,
            t.people.len(),
            t.schedules.len(),
            t.policies.len(),
            file.intake.listen
        );
        for l in &lists {
            out!("{}: OK — {} items", l.path.display(), l.checklist.items.len());
        }
    }
    Ok(if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}
