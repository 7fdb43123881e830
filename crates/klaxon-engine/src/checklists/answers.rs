//! The probes Klaxon answers from what it knows (accounts, the team file, schedules, incidents,
//! ticks), and the gate before the machine probes (commands only from allowed files; tokens from
//! the keyring).

use super::{CheckContext, Loaded, files};
use crate::{EngineError, Klaxon};
use chrono::{DateTime, Utc};
use klaxon_core::checklist::{ContactChannel, Evidence, Item, Outcome, Probe, TickValidity};
use std::time::Instant;

type Found = (Outcome, Evidence);
/// A stretch of time, start to end.
type Span = (DateTime<Utc>, DateTime<Utc>);

fn found(outcome: Outcome, checked: impl Into<String>, result: impl Into<String>, since: Instant) -> Found {
    let took_ms = u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX);
    (outcome, Evidence { checked: checked.into(), result: result.into(), took_ms })
}

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono::Local).format("%a %d %b %H:%M %Z").to_string()
}

impl Klaxon {
    /// What `item` of `list` finds now.
    pub(super) async fn probe(&self, list: &Loaded, item: &Item, ctx: &CheckContext) -> Found {
        let since = Instant::now();
        let answer = match &item.probe {
            Probe::Provider { account } => self.accounts_reach_me(account.as_deref(), ctx, since).await,
            Probe::Contacts { channel } => Ok(self.contacts(*channel, since)),
            Probe::Schedule { within_days } => self.schedule(*within_days, since).await,
            Probe::TestPage => self.test_page_heard(list, item, ctx, since).await,
            Probe::Phone => Ok(self.phone_answered(item, ctx, since).await),
            Probe::RecentIncidents { days } => self.reviewed(list, item, *days, since).await,
            Probe::Manual { valid_for } => self.ticked(list, item, *valid_for, since).await,
            Probe::Command { .. } => match self.command_allowed(list).await {
                Ok(None) => Ok(super::machine(item, None, ctx, since).await),
                Ok(Some(why)) => Ok(found(Outcome::NeedsYou, format!("command {}", item.id), why, since)),
                Err(e) => Err(e),
            },
            Probe::Http { token_key: Some(key), .. } => match super::keyring_token(ctx, key).await {
                Ok(token) => Ok(super::machine(item, Some(token), ctx, since).await),
                Err(why) => Ok(found(Outcome::Fail, format!("http {}", item.id), why, since)),
            },
            _ => Ok(super::machine(item, None, ctx, since).await),
        };
        answer.unwrap_or_else(|e| found(Outcome::Fail, item.probe.kind(), format!("could not check: {e}"), since))
    }

    /// Why `list` may not run commands now, if it may not.
    async fn command_allowed(&self, list: &Loaded) -> Result<Option<String>, EngineError> {
        let key = files::allow_key(&list.path)?;
        let path = list.path.display();
        Ok(match self.store().allowed_checklist(&key).await? {
            Some(hash) if hash == list.sha256 => None,
            Some(_) => {
                Some(format!("not run: {path} changed since it was allowed; read it, then `klaxon check allow {path}`"))
            }
            None => Some(format!(
                "not run: {path} is not allowed to run commands; read it, then `klaxon check allow {path}`"
            )),
        })
    }

    async fn accounts_reach_me(
        &self,
        only: Option<&str>,
        ctx: &CheckContext,
        since: Instant,
    ) -> Result<Found, EngineError> {
        let accounts: Vec<_> =
            self.store().accounts().await?.into_iter().filter(|a| only.is_none_or(|n| a.name == n)).collect();
        let checked = format!("provider {}", only.unwrap_or("accounts"));
        if accounts.is_empty() {
            let outcome = if only.is_some() { Outcome::Fail } else { Outcome::Pass };
            let result = only.map_or("no platform accounts (the local intake needs none)".to_owned(), |n| {
                format!("no account named `{n}`")
            });
            return Ok(found(outcome, checked, result, since));
        }
        let (mut lines, mut bad) = (Vec::new(), false);
        for account in accounts {
            let user = match self.provider(&account, &ctx.secrets, ctx.http).await {
                Ok(p) => p.current_user().await.map_err(EngineError::from),
                Err(e) => Err(e),
            };
            match user {
                Ok(u) => {
                    let reach: Vec<&str> = u
                        .contact_methods
                        .iter()
                        .filter(|c| matches!(c.kind.as_str(), "phone" | "sms" | "push"))
                        .map(|c| c.kind.as_str())
                        .collect();
                    if reach.is_empty() {
                        bad = true;
                        lines.push(format!(
                            "{}: token works ({}), but no phone or push contact method",
                            account.name, u.name
                        ));
                    } else {
                        lines.push(format!(
                            "{}: token works ({}), reaches you by {}",
                            account.name,
                            u.name,
                            reach.join(", ")
                        ));
                    }
                }
                Err(e) => {
                    bad = true;
                    lines.push(format!("{}: {e}", account.name));
                }
            }
        }
        Ok(found(if bad { Outcome::Fail } else { Outcome::Pass }, checked, lines.join("; "), since))
    }

