//! Before each of my shifts the pager runs the checklists that ask for it (`before_shift`) and
//! tells me what is broken, once per shift: the run is claimed in the store before it starts, so a
//! restarted pager neither runs nor notifies it again.

use super::{CheckContext, RunReport};
use crate::{EngineError, Klaxon, Notice, on_every_path};
use chrono::{DateTime, Utc};
use klaxon_core::checklist::{Outcome, RunTrigger};
use std::sync::Arc;
use std::time::Duration;

/// How often (by the engine's clock) the pager looks for a shift coming up.
pub const PRE_SHIFT_CHECK_EVERY: chrono::Duration = chrono::Duration::seconds(30);

/// The pager's pre-shift runs: where they run and when it last looked.
#[derive(Debug)]
pub(crate) struct PreShift {
    pub ctx: CheckContext,
    pub last_looked: Option<DateTime<Utc>>,
}

impl PreShift {
    /// Runs what is due at `now` (looking at most every [`PRE_SHIFT_CHECK_EVERY`]) and sends each
    /// run's notice through the delivery paths.
    pub async fn step(&mut self, klaxon: &Arc<Klaxon>, now: DateTime<Utc>) -> Result<Vec<RunReport>, EngineError> {
        if self.last_looked.is_some_and(|t| now - t < PRE_SHIFT_CHECK_EVERY && now >= t) {
            return Ok(Vec::new());
        }
        self.last_looked = Some(now);
        let reports = klaxon.run_pre_shift(now, &self.ctx).await?;
        for report in &reports {
            let notice = Arc::new(pre_shift_notice(report));
            let sent = on_every_path(&self.ctx.deliveries, Duration::from_secs(10), move |d| d.notice(&notice)).await;
            for (path, result) in sent {
                if let Err(e) = result {
                    tracing::warn!(path, error = %e, "could not show the readiness notice");
                }
            }
        }
        Ok(reports)
    }
}

/// "Not ready for your 09:00 shift: VPN (tcp vpn.internal:443 — timed out after 5 s)".
pub fn pre_shift_notice(report: &RunReport) -> Notice {
    let at = report
        .shift_start
        .map(|s| s.with_timezone(&chrono::Local).format("%H:%M").to_string())
        .unwrap_or_else(|| "next".to_owned());
    let failing: Vec<String> = report
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .map(|r| {
            let title = report.titles.get(&r.item).cloned().unwrap_or_else(|| r.item.clone());
            format!("{title} ({} — {})", r.evidence.checked, r.evidence.result)
        })
        .collect();
    let waiting = report.results.iter().filter(|r| r.outcome == Outcome::NeedsYou).count();
    let summary = match report.outcome {
        Outcome::Fail => format!("Not ready for your {at} shift: {}", failing.first().map_or("", String::as_str)),
        Outcome::NeedsYou => format!("Almost ready for your {at} shift: {waiting} items wait for you"),
        Outcome::Pass | Outcome::Warn => format!("Ready for your {at} shift"),
    };
    let mut body = failing.iter().skip(1).cloned().collect::<Vec<_>>();
    if waiting > 0 && report.outcome == Outcome::Fail {
        body.push(format!("{waiting} items wait for you"));
    }
    body.push(format!("klaxon check {} · the app's Readiness view", report.checklist));
    Notice { summary, body: body.join("\n") }
}

impl Klaxon {
    /// Runs each checklist with `before_shift` whose lead time before one of my shifts has come
    /// at `now` (and the shift not begun), unless that shift's run was claimed already.
    pub async fn run_pre_shift(
        self: &Arc<Self>,
        now: DateTime<Utc>,
        ctx: &CheckContext,
    ) -> Result<Vec<RunReport>, EngineError> {
        let (lists, _) = self.checklists();
        let mut reports = Vec::new();
        for list in lists {
            let Some(lead) = list.checklist.before_shift else { continue };
            let lead = chrono::Duration::from_std(lead).unwrap_or(chrono::Duration::zero());
            for (start, _) in self.my_shifts(now, now + lead).await? {
                if start <= now || start - lead > now {
                    continue; // under way, or not yet time
                }
                if let Some(report) = self.run_checklist(&list, RunTrigger::PreShift, Some(start), ctx).await? {
                    reports.push(report);
                }
            }
        }
        Ok(reports)
    }
}
