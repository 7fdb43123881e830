//! "Cover my shift" on a platform: an override of a platform schedule is kept in the store first
//! (so it is never lost while offline) and sent by the account's outbox sender, once: before a
//! request that may have reached the platform already is sent again, the platform is asked
//! whether the override exists. Refusals are kept with the platform's reason.

use crate::remote::{Remote, nth_backoff};
use crate::{EngineError, Klaxon, Resource};
use chrono::{DateTime, Utc};
use klaxon_core::remote::ScheduleCover;
use klaxon_core::{Override, OverrideEntry, RemoteUser};
use klaxon_providers::Provider;
use tokio::sync::Notify;

impl Klaxon {
    /// An override of a team-file schedule (its `layer`), or of a platform's when `schedule` is
    /// `ACCOUNT:SCHEDULE_ID` for an account there is (then `person` is the platform's user id).
    pub async fn add_any_override(
        &self,
        schedule: &str,
        layer: Option<&str>,
        person: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<OverrideEntry, EngineError> {
        if let Some((account, id)) = schedule.split_once(':')
            && self.store().account(account).await.is_ok()
        {
            if layer.is_some() {
                return Err(EngineError::InvalidInput("layer: a platform schedule is covered as a whole".into()));
            }
            return self.add_platform_cover(account, id, person, start, end).await;
        }
        self.add_override(schedule, layer, person, start, end).await
    }

    /// Keeps an override of platform account `account`'s schedule `schedule` (its id there):
    /// platform user `person` covers `[start, end)`. Sent by the account's outbox.
    pub async fn add_platform_cover(
        &self,
        account: &str,
        schedule: &str,
        person: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<OverrideEntry, EngineError> {
        let acct = self.store().account(account).await?;
        let cover = ScheduleCover { schedule_id: schedule.to_owned(), user_id: person.to_owned(), start, end };
        cover.check().map_err(|e| EngineError::InvalidInput(format!("to: {e}")))?;
        if end - start > crate::overrides::MAX_OVERRIDE {
            return Err(EngineError::InvalidInput("to: an override lasts at most 90 days".into()));
        }
        let now = Utc::now();
        let known = self.store().shifts(now - chrono::TimeDelta::days(30), now + chrono::TimeDelta::days(90)).await?;
        if !known.iter().any(|(a, s)| a == account && s.schedule_id == schedule) {
            return Err(EngineError::InvalidInput(format!(
                "schedule: `{schedule}` is not one of {account}'s schedules as last synced (see `klaxon shifts --who all`)"
            )));
        }
        let cover = Override {
            id: 0,
            schedule: schedule.to_owned(),
            layer: None,
            person: person.to_owned(),
            start,
            end,
            created_by: acct.user_id.clone(),
        };
        Ok(self.store().add_override(account, &cover, now).await?)
    }
}

/// Sends `name`'s due overrides; returns when the next backed-off one is due, if any waits.
pub(crate) async fn drain(
    remote: &Remote,
    name: &str,
    provider: &dyn Provider,
    me: &RemoteUser,
    sync_now: &Notify,
) -> Result<Option<DateTime<Utc>>, EngineError> {
    let store = remote.klaxon.store();
    while let Some((entry, maybe_sent)) = store.next_cover(name, Utc::now()).await? {
        let o = &entry.cover;
        let cover =
            ScheduleCover { schedule_id: o.schedule.clone(), user_id: o.person.clone(), start: o.start, end: o.end };
        let exists = if maybe_sent { provider.cover_exists(me, &cover).await } else { Ok(false) };
        let outcome = match exists {
            Ok(true) => {
                tracing::info!(override_id = o.id, "the override is on the platform already (its answer was lost)");
                Ok(None)
            }
            Ok(false) => {
                store.override_sending(o.id).await?;
                provider.create_cover(me, &cover).await.map(Some)
            }
            Err(e) => Err(e),
        };
        let sent = outcome.is_ok();
        let recorded = match outcome {
            Ok(remote_id) => Ok(remote_id),
            Err(e) if e.is_transient() => {
                let wait = chrono::Duration::from_std(nth_backoff(entry.attempts + 1)).unwrap_or_default();
                tracing::warn!(override_id = o.id, error = %e, "override not sent yet; trying again");
                Err((e.to_string(), Some(Utc::now() + wait)))
            }
            Err(e) => {
                tracing::warn!(override_id = o.id, error = %e, "the platform refused the override");
                Err((e.to_string(), None))
            }
        };
        let retry = matches!(recorded, Err((_, Some(_))));
        store.override_sent(o.id, recorded).await?;
        remote.changed(&[Resource::OnCall]);
        if sent {
            // The platform's rendered schedule now shows it: read it again (in full) at once.
            let account = store.account(name).await?;
            if let Err(e) = crate::sync::sync_once(remote, &account, provider, true).await {
                tracing::warn!(account = name, error = %e, "re-reading the schedules after a cover");
                sync_now.notify_one();
            }
        }
        if retry {
            break;
        }
    }
    Ok(store.next_cover_time(name).await?)
}
