//! The team's people and escalation policies, cached per account (shown offline, used by later syncs).

use crate::{Store, StoreError, rows::json};
use klaxon_core::{EscalationPolicy, Person, Team};
use serde_json::json;
use sqlx::Row;
use sqlx::SqliteConnection;

impl Store {
    /// Replaces the cached people and escalation policies of `account` with the team's.
    pub async fn save_team(&self, account: &str, team: &Team) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        save_people(&mut tx, account, &team.people).await?;
        save_policies(&mut tx, account, &team.policies).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The cached people of `account`.
    pub async fn people(&self, account: &str) -> Result<Vec<Person>, StoreError> {
        let rows = sqlx::query("SELECT id, name, email, phone, chat FROM people WHERE account = ? ORDER BY id")
            .bind(account)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Person {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                    phone: r.try_get("phone")?,
                    chat: r.try_get("chat")?,
                })
            })
            .collect()
    }
}

/// Replaces the cached people of `account`.
pub(crate) async fn save_people(
    conn: &mut SqliteConnection,
    account: &str,
    people: &[Person],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM people WHERE account = ?").bind(account).execute(&mut *conn).await?;
    for p in people {
        sqlx::query("INSERT INTO people (account, id, name, email, phone, chat) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(account)
            .bind(&p.id)
            .bind(&p.name)
            .bind(&p.email)
            .bind(&p.phone)
            .bind(&p.chat)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Replaces the cached escalation policies of `account`.
pub(crate) async fn save_policies(
    conn: &mut SqliteConnection,
    account: &str,
    policies: &[EscalationPolicy],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM escalation_policies WHERE account = ?").bind(account).execute(&mut *conn).await?;
    for policy in policies {
        let levels: Vec<_> = policy
            .levels
            .iter()
            .map(|l| {
                json!({
                    "delay_secs": l.delay.as_secs(),
                    "targets": l.targets.iter().map(ToString::to_string).collect::<Vec<_>>(),
                })
            })
            .collect();
        sqlx::query("INSERT INTO escalation_policies (account, id, name, repeat, levels) VALUES (?, ?, ?, ?, ?)")
            .bind(account)
            .bind(&policy.id)
            .bind(&policy.name)
            .bind(i64::from(policy.repeat))
            .bind(json(&levels)?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
