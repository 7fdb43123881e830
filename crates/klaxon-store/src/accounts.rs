//! Platform accounts: added, listed, removed with everything cached for them, and how their sync is going.

use crate::rows::{ms, opt_time, time};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use klaxon_core::{Account, AccountKind, LOCAL_ACCOUNT, RemoteUser};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

/// `SELECT <account columns> FROM accounts` followed by the given SQL, as one static string.
macro_rules! select_accounts {
    ($rest:literal) => {
        concat!(
            "SELECT id, kind, base_url, user_id, user_name, user_email, poll_secs, created_at, last_synced_at, \
             last_error FROM accounts ",
            $rest
        )
    };
}

fn account(row: &SqliteRow) -> Result<Account, StoreError> {
    let kind: String = row.try_get("kind")?;
    let poll: i64 = row.try_get("poll_secs")?;
    Ok(Account {
        name: row.try_get("id")?,
        kind: AccountKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("account kind `{kind}`")))?,
        base_url: row.try_get("base_url")?,
        user_id: row.try_get("user_id")?,
        user_name: row.try_get("user_name")?,
        user_email: row.try_get("user_email")?,
        poll_secs: u32::try_from(poll).map_err(|e| StoreError::Corrupt(format!("poll_secs: {e}")))?,
        created_at: time(row.try_get("created_at")?)?,
        last_synced_at: opt_time(row.try_get("last_synced_at")?)?,
        last_error: row.try_get("last_error")?,
    })
}

impl Store {
    /// Adds a platform account (its token goes to the keyring, never here).
    pub async fn add_account(&self, account: &Account) -> Result<(), StoreError> {
        let result = sqlx::query(
            "INSERT INTO accounts (id, kind, name, base_url, user_id, user_name, user_email, poll_secs, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&account.name)
        .bind(account.kind.as_str())
        .bind(&account.name)
        .bind(&account.base_url)
        .bind(&account.user_id)
        .bind(&account.user_name)
        .bind(&account.user_email)
        .bind(i64::from(account.poll_secs))
        .bind(ms(account.created_at))
        .execute(&self.pool)
        .await;
        match result {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(StoreError::AccountExists(account.name.clone()))
            }
            other => other.map(|_| ()).map_err(Into::into),
        }
    }

    /// Every platform account (not the local intake), by name.
    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query(select_accounts!("WHERE id != ? ORDER BY id"))
            .bind(LOCAL_ACCOUNT)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(account).collect()
    }

    /// One account by name.
    pub async fn account(&self, name: &str) -> Result<Account, StoreError> {
        let row = sqlx::query(select_accounts!("WHERE id = ?")).bind(name).fetch_optional(&self.pool).await?;
        account(&row.ok_or_else(|| StoreError::NoAccount(name.to_owned()))?)
    }

    /// Removes an account and everything cached for it (incidents, outbox, schedules), at once.
    pub async fn remove_account(&self, name: &str) -> Result<(), StoreError> {
        if name == LOCAL_ACCOUNT {
            return Err(StoreError::NoAccount(name.to_owned()));
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for sql in [
            "DELETE FROM outbox WHERE account = ?",
            "DELETE FROM incidents WHERE account = ?",
            "DELETE FROM people WHERE account = ?",
            "DELETE FROM escalation_policies WHERE account = ?",
            "DELETE FROM shifts WHERE account = ?",
            "DELETE FROM on_call WHERE account = ?",
        ] {
            sqlx::query(sql).bind(name).execute(&mut *tx).await?;
        }
        let gone = sqlx::query("DELETE FROM accounts WHERE id = ?").bind(name).execute(&mut *tx).await?;
        if gone.rows_affected() == 0 {
            return Err(StoreError::NoAccount(name.to_owned()));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records who the token belongs to.
    pub async fn set_account_user(&self, name: &str, user: &RemoteUser) -> Result<(), StoreError> {
        sqlx::query("UPDATE accounts SET user_id = ?, user_name = ?, user_email = ? WHERE id = ?")
            .bind(&user.id)
            .bind(&user.name)
            .bind(&user.email)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a sync's outcome: success clears the error and stamps the time; failure keeps the
    /// last good time and stores the reason.
    pub async fn record_sync(&self, name: &str, at: DateTime<Utc>, error: Option<&str>) -> Result<(), StoreError> {
        let query = match error {
            None => sqlx::query("UPDATE accounts SET last_synced_at = ?, last_error = NULL WHERE id = ?").bind(ms(at)),
            Some(e) => sqlx::query("UPDATE accounts SET last_error = ? WHERE id = ?").bind(e),
        };
        query.bind(name).execute(&self.pool).await?;
        Ok(())
    }
}
