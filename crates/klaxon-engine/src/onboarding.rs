//! New-hire onboarding in the engine: the plans among the checklists, each task's progress from
//! what Klaxon knows (checklist results, the shadow log, incidents marked reviewed) or from ticks,
//! and what comes next.

use crate::checklists::Loaded;
use crate::{EngineError, Klaxon};
use chrono::{DateTime, NaiveDate, Utc};
use klaxon_core::checklist::Outcome;
use klaxon_core::onboarding::{self, Plan, Progress, Task, TaskKind};
use klaxon_store::TaskTick;
use serde::{Deserialize, Serialize};

/// A task with how far along it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TaskView {
    pub id: String,
    pub title: String,
    pub kind: TaskKind,
    pub progress: Progress,
    /// Ticked by hand (reading, reverse shadow, the mentor's sign-off); else Klaxon counts it.
    pub by_hand: bool,
    /// How Klaxon knows, in words ("3 of 5 pages shadowed", "signed off by Sam Lee").
    pub detail: String,
    /// For a reading task: which links are ticked, in order.
    pub read: Vec<bool>,
}

/// A phase with its tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PhaseView {
    pub title: String,
    pub weeks: (u32, u32),
    /// The plan is in this phase's weeks today.
    pub current: bool,
    pub tasks: Vec<TaskView>,
}

/// A plan as the Onboarding view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanView {
    pub name: String,
    pub new_hire: String,
    pub mentor: String,
    /// The mentor's person id (a sign-off is ticked in it).
    pub mentor_id: String,
    pub start: NaiveDate,
    /// 0 before it starts.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub week: i64,
    pub phases: Vec<PhaseView>,
    /// "Week 2-3: Shadow 5 pages", or None when all is done.
    pub next: Option<String>,
    pub done: u32,
    pub of: u32,
}

/// Every plan, and the plan files that did not load (`file:line: message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Onboarding {
    pub plans: Vec<PlanView>,
    pub problems: Vec<String>,
}

/// What a plan's progress is counted from.
struct Known<'a> {
    lists: &'a [Loaded],
    ticks: Vec<TaskTick>,
    /// Pages shadowed since the plan started.
    shadowed: u32,
    /// Incidents marked reviewed since the plan started.
    reviewed: u32,
}

fn ticked<'a>(ticks: &'a [TaskTick], task: &str, part: u32) -> Option<&'a TaskTick> {
    ticks.iter().find(|t| t.task == task && t.part == part && t.ticked)
}

impl Klaxon {
    /// The onboarding plans in the checklists directory, and what is wrong with the ones that did not load.
    pub fn plans(&self) -> (Vec<Plan>, Vec<String>) {
        let (mut plans, mut problems) = (Vec::new(), Vec::new());
        let paths = crate::checklists::files::toml_files(&self.checklists_dir()).unwrap_or_default();
        for path in paths {
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            if !onboarding::is_plan(&text) {
                continue;
            }
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            match onboarding::parse(&name, &text) {
                Ok(plan) => plans.push(plan),
                Err(e) => problems.push(format!("{}:{}: {}", path.display(), e.line, e.message)),
            }
        }
        (plans, problems)
    }

    /// Every plan with each task's progress as of `now`.
    pub async fn onboarding(&self, now: DateTime<Utc>) -> Result<(Vec<PlanView>, Vec<String>), EngineError> {
        let (plans, problems) = self.plans();
        // Read once for every plan's checklist tasks.
        let (lists, _) = self.checklists();
        let mut views = Vec::with_capacity(plans.len());
        for plan in &plans {
            views.push(self.plan_view(plan, &lists, now).await?);
        }
        Ok((views, problems))
    }

    async fn plan_view(&self, plan: &Plan, lists: &[Loaded], now: DateTime<Utc>) -> Result<PlanView, EngineError> {
        let start = plan.start.and_hms_opt(0, 0, 0).map_or(now, |d| d.and_utc());
        let known = Known {
            lists,
            ticks: self.store().onboarding_ticks(&plan.name).await?,
            shadowed: u32::try_from(self.store().shadow_log(start).await?.len()).unwrap_or(u32::MAX),
            reviewed: self.store().reviewed_since(start).await?,
        };
        let week = plan.week(now.date_naive());
        let mut phases = Vec::new();
        let (mut done, mut of) = (0, 0);
        for phase in &plan.phases {
            let mut tasks = Vec::new();
            for task in &phase.tasks {
                let view = self.task_view(plan, task, &known).await?;
                of += 1;
                done += u32::from(view.progress.complete());
                tasks.push(view);
            }
            let current = week >= i64::from(phase.weeks.0) && week <= i64::from(phase.weeks.1);
            phases.push(PhaseView { title: phase.title.clone(), weeks: phase.weeks, current, tasks });
        }
        let next = phases
            .iter()
            .find_map(|p| p.tasks.iter().find(|t| !t.progress.complete()).map(|t| format!("{}: {}", p.title, t.title)));
        Ok(PlanView {
            name: plan.name.clone(),
            new_hire: self.person_name(&plan.new_hire),
            mentor: self.person_name(&plan.mentor),
            mentor_id: plan.mentor.clone(),
            start: plan.start,
            week,
            phases,
            next,
            done,
            of,
        })
    }

