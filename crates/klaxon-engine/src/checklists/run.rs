//! Running a checklist: every item's probe at once (at most `parallelism` together), each cut off
//! at its timeout, so a run takes about as long as its slowest probe, never the sum. The results
//! are stored with the run; a pre-shift run is claimed once per shift.

use super::{CheckContext, Loaded};
use crate::{EngineError, Klaxon};
use chrono::{DateTime, Utc};
use klaxon_core::checklist::{Evidence, Item, ItemResult, Outcome, RunTrigger, summarize, weigh};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one run found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub run: i64,
    pub checklist: String,
    pub title: String,
    pub outcome: Outcome,
    /// In the checklist's order, with each item's weight applied (an optional failure warns).
    pub results: Vec<ItemResult>,
    /// Titles of the required items that fail.
    pub failing: Vec<String>,
    /// Each item's title, by id.
    pub titles: std::collections::BTreeMap<String, String>,
    /// The shift a pre-shift run was for.
    pub shift_start: Option<DateTime<Utc>>,
    pub started_at: DateTime<Utc>,
    #[serde(serialize_with = "millis")]
    pub took: Duration,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// How long past its timeout a probe is given to say so itself before it is cut off.
const BACKSTOP: Duration = Duration::from_millis(500);

/// A finding of an item that did not answer in time.
fn timed_out(item: &Item) -> (Outcome, Evidence) {
    let took_ms = u64::try_from(item.timeout.as_millis()).unwrap_or(u64::MAX);
    let result = format!("no answer within {}", humantime::format_duration(item.timeout));
    (Outcome::Fail, Evidence { checked: format!("{} {}", item.probe.kind(), item.id), result, took_ms })
}

impl Klaxon {
    /// Runs `list` now. `None` when it is a pre-shift run of a shift whose run was already claimed.
    pub async fn run_checklist(
        self: &Arc<Self>,
        list: &Loaded,
        trigger: RunTrigger,
        shift_start: Option<DateTime<Utc>>,
        ctx: &CheckContext,
    ) -> Result<Option<RunReport>, EngineError> {
        let started_at = Utc::now();
        let Some(run) = self.store().begin_run(&list.checklist.name, trigger, shift_start, started_at).await? else {
            return Ok(None);
        };
        let began = Instant::now();
        let gate = Arc::new(tokio::sync::Semaphore::new(list.checklist.parallelism.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for (n, item) in list.checklist.items.iter().enumerate() {
            let (klaxon, ctx, list, item, gate) = (self.clone(), ctx.clone(), list.clone(), item.clone(), gate.clone());
            tasks.spawn(async move {
                // Waiting for a turn does not count against an item's timeout.
                let _turn = gate.acquire_owned().await;
                // Probes keep their own timeout (and say what timed out); this one is the backstop.
                let found = tokio::time::timeout(item.timeout + BACKSTOP, klaxon.probe(&list, &item, &ctx)).await;
                let (outcome, evidence) = found.unwrap_or_else(|_| timed_out(&item));
                (n, ItemResult { item: item.id.clone(), outcome: weigh(&item, outcome), evidence, at: Utc::now() })
            });
        }
        let mut results: Vec<(usize, ItemResult)> = Vec::with_capacity(list.checklist.items.len());
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(r) => results.push(r),
                Err(e) => tracing::error!(error = %e, "a checklist probe task failed"),
            }
        }
        results.sort_by_key(|(n, _)| *n);
        let results: Vec<ItemResult> = results.into_iter().map(|(_, r)| r).collect();
        let (outcome, failing) = summarize(&list.checklist, &results);
        let failing = failing.iter().map(|i| i.title.clone()).collect();
        self.store().finish_run(run, &results, outcome, Utc::now()).await?;
        Ok(Some(RunReport {
            run,
            checklist: list.checklist.name.clone(),
            title: list.checklist.title.clone(),
            outcome,
            results,
            failing,
            titles: list.checklist.items.iter().map(|i| (i.id.clone(), i.title.clone())).collect(),
            shift_start,
            started_at,
            took: began.elapsed(),
        }))
    }
}