    fn contacts(&self, channel: ContactChannel, since: Instant) -> Found {
        let team = self.team();
        let mut ids: Vec<&str> = team
            .schedules
            .iter()
            .map(klaxon_core::Schedule::participants)
            .filter(|p| p.contains(&team.me.as_str()))
            .flatten()
            .collect();
        for policy in &team.policies {
            for level in &policy.levels {
                for target in &level.targets {
                    match target {
                        klaxon_core::Target::Person(p) => ids.push(p),
                        klaxon_core::Target::Schedule { id, .. } => {
                            if let Some(s) = team.schedule(id) {
                                ids.extend(s.participants());
                            }
                        }
                    }
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        let has = |p: &klaxon_core::Person| {
            let value = match channel {
                ContactChannel::Phone => &p.phone,
                ContactChannel::Email => &p.email,
                ContactChannel::Chat => &p.chat,
            };
            value.as_deref().is_some_and(|v| !v.trim().is_empty())
        };
        let word = format!("{channel:?}").to_lowercase();
        let missing: Vec<String> = ids
            .iter()
            .filter(|id| **id != team.me)
            .filter(|id| team.person(id).is_none_or(|p| !has(p)))
            .map(|id| team.person(id).map_or((*id).to_owned(), |p| p.name.clone()))
            .collect();
        let me = team.person(&team.me);
        let mut lacks: Vec<&str> = Vec::new();
        if me.is_none_or(|p| p.phone.as_deref().is_none_or(|v| v.trim().is_empty())) {
            lacks.push("phone");
        }
        if me.is_none_or(|p| p.email.as_deref().is_none_or(|v| v.trim().is_empty())) {
            lacks.push("email");
        }
        let checked = format!("contacts: {word} of the {} people in your rotations and policies", ids.len());
        if missing.is_empty() && lacks.is_empty() {
            return found(Outcome::Pass, checked, format!("everyone has a {word}; your entry is complete"), since);
        }
        let mut result = Vec::new();
        if !missing.is_empty() {
            result.push(format!("no {word} for {}", missing.join(", ")));
        }
        if !lacks.is_empty() {
            result.push(format!("your own entry lacks {}", lacks.join(" and ")));
        }
        found(Outcome::Fail, checked, result.join("; "), since)
    }

    async fn schedule(&self, within_days: u32, since: Instant) -> Result<Found, EngineError> {
        let now = Utc::now();
        let mine = self.my_shifts(now, now + chrono::Duration::days(i64::from(within_days))).await?;
        let checked = format!("schedule: your shifts in the next {within_days} days, and the next 24 h covered");
        let next = match mine.first() {
            Some((start, _)) if *start <= now => "you are on call now".to_owned(),
            Some((start, _)) => format!("your next shift starts {}", local(*start)),
            None => {
                return Ok(found(
                    Outcome::Fail,
                    checked,
                    format!("no shift of yours in the next {within_days} days"),
                    since,
                ));
            }
        };
        let gaps = self.uncovered(now, now + chrono::Duration::hours(24)).await?;
        if gaps.is_empty() {
            return Ok(found(Outcome::Pass, checked, format!("{next}; the next 24 h are covered"), since));
        }
        Ok(found(Outcome::Fail, checked, format!("{next}; nobody on call: {}", gaps.join(", ")), since))
    }

    /// Stretches of `[from, to)` in which a team-file schedule (as a whole) or a cached platform
    /// schedule has nobody on call.
    async fn uncovered(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<String>, EngineError> {
        let roster = self.store().roster().await?;
        let mut gaps = Vec::new();
        for schedule in &self.team().schedules {
            for g in schedule.render(from, to, &roster).combined.iter().filter(|s| s.person.is_none()) {
                gaps.push(format!("{} {} – {}", schedule.name, local(g.start), local(g.end)));
            }
        }
        let mut by_schedule: std::collections::BTreeMap<(String, String), Vec<Span>> = Default::default();
        for (account, s) in self.store().shifts(from, to).await? {
            by_schedule.entry((account, s.schedule_name.clone())).or_default().push((s.start, s.end));
        }
        for ((account, schedule), mut shifts) in by_schedule {
            shifts.sort();
            let mut covered_to = from;
            for (start, end) in shifts {
                if start > covered_to {
                    gaps.push(format!("{schedule} ({account}) {} – {}", local(covered_to), local(start)));
                }
                covered_to = covered_to.max(end);
            }
            if covered_to < to {
                gaps.push(format!("{schedule} ({account}) from {}", local(covered_to)));
            }
        }
        Ok(gaps)
    }

    /// Whether the latest tick of `item` still counts, and when it was made.
    async fn valid_tick(
        &self,
        list: &Loaded,
        item: &Item,
        validity: TickValidity,
    ) -> Result<Option<klaxon_core::checklist::Tick>, EngineError> {
        let Some(tick) = self.store().latest_tick(&list.checklist.name, &item.id).await? else { return Ok(None) };
        let shift_end = self.shift_end_for(tick.at).await?;
        Ok((tick.ticked && validity.still_valid(tick.at, shift_end, Utc::now())).then_some(tick))
    }

    async fn ticked(
        &self,
        list: &Loaded,
        item: &Item,
        validity: TickValidity,
        since: Instant,
    ) -> Result<Found, EngineError> {
        let checked = format!(
            "ticked by hand ({})",
            match validity {
                TickValidity::Shift => "each shift".to_owned(),
                TickValidity::Days(d) => format!("every {d} days"),
                TickValidity::Forever => "once".to_owned(),
            }
        );
        Ok(match self.valid_tick(list, item, validity).await? {
            Some(t) => {
                let note = t.note.map(|n| format!(" — {n}")).unwrap_or_default();
                found(Outcome::Pass, checked, format!("ticked {}{note}", local(t.at)), since)
            }
            None => found(
                Outcome::NeedsYou,
                checked,
                format!("tick it: klaxon check tick {} {}", list.checklist.name, item.id),
                since,
            ),
        })
    }

    /// A test push to the phone, acknowledged there: the round trip.
    async fn phone_answered(&self, item: &Item, ctx: &CheckContext, since: Instant) -> Found {
        let checked = "test push to the phone (ntfy), acknowledged there";
        let Some(channel) = &ctx.phone else {
            return found(Outcome::Fail, checked, "this Klaxon cannot reach ntfy", since);
        };
        match crate::phone::round_trip(self, ctx.secrets.clone(), channel.as_ref(), item.timeout).await {
            Ok(trip) => found(
                Outcome::Pass,
                checked,
                format!("push taken in {} ms; Acknowledge back {} ms later", trip.publish_ms, trip.answer_ms),
                since,
            ),
            Err(e) => found(Outcome::Fail, checked, e.to_string(), since),
        }
    }

    async fn test_page_heard(
        &self,
        list: &Loaded,
        item: &Item,
        ctx: &CheckContext,
        since: Instant,
    ) -> Result<Found, EngineError> {
        let checked = "test page through every delivery path";
        if let Some(t) = self.valid_tick(list, item, TickValidity::Shift).await? {
            return Ok(found(Outcome::Pass, checked, format!("you confirmed it at {}", local(t.at)), since));
        }
        if ctx.deliveries.is_empty() {
            return Ok(found(Outcome::Fail, checked, "no delivery path to send it through", since));
        }
        let report = crate::send_test_page(&ctx.deliveries, &self.team().me, std::time::Duration::from_secs(10)).await;
        let failed: Vec<String> =
            report.iter().filter_map(|(p, r)| r.as_ref().err().map(|e| format!("{p}: {e}"))).collect();
        let fired: Vec<&str> = report.iter().filter(|(_, r)| r.is_ok()).map(|(p, _)| *p).collect();
        if !failed.is_empty() {
            return Ok(found(
                Outcome::Fail,
                checked,
                format!("failed: {}; fired: {}", failed.join("; "), fired.join(", ")),
                since,
            ));
        }
        let confirm = format!("confirm you heard and saw it: klaxon check tick {} {}", list.checklist.name, item.id);
        Ok(found(Outcome::NeedsYou, checked, format!("sent via {}; {confirm}", fired.join(", ")), since))
    }

    async fn reviewed(&self, list: &Loaded, item: &Item, days: u32, since: Instant) -> Result<Found, EngineError> {
        let horizon = Utc::now() - chrono::Duration::days(i64::from(days));
        let incidents = self.incidents(true).await?;
        let recent: Vec<_> = incidents.iter().filter(|i| i.created_at >= horizon || i.status.is_open()).collect();
        let open = recent.iter().filter(|i| i.status.is_open()).count();
        let checked = format!("incidents of the last {days} days and the open ones");
        let latest = recent.iter().map(|i| i.updated_at).max();
        let tick = self.valid_tick(list, item, TickValidity::Shift).await?;
        Ok(match tick {
            Some(t) if latest.is_none_or(|l| l <= t.at) => found(
                Outcome::Pass,
                checked,
                format!("{} incidents ({open} open), reviewed {}", recent.len(), local(t.at)),
                since,
            ),
            _ if recent.is_empty() => found(Outcome::Pass, checked, "nothing happened: no incidents to review", since),
            _ => found(
                Outcome::NeedsYou,
                checked,
                format!(
                    "{} incidents ({open} open) to review, then: klaxon check tick {} {}",
                    recent.len(),
                    list.checklist.name,
                    item.id
                ),
                since,
            ),
        })
    }
}
