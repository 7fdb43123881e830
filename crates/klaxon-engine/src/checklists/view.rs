//! Readiness as the window and the tray show it: every checklist with its items, each item's
//! latest result (stored, so it survives restarts), and the badge ("ready" / "N failing").

use super::Loaded;
use crate::{EngineError, Klaxon};
use chrono::{DateTime, Utc};
use klaxon_core::checklist::{ItemResult, Outcome, summarize, weigh};
use serde::{Deserialize, Serialize};

/// One item with its latest result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemView {
    pub id: String,
    pub title: String,
    pub help: Option<String>,
    pub runbook: Option<String>,
    pub required: bool,
    /// The probe kind (`tcp`, `manual`, …).
    pub kind: String,
    /// Answered by a person (a tick, the test page confirmed, incidents reviewed).
    pub by_hand: bool,
    /// The latest result (None: never run).
    pub result: Option<ItemResult>,
    /// For a `recent_incidents` item: the incidents to review (the last days' and the open ones).
    pub incidents: Vec<ToReview>,
}

/// An incident a `recent_incidents` item asks me to review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ToReview {
    pub id: klaxon_core::IncidentId,
    pub title: String,
    pub severity: klaxon_core::Severity,
    pub status: klaxon_core::IncidentStatus,
    pub created_at: DateTime<Utc>,
}

/// The most incidents an item lists.
const MAX_TO_REVIEW: usize = 50;

/// One checklist with its items and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChecklistView {
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub file: String,
    /// Minutes before each of my shifts it runs by itself (None: only when asked).
    pub before_shift_minutes: Option<u32>,
    pub items: Vec<ItemView>,
    /// The worst of the items' latest results (an item never run needs me).
    pub outcome: Outcome,
    /// Titles of the required items failing now.
    pub failing: Vec<String>,
    pub last_run: Option<DateTime<Utc>>,
}

/// Every checklist, what is wrong with the files that did not load, and the badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Readiness {
    pub checklists: Vec<ChecklistView>,
    /// `file:line: message` of each file that did not load.
    pub problems: Vec<String>,
    /// Over the pre-shift checklists (those with `before_shift`; all when none has it).
    pub badge: ReadinessBadge,
    pub directory: String,
}

/// "Ready", or how many required items fail (or wait for me).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReadinessBadge {
    pub outcome: Outcome,
    pub failing: u32,
    pub waiting: u32,
    /// Nothing was ever run.
    pub never_run: bool,
}

impl Klaxon {
    /// One checklist's view from its stored results.
    pub async fn checklist_view(&self, list: &Loaded) -> Result<ChecklistView, EngineError> {
        let results = self.store().latest_results(&list.checklist.name).await?;
        let (outcome, failing) = summarize(&list.checklist, &results);
        let mut to_review = std::collections::HashMap::new();
        for item in &list.checklist.items {
            if let klaxon_core::checklist::Probe::RecentIncidents { days } = item.probe {
                to_review.insert(item.id.clone(), self.to_review(days).await?);
            }
        }
        let items = list
            .checklist
            .items
            .iter()
            .map(|item| ItemView {
                incidents: to_review.remove(&item.id).unwrap_or_default(),
                id: item.id.clone(),
                title: item.title.clone(),
                help: item.help.clone(),
                runbook: item.runbook.clone(),
                required: item.required,
                kind: item.probe.kind().to_owned(),
                by_hand: item.probe.needs_a_person(),
                result: results
                    .iter()
                    .find(|r| r.item == item.id)
                    .map(|r| ItemResult { outcome: weigh(item, r.outcome), ..r.clone() }),
            })
            .collect();
        let c = &list.checklist;
        Ok(ChecklistView {
            name: c.name.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            file: list.path.display().to_string(),
            before_shift_minutes: c.before_shift.map(|d| u32::try_from(d.as_secs() / 60).unwrap_or(u32::MAX)),
            items,
            outcome,
            failing: failing.iter().map(|i| i.title.clone()).collect(),
            last_run: results.iter().map(|r| r.at).max(),
        })
    }

    /// The last `days` days' incidents and the open ones, newest first.
    async fn to_review(&self, days: u32) -> Result<Vec<ToReview>, EngineError> {
        let horizon = Utc::now() - chrono::Duration::days(i64::from(days));
        let mut list: Vec<ToReview> = self
            .incidents(true)
            .await?
            .into_iter()
            .filter(|i| i.created_at >= horizon || i.status.is_open())
            .map(|i| ToReview {
                id: i.id,
                title: i.title,
                severity: i.severity,
                status: i.status,
                created_at: i.created_at,
            })
            .collect();
        list.sort_by_key(|i| std::cmp::Reverse(i.created_at));
        list.truncate(MAX_TO_REVIEW);
        Ok(list)
    }

    /// Every checklist as it stands.
    pub async fn readiness(&self) -> Result<Readiness, EngineError> {
        let (lists, problems) = self.checklists();
        let mut checklists = Vec::with_capacity(lists.len());
        for list in &lists {
            checklists.push(self.checklist_view(list).await?);
        }
        let pre_shift: Vec<&ChecklistView> = checklists.iter().filter(|c| c.before_shift_minutes.is_some()).collect();
        let counted: Vec<&ChecklistView> = if pre_shift.is_empty() { checklists.iter().collect() } else { pre_shift };
        let count = |o: Outcome| {
            let n = counted
                .iter()
                .flat_map(|c| &c.items)
                .filter(|i| i.required && i.result.as_ref().is_some_and(|r| r.outcome == o));
            u32::try_from(n.count()).unwrap_or(u32::MAX)
        };
        let badge = ReadinessBadge {
            outcome: counted.iter().map(|c| c.outcome).max().unwrap_or(Outcome::Pass),
            failing: count(Outcome::Fail),
            waiting: count(Outcome::NeedsYou),
            never_run: counted.iter().all(|c| c.last_run.is_none()),
        };
        Ok(Readiness {
            checklists,
            problems: problems.iter().map(ToString::to_string).collect(),
            badge,
            directory: self.checklists_dir().display().to_string(),
        })
    }
}
