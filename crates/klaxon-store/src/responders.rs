//! The reassign picker's cache: a platform account's users and escalation policies, replaced
//! together when the platform is asked again, kept (with the reason) when that fails.

use crate::rows::{ms, opt_time};
use crate::team::{save_people, save_policies};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use klaxon_core::{EscalationPolicy, Person, Responder, ResponderKind, Responders};
use sqlx::Row;

impl Store {
    /// Replaces the cached users and escalation policies of `account` and records when.
    pub async fn save_responders(
        &self,
        account: &str,
        users: &[Person],
        policies: &[EscalationPolicy],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let updated =
            sqlx::query("UPDATE accounts SET responders_fetched_at = ?, responders_error = NULL WHERE id = ?")
                .bind(ms(at))
                .bind(account)
                .execute(&mut *tx)
                .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NoAccount(account.to_owned()));
        }
        save_people(&mut tx, account, users).await?;
        save_policies(&mut tx, account, policies).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records why asking the platform for `account`'s responders failed (the cache stays).
    pub async fn record_responders_error(&self, account: &str, error: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE accounts SET responders_error = ? WHERE id = ?")
            .bind(error)
            .bind(account)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The cached users and escalation policies of `account`: people first, each by name.
    pub async fn responders(&self, account: &str) -> Result<Responders, StoreError> {
        let state = sqlx::query("SELECT responders_fetched_at, responders_error FROM accounts WHERE id = ?")
            .bind(account)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NoAccount(account.to_owned()))?;
        let rows = sqlx::query(
            "SELECT 'user' AS kind, id, name, email AS detail FROM people WHERE account = ?1 \
             UNION ALL SELECT 'policy', id, name, NULL FROM escalation_policies WHERE account = ?1",
        )
        .bind(account)
        .fetch_all(&self.pool)
        .await?;
        let entries = rows
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(Responder {
                    kind: if kind == "user" { ResponderKind::User } else { ResponderKind::EscalationPolicy },
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let mut responders = Responders {
            account: account.to_owned(),
            entries,
            fetched_at: opt_time(state.try_get("responders_fetched_at")?)?,
            error: state.try_get("responders_error")?,
        };
        responders.sort();
        Ok(responders)
    }
}
