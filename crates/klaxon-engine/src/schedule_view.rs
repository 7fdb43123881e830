//! The Schedule view: every schedule (the team file's, each layer a row, and each platform
//! account's as last synced) over a range with gaps marked and my shifts flagged, who is on call
//! now at each level of each policy, the overrides, and the fairness of the next 12 weeks. One
//! call builds it for the app; the CLI reads the same pieces.

use crate::{EngineError, Klaxon};
use chrono::{DateTime, Local, TimeDelta, Utc};
use klaxon_core::{FairnessRow, LOCAL_ACCOUNT, Names, OverrideEntry, PersonRef, Span, fairness};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How far ahead fairness is counted.
pub const FAIRNESS_AHEAD: TimeDelta = TimeDelta::weeks(12);

/// One stretch of a row, with names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpanView {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// `None`: nobody covers this stretch (a gap).
    pub who: Option<PersonRef>,
    pub overridden: bool,
}

/// One row: a layer of a team-file schedule, or a platform schedule's final shifts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RowView {
    pub id: String,
    pub name: String,
    pub spans: Vec<SpanView>,
}

/// One schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScheduleRows {
    /// `local` for the team file's, else the platform account's name.
    pub account: String,
    pub id: String,
    pub name: String,
    pub time_zone: Option<String>,
    pub rows: Vec<RowView>,
}

/// One level of a policy, and who holds it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LevelView {
    pub level: u32,
    /// Minutes before the next level (unknown for platforms).
    pub delay_minutes: Option<u32>,
    /// What it targets, by name ("Ops · Primary", "Sam").
    pub targets: Vec<String>,
    /// Who it reaches now (empty: nobody, a gap).
    pub now: Vec<PersonRef>,
}

/// An escalation policy with its levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PolicyView {
    pub account: String,
    pub name: String,
    pub repeat: Option<u32>,
    pub levels: Vec<LevelView>,
}

/// Everything the Schedule view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScheduleView {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub schedules: Vec<ScheduleRows>,
    /// My shifts in the range, every source merged.
    pub mine: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    pub policies: Vec<PolicyView>,
    pub overrides: Vec<OverrideEntry>,
    /// The next 12 weeks, most loaded first.
    pub fairness: Vec<FairnessRow>,
    /// The team file's people (me as "you"): whom a team-file shift can be handed to.
    pub people: Vec<PersonRef>,
}

fn span_view(names: &Names, s: &Span) -> SpanView {
    SpanView { start: s.start, end: s.end, who: s.person.as_deref().map(|p| names.person(p)), overridden: s.overridden }
}

