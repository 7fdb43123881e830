//! Onboarding progress kept by hand: ticks of plan tasks (and of each link of a reading task),
//! and incidents marked reviewed.

use crate::rows::{ms, time};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// The latest tick of one part of a task.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TaskTick {
    pub task: String,
    pub part: u32,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
    pub ticked: bool,
}

impl Store {
    /// Ticks (or takes back) part `part` of a plan's task, as `by`.
    pub async fn onboarding_tick(
        &self,
        plan: &str,
        task: &str,
        part: u32,
        by: Option<&str>,
        ticked: bool,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO onboarding_ticks (plan, task, part, by, at, ticked) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(plan)
            .bind(task)
            .bind(i64::from(part))
            .bind(by)
            .bind(ms(at))
            .bind(ticked)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The latest tick of each part of each task of `plan`.
    pub async fn onboarding_ticks(&self, plan: &str) -> Result<Vec<TaskTick>, StoreError> {
        let rows = sqlx::query(
            "SELECT task, part, by, at, ticked FROM onboarding_ticks t WHERE plan = ?1 AND id = \
             (SELECT MAX(id) FROM onboarding_ticks u WHERE u.plan = ?1 AND u.task = t.task AND u.part = t.part) \
             ORDER BY task, part",
        )
        .bind(plan)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let part: i64 = r.try_get("part")?;
                Ok(TaskTick {
                    task: r.try_get("task")?,
                    part: u32::try_from(part).unwrap_or(0),
                    by: r.try_get("by")?,
                    at: time(r.try_get("at")?)?,
                    ticked: r.try_get("ticked")?,
                })
            })
            .collect()
    }

    /// Marks an incident reviewed (again: the first time counts).
    pub async fn mark_reviewed(&self, incident: i64, title: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("INSERT OR IGNORE INTO reviewed_incidents (incident_id, title, at) VALUES (?, ?, ?)")
            .bind(incident)
            .bind(title)
            .bind(ms(at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many incidents were marked reviewed since `since`.
    pub async fn reviewed_since(&self, since: DateTime<Utc>) -> Result<u32, StoreError> {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM reviewed_incidents WHERE at >= ?")
            .bind(ms(since))
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }
}
