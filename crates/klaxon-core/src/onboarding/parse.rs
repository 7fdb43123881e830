//! A plan file's TOML, checked field by field, each error at its line. A plan sits among the
//! checklists and is told apart by its `[plan]` table.

use super::{Phase, Plan, Task, TaskKind};
use crate::ConfigError;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashSet;
use toml::Spanned;

type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    plan: RawPlan,
    #[serde(default)]
    phases: Vec<RawPhase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    new_hire: S<String>,
    mentor: S<String>,
    start: S<toml::value::Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhase {
    title: S<String>,
    weeks: S<toml::Value>,
    #[serde(default)]
    tasks: Vec<RawTask>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    id: S<String>,
    title: S<String>,
    checklist: Option<S<String>>,
    shadow_pages: Option<S<i64>>,
    review_incidents: Option<S<i64>>,
    read: Option<S<Vec<S<String>>>>,
    reverse_shadow: Option<S<toml::Table>>,
    sign_off: Option<S<toml::Table>>,
}

/// Whether `text` is a plan (it has a `[plan]` table) rather than a checklist; a file that is not
/// even TOML counts as a plan when a line says `[plan]` (so its error is reported as a plan's).
pub fn is_plan(text: &str) -> bool {
    match text.parse::<toml::Table>() {
        Ok(t) => t.contains_key("plan"),
        Err(_) => text.lines().any(|l| l.trim() == "[plan]"),
    }
}

/// Parses and checks the plan file `name` (its file stem) with contents `text`.
pub fn parse(name: &str, text: &str) -> Result<Plan, ConfigError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| ConfigError::toml(text, &e))?;
    let err = |span: std::ops::Range<usize>, message: String| ConfigError::at(text, span.start, message);
    let person = |v: &S<String>, what: &str| {
        let id = v.get_ref().trim();
        if id.is_empty() { Err(err(v.span(), format!("{what} must name a person"))) } else { Ok(id.to_owned()) }
    };
    let start = &raw.plan.start;
    let date = match (start.get_ref().date, start.get_ref().time) {
        (Some(d), None) => NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)),
        _ => None,
    }
    .ok_or_else(|| err(start.span(), "start must be a date (2026-12-01)".into()))?;
    if raw.phases.is_empty() {
        return Err(err(0..0, "a plan needs at least one [[phases]] entry".into()));
    }
    let mut seen = HashSet::new();
    let mut phases = Vec::new();
    for p in &raw.phases {
        let title = p.title.get_ref().trim();
        if title.is_empty() {
            return Err(err(p.title.span(), "title must not be empty".into()));
        }
        let weeks = weeks(p.weeks.get_ref()).ok_or_else(|| {
            err(p.weeks.span(), "weeks must be a week number or a range such as \"2-3\" (1-based)".into())
        })?;
        let mut tasks = Vec::new();
        for t in &p.tasks {
            let id = t.id.get_ref();
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return Err(err(t.id.span(), format!("task id `{id}` must be letters, digits, - and _")));
            }
            if !seen.insert(id.clone()) {
                return Err(err(t.id.span(), format!("duplicate task id `{id}`")));
            }
            let title = t.title.get_ref().trim();
            if title.is_empty() {
                return Err(err(t.title.span(), "title must not be empty".into()));
            }
            tasks.push(Task { id: id.clone(), title: title.to_owned(), kind: kind(t, &err)? });
        }
        phases.push(Phase { title: title.to_owned(), weeks, tasks });
    }
    Ok(Plan {
        name: name.to_owned(),
        new_hire: person(&raw.plan.new_hire, "new_hire")?,
        mentor: person(&raw.plan.mentor, "mentor")?,
        start: date,
        phases,
    })
}

fn weeks(v: &toml::Value) -> Option<(u32, u32)> {
    let (first, last) = match v {
        toml::Value::Integer(n) => (*n, *n),
        toml::Value::String(s) => match s.split_once('-') {
            Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => (s.trim().parse().ok()?, s.trim().parse().ok()?),
        },
        _ => return None,
    };
    let (first, last) = (u32::try_from(first).ok()?, u32::try_from(last).ok()?);
    (first >= 1 && last >= first && last <= 104).then_some((first, last))
}

fn kind(t: &RawTask, err: &impl Fn(std::ops::Range<usize>, String) -> ConfigError) -> Result<TaskKind, ConfigError> {
    let count = |v: &S<i64>, what: &str| {
        u32::try_from(*v.get_ref())
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| err(v.span(), format!("{what} must be 1 to 1000")))
    };
    let mut given: Vec<(TaskKind, usize)> = Vec::new();
    if let Some(c) = &t.checklist {
        let name = c.get_ref().trim();
        if name.is_empty() {
            return Err(err(c.span(), "checklist must name a checklist".into()));
        }
        given.push((TaskKind::Checklist { name: name.to_owned() }, c.span().start));
    }
    if let Some(n) = &t.shadow_pages {
        given.push((TaskKind::ShadowPages { count: count(n, "shadow_pages")? }, n.span().start));
    }
    if let Some(n) = &t.review_incidents {
        given.push((TaskKind::ReviewIncidents { count: count(n, "review_incidents")? }, n.span().start));
    }
    if let Some(links) = &t.read {
        if links.get_ref().is_empty() {
            return Err(err(links.span(), "read needs at least one link".into()));
        }
        for l in links.get_ref() {
            let s = l.get_ref().trim();
            if !(s.starts_with("https://") || s.starts_with("http://")) || s.len() < 10 {
                return Err(err(l.span(), format!("`{s}` is no http(s) link")));
            }
        }
        let links = links.get_ref().iter().map(|l| l.get_ref().trim().to_owned()).collect();
        given.push((TaskKind::Read { links }, t.read.as_ref().map_or(0, |r| r.span().start)));
    }
    if let Some(r) = &t.reverse_shadow {
        given.push((TaskKind::ReverseShadow, r.span().start));
    }
    if let Some(s) = &t.sign_off {
        given.push((TaskKind::SignOff, s.span().start));
    }
    given.sort_by_key(|(_, at)| *at);
    let mut given = given.into_iter();
    let Some((kind, _)) = given.next() else {
        return Err(err(
            t.id.span(),
            format!(
                "task `{}` says nothing to do: add one of checklist, shadow_pages, review_incidents, read, \
                 reverse_shadow, sign_off",
                t.id.get_ref()
            ),
        ));
    };
    if let Some((_, at)) = given.next() {
        return Err(err(at..at, format!("task `{}` has a second kind: one per task", t.id.get_ref())));
    }
    Ok(kind)
}