impl Klaxon {
    /// The Schedule view over `[from, to)`.
    pub async fn schedule_view(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<ScheduleView, EngineError> {
        let now = Utc::now();
        let local_names = self.names_for(LOCAL_ACCOUNT).await?;
        let mut schedules: Vec<ScheduleRows> = self
            .render_schedules(from, to)
            .await?
            .into_iter()
            .map(|r| ScheduleRows {
                account: LOCAL_ACCOUNT.to_owned(),
                id: r.schedule,
                name: r.name,
                time_zone: Some(r.time_zone),
                rows: r
                    .layers
                    .iter()
                    .map(|l| RowView {
                        id: l.id.clone(),
                        name: l.name.clone(),
                        spans: l.spans.iter().map(|s| span_view(&local_names, s)).collect(),
                    })
                    .collect(),
            })
            .collect();
        schedules.extend(self.platform_rows(from, to).await?);
        let policies = self.policy_views(now).await?;
        let overrides = self.overrides().await?;
        let mine = self.my_shifts(from, to).await?;
        let fairness = self.fairness(now, now + FAIRNESS_AHEAD).await?;
        let people = self.team().people.iter().map(|p| local_names.person(&p.id)).collect();
        Ok(ScheduleView { from, to, schedules, mine, policies, overrides, fairness, people })
    }

    /// Each platform schedule's cached final shifts as one row, gaps filled in.
    async fn platform_rows(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<ScheduleRows>, EngineError> {
        let mut by_schedule: BTreeMap<(String, String), (String, Vec<Span>)> = BTreeMap::new();
        for (account, s) in self.store().shifts(from, to).await? {
            let entry =
                by_schedule.entry((account, s.schedule_id.clone())).or_insert((s.schedule_name.clone(), Vec::new()));
            entry.1.push(Span {
                start: s.start.max(from),
                end: s.end.min(to),
                person: Some(s.person_id),
                overridden: false,
            });
        }
        let mut out = Vec::new();
        for ((account, id), (name, mut spans)) in by_schedule {
            let names = self.names_for(&account).await?;
            spans.sort_by_key(|s| s.start);
            let mut tiled: Vec<SpanView> = Vec::new();
            let mut at = from;
            for s in &spans {
                if s.start > at {
                    tiled.push(SpanView { start: at, end: s.start, who: None, overridden: false });
                }
                tiled.push(span_view(&names, s));
                at = at.max(s.end);
            }
            if at < to {
                tiled.push(SpanView { start: at, end: to, who: None, overridden: false });
            }
            let rows = vec![RowView { id: "final".into(), name: name.clone(), spans: tiled }];
            out.push(ScheduleRows { account, id, name, time_zone: None, rows });
        }
        Ok(out)
    }

    /// Every policy's levels and who holds each now: the team file's, then each platform's.
    async fn policy_views(&self, now: DateTime<Utc>) -> Result<Vec<PolicyView>, EngineError> {
        let team = self.team();
        let roster = self.store().roster().await?;
        let names = self.names_for(LOCAL_ACCOUNT).await?;
        let mut out: Vec<PolicyView> = team
            .policies
            .iter()
            .map(|p| PolicyView {
                account: LOCAL_ACCOUNT.to_owned(),
                name: p.name.clone(),
                repeat: Some(p.repeat),
                levels: (1u32..)
                    .zip(&p.levels)
                    .map(|(level, l)| LevelView {
                        level,
                        delay_minutes: u32::try_from(l.delay.as_secs() / 60).ok(),
                        targets: l.targets.iter().map(|t| team.target_name(t)).collect(),
                        now: team.resolve_targets(&l.targets, now, &roster).iter().map(|id| names.person(id)).collect(),
                    })
                    .collect(),
            })
            .collect();
        let mut platform: BTreeMap<(String, String), BTreeMap<u32, Vec<PersonRef>>> = BTreeMap::new();
        for (account, e) in self.store().on_call().await? {
            let me = self.me_for(&account).await?;
            let who = PersonRef {
                name: if e.person_id == me { klaxon_core::names::YOU.to_owned() } else { e.person_name.clone() },
                me: e.person_id == me,
                id: e.person_id,
            };
            let level = platform.entry((account, e.policy)).or_default().entry(e.level).or_default();
            if !level.contains(&who) {
                level.push(who);
            }
        }
        for ((account, name), levels) in platform {
            let levels = levels
                .into_iter()
                .map(|(level, now)| LevelView { level, delay_minutes: None, targets: Vec::new(), now })
                .collect();
            out.push(PolicyView { account, name, repeat: None, levels });
        }
        Ok(out)
    }

    /// Everyone's load over `[from, to)`: the team file's schedules (every layer) and the
    /// platforms' cached shifts, nights and weekends in this machine's local time.
    pub async fn fairness(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<FairnessRow>, EngineError> {
        let team = self.team();
        let mut spans: Vec<(String, String, DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        for r in self.render_schedules(from, to).await? {
            for s in r.layers.iter().flat_map(|l| &l.spans) {
                if let Some(p) = &s.person {
                    let name = team.person(p).map_or_else(|| p.clone(), |x| x.name.clone());
                    spans.push((p.clone(), name, s.start, s.end));
                }
            }
        }
        for (account, s) in self.store().shifts(from, to).await? {
            let id = format!("{account}:{}", s.person_id);
            spans.push((id, s.person_name, s.start.max(from), s.end.min(to)));
        }
        Ok(fairness(&spans, |t| t.with_timezone(&Local).naive_local()))
    }
}