    /// A team-file person's name (their id when the team file does not know them).
    fn person_name(&self, id: &str) -> String {
        self.team().person(id).map_or_else(|| id.to_owned(), |p| p.name.clone())
    }

    async fn task_view(&self, plan: &Plan, task: &Task, known: &Known<'_>) -> Result<TaskView, EngineError> {
        let (ticks, shadowed, reviewed) = (known.ticks.as_slice(), known.shadowed, known.reviewed);
        let mut read = Vec::new();
        let (progress, by_hand, detail) = match &task.kind {
            TaskKind::Checklist { name: list } => match known.lists.iter().find(|l| l.checklist.name == *list) {
                Some(l) => {
                    let view = self.checklist_view(l).await?;
                    let passes = view.last_run.is_some() && matches!(view.outcome, Outcome::Pass | Outcome::Warn);
                    let left = view
                        .items
                        .iter()
                        .filter(|i| i.result.as_ref().is_none_or(|r| r.outcome != Outcome::Pass))
                        .count();
                    let detail =
                        if passes { format!("`{list}` passes") } else { format!("`{list}`: {left} items to go") };
                    (Progress { done: u32::from(passes), of: 1 }, false, detail)
                }
                None => (Progress { done: 0, of: 1 }, false, format!("no checklist `{list}`")),
            },
            TaskKind::ShadowPages { count } => {
                let done = shadowed.min(*count);
                (Progress { done, of: *count }, false, format!("{shadowed} of {count} pages shadowed"))
            }
            TaskKind::ReviewIncidents { count } => {
                let done = reviewed.min(*count);
                (Progress { done, of: *count }, false, format!("{reviewed} of {count} incidents reviewed"))
            }
            TaskKind::Read { links } => {
                read = (0..links.len())
                    .map(|n| ticked(ticks, &task.id, u32::try_from(n).unwrap_or(0)).is_some())
                    .collect();
                let done = u32::try_from(read.iter().filter(|r| **r).count()).unwrap_or(0);
                let of = u32::try_from(links.len()).unwrap_or(0);
                (Progress { done, of }, true, format!("{done} of {of} read"))
            }
            TaskKind::ReverseShadow => match ticked(ticks, &task.id, 0) {
                Some(t) => (Progress { done: 1, of: 1 }, true, format!("done {}", t.at.date_naive())),
                None => (
                    Progress { done: 0, of: 1 },
                    true,
                    format!("a shift as primary with {} following", self.person_name(&plan.mentor)),
                ),
            },
            TaskKind::SignOff => {
                match ticked(ticks, &task.id, 0).filter(|t| t.by.as_deref() == Some(plan.mentor.as_str())) {
                    Some(t) => (
                        Progress { done: 1, of: 1 },
                        true,
                        format!("signed off by {} on {}", self.person_name(&plan.mentor), t.at.date_naive()),
                    ),
                    None => (
                        Progress { done: 0, of: 1 },
                        true,
                        format!("waiting for {} to sign off", self.person_name(&plan.mentor)),
                    ),
                }
            }
        };
        Ok(TaskView {
            id: task.id.clone(),
            title: task.title.clone(),
            kind: task.kind.clone(),
            progress,
            by_hand,
            detail,
            read,
        })
    }

    /// Ticks (or takes back) a task done by hand: part `part` of a reading task (0 for others).
    /// A sign-off counts only in the mentor's name (`by`).
    pub async fn onboarding_tick(
        &self,
        plan: &str,
        task: &str,
        part: u32,
        by: Option<&str>,
        ticked: bool,
    ) -> Result<(), EngineError> {
        let (plans, _) = self.plans();
        let p = plans.iter().find(|p| p.name == plan).ok_or_else(|| {
            EngineError::InvalidInput(format!("no onboarding plan `{plan}` in {}", self.checklists_dir().display()))
        })?;
        let t = p
            .phases
            .iter()
            .flat_map(|ph| &ph.tasks)
            .find(|t| t.id == task)
            .ok_or_else(|| EngineError::InvalidInput(format!("plan `{plan}` has no task `{task}`")))?;
        let ok = match &t.kind {
            TaskKind::Read { links } => (part as usize) < links.len(),
            TaskKind::ReverseShadow => part == 0,
            TaskKind::SignOff if by != Some(p.mentor.as_str()) => {
                return Err(EngineError::InvalidInput(format!("only the mentor ({}) signs off", p.mentor)));
            }
            TaskKind::SignOff => part == 0,
            _ => return Err(EngineError::InvalidInput(format!("`{task}` is counted by Klaxon, not ticked by hand"))),
        };
        if !ok {
            return Err(EngineError::InvalidInput(format!("task `{task}` has no part {part}")));
        }
        let by = by.unwrap_or(&self.team().me);
        self.store().onboarding_tick(plan, task, part, Some(by), ticked, Utc::now()).await?;
        Ok(())
    }

    /// Marks an incident reviewed (for the new hire's review task).
    pub async fn mark_reviewed(&self, id: klaxon_core::IncidentId) -> Result<(), EngineError> {
        let incident = self.store().incident(id).await?;
        self.store().mark_reviewed(id.0, &incident.title, Utc::now()).await?;
        Ok(())
    }
}
