//! Readiness checklists: runs and their results (history kept; the latest result of each item
//! survives restarts), manual ticks, and the files allowed to run commands.

use crate::rows::{corrupt, ms, opt_time, time};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use klaxon_core::checklist::{CheckRun, Evidence, ItemResult, Outcome, RunTrigger, Tick};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

fn outcome(s: &str) -> Result<Outcome, StoreError> {
    Outcome::parse(s).ok_or_else(|| corrupt("outcome", s))
}

fn run(r: &SqliteRow) -> Result<CheckRun, StoreError> {
    let trigger: String = r.try_get("trigger")?;
    let finished: Option<String> = r.try_get("outcome")?;
    Ok(CheckRun {
        id: r.try_get("id")?,
        checklist: r.try_get("checklist")?,
        trigger: RunTrigger::parse(&trigger).ok_or_else(|| corrupt("trigger", &trigger))?,
        shift_start: opt_time(r.try_get("shift_start")?)?,
        started_at: time(r.try_get("started_at")?)?,
        finished_at: opt_time(r.try_get("finished_at")?)?,
        outcome: finished.as_deref().map(outcome).transpose()?,
    })
}

fn result(r: &SqliteRow) -> Result<ItemResult, StoreError> {
    let took: i64 = r.try_get("took_ms")?;
    let found: String = r.try_get("outcome")?;
    Ok(ItemResult {
        item: r.try_get("item")?,
        outcome: outcome(&found)?,
        evidence: Evidence {
            checked: r.try_get("checked")?,
            result: r.try_get("result")?,
            took_ms: u64::try_from(took).unwrap_or(0),
        },
        at: time(r.try_get("at")?)?,
    })
}

impl Store {
    /// Starts a run of `checklist`. A pre-shift run is claimed once per shift: `None` when this
    /// shift's run was already claimed (by this process or one before a restart).
    pub async fn begin_run(
        &self,
        checklist: &str,
        trigger: RunTrigger,
        shift_start: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO checklist_runs (checklist, trigger, shift_start, started_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(checklist)
        .bind(trigger.as_str())
        .bind(shift_start.map(ms))
        .bind(ms(at))
        .execute(&self.pool)
        .await?;
        Ok((inserted.rows_affected() == 1).then(|| inserted.last_insert_rowid()))
    }

    /// Records a run's results and its outcome, all at once.
    pub async fn finish_run(
        &self,
        run: i64,
        results: &[ItemResult],
        outcome: Outcome,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let checklist: String = sqlx::query("SELECT checklist FROM checklist_runs WHERE id = ?")
            .bind(run)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("no checklist run {run}")))?
            .try_get(0)?;
        for r in results {
            sqlx::query(
                "INSERT OR REPLACE INTO checklist_results (run_id, checklist, item, outcome, checked, result, took_ms, at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(run)
            .bind(&checklist)
            .bind(&r.item)
            .bind(r.outcome.as_str())
            .bind(&r.evidence.checked)
            .bind(&r.evidence.result)
            .bind(i64::try_from(r.evidence.took_ms).unwrap_or(i64::MAX))
            .bind(ms(r.at))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE checklist_runs SET finished_at = ?, outcome = ? WHERE id = ?")
            .bind(ms(at))
            .bind(outcome.as_str())
            .bind(run)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The latest result of each item of `checklist` (from finished runs).
    pub async fn latest_results(&self, checklist: &str) -> Result<Vec<ItemResult>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.item, r.outcome, r.checked, r.result, r.took_ms, r.at FROM checklist_results r \
             JOIN checklist_runs run ON run.id = r.run_id AND run.finished_at IS NOT NULL \
             WHERE r.checklist = ?1 AND r.run_id = (SELECT r2.run_id FROM checklist_results r2 \
               JOIN checklist_runs run2 ON run2.id = r2.run_id AND run2.finished_at IS NOT NULL \
               WHERE r2.checklist = ?1 AND r2.item = r.item ORDER BY r2.at DESC, r2.run_id DESC LIMIT 1) \
             ORDER BY r.item",
        )
        .bind(checklist)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(result).collect()
    }

    /// Runs, newest first (of one checklist, or all), at most `limit`.
    pub async fn checklist_runs(&self, checklist: Option<&str>, limit: u32) -> Result<Vec<CheckRun>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, checklist, trigger, shift_start, started_at, finished_at, outcome FROM checklist_runs \
             WHERE ?1 IS NULL OR checklist = ?1 ORDER BY started_at DESC, id DESC LIMIT ?2",
        )
        .bind(checklist)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(run).collect()
    }

    /// The results of one run.
    pub async fn run_results(&self, run: i64) -> Result<Vec<ItemResult>, StoreError> {
        let rows = sqlx::query(
            "SELECT item, outcome, checked, result, took_ms, at FROM checklist_results WHERE run_id = ? ORDER BY item",
        )
        .bind(run)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(result).collect()
    }

    /// Ticks (or, with `ticked` false, takes back) a manual item; history is kept.
    pub async fn tick(&self, tick: &Tick) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO checklist_ticks (checklist, item, at, ticked, note) VALUES (?, ?, ?, ?, ?)")
            .bind(&tick.checklist)
            .bind(&tick.item)
            .bind(ms(tick.at))
            .bind(tick.ticked)
            .bind(&tick.note)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The latest tick (or untick) of an item.
    pub async fn latest_tick(&self, checklist: &str, item: &str) -> Result<Option<Tick>, StoreError> {
        let row = sqlx::query(
            "SELECT checklist, item, at, ticked, note FROM checklist_ticks WHERE checklist = ? AND item = ? \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(checklist)
        .bind(item)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Tick {
                checklist: r.try_get("checklist")?,
                item: r.try_get("item")?,
                at: time(r.try_get("at")?)?,
                ticked: r.try_get("ticked")?,
                note: r.try_get("note")?,
            })
        })
        .transpose()
    }

    /// Allows the checklist file at `path` (canonical) with contents hashing to `sha256` to run commands.
    pub async fn allow_checklist(&self, path: &str, sha256: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("INSERT OR REPLACE INTO allowed_checklists (path, sha256, allowed_at) VALUES (?, ?, ?)")
            .bind(path)
            .bind(sha256)
            .bind(ms(at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The hash the file at `path` was allowed with, if it was.
    pub async fn allowed_checklist(&self, path: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT sha256 FROM allowed_checklists WHERE path = ?")
            .bind(path)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }
}
