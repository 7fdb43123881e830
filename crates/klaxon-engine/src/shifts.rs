//! Shifts from every source, merged: the team file's schedules (each layer, with overrides and
//! imported calendars) and every platform account's cached schedules; for one person, me, or all;
//! as a list or as an iCalendar file any calendar app imports.

use crate::{EngineError, Klaxon};
use chrono::{DateTime, Utc};
use klaxon_core::LOCAL_ACCOUNT;
use serde::{Deserialize, Serialize};

/// Whose shifts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    Me,
    All,
    /// A person id (the team file's, or a platform user's).
    Person(String),
}

impl Whose {
    /// `me`, `all`, or a person id.
    pub fn parse(text: &str) -> Self {
        match text {
            "me" => Whose::Me,
            "all" => Whose::All,
            id => Whose::Person(id.to_owned()),
        }
    }
}

/// One shift of one person on one schedule (layer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShiftItem {
    /// `local` for the team file's schedules, else the platform account.
    pub account: String,
    pub schedule: String,
    pub schedule_name: String,
    /// The layer, for the team file's schedules.
    pub layer: Option<String>,
    pub person_id: String,
    pub person_name: String,
    pub me: bool,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Klaxon {
    /// The shifts of `whose` overlapping `[from, to)`, by start.
    pub async fn shifts_of(
        &self,
        whose: &Whose,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ShiftItem>, EngineError> {
        let team = self.team();
        let roster = self.store().roster().await?;
        let wanted = |person: &str, me: bool| match whose {
            Whose::Me => me,
            Whose::All => true,
            Whose::Person(id) => id == person,
        };
        let mut out = Vec::new();
        for s in &team.schedules {
            let people: Vec<&str> = s.participants();
            let mut ids: Vec<String> = people.iter().map(|p| (*p).to_owned()).collect();
            ids.extend(roster.overrides.iter().filter(|o| o.schedule == s.id).map(|o| o.person.clone()));
            ids.sort();
            ids.dedup();
            for person in ids.iter().filter(|p| wanted(p, **p == team.me)) {
                for (start, end, layer) in s.shifts_of(person, from, to, &roster) {
                    out.push(ShiftItem {
                        account: LOCAL_ACCOUNT.to_owned(),
                        schedule: s.id.clone(),
                        schedule_name: s.name.clone(),
                        layer: Some(layer),
                        person_id: person.clone(),
                        person_name: team.person(person).map_or_else(|| person.clone(), |p| p.name.clone()),
                        me: *person == team.me,
                        start,
                        end,
                    });
                }
            }
        }
        for (account, s) in self.store().shifts(from, to).await? {
            let me = self.me_for(&account).await?;
            let mine = !me.is_empty() && s.person_id == me;
            if wanted(&s.person_id, mine) {
                out.push(ShiftItem {
                    account,
                    schedule: s.schedule_id,
                    schedule_name: s.schedule_name,
                    layer: None,
                    person_id: s.person_id,
                    person_name: s.person_name,
                    me: mine,
                    start: s.start,
                    end: s.end,
                });
            }
        }
        out.sort_by(|a, b| (a.start, &a.account, &a.schedule).cmp(&(b.start, &b.account, &b.schedule)));
        Ok(out)
    }

    /// `shifts` as an iCalendar file: one event per shift, in UTC, with stable ids.
    pub fn shifts_ics(&self, shifts: &[ShiftItem], now: DateTime<Utc>) -> String {
        let events: Vec<klaxon_ical::ExportEvent> = shifts
            .iter()
            .map(|s| {
                let layer = s.layer.as_deref().map_or(String::new(), |l| format!(" · {l}"));
                klaxon_ical::ExportEvent {
                    uid: format!(
                        "{}-{}-{}-{}-{}@klaxon",
                        s.account,
                        s.schedule,
                        s.layer.as_deref().unwrap_or("final"),
                        s.person_id,
                        s.start.timestamp()
                    ),
                    summary: format!("On call: {} ({}{layer})", s.person_name, s.schedule_name),
                    description: Some(format!("{} on {} ({})", s.person_name, s.schedule_name, s.account)),
                    start: s.start,
                    end: s.end,
                }
            })
            .collect();
        klaxon_ical::export("Klaxon on-call shifts", &events, now)
    }
}

impl Klaxon {
    /// Writes `shifts` as `klaxon-shifts.ics` in `folder` (default: the Downloads folder, else
    /// the home folder), replacing the last export in one step; returns where.
    pub fn export_shifts_file(
        &self,
        shifts: &[ShiftItem],
        now: DateTime<Utc>,
        folder: Option<&std::path::Path>,
    ) -> Result<std::path::PathBuf, EngineError> {
        let dirs = directories::UserDirs::new();
        let folder = folder
            .map(std::path::Path::to_path_buf)
            .or_else(|| dirs.as_ref().and_then(|d| d.download_dir().map(std::path::Path::to_path_buf)))
            .or_else(|| dirs.as_ref().map(|d| d.home_dir().to_path_buf()))
            .unwrap_or_else(|| self.paths().data_dir.clone());
        let path = folder.join("klaxon-shifts.ics");
        let tmp = folder.join(".klaxon-shifts.ics.tmp");
        let io = |e: std::io::Error| EngineError::InvalidInput(format!("cannot write {}: {e}", path.display()));
        crate::config::write_private(&tmp, &self.shifts_ics(shifts, now)).map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)?;
        Ok(path)
    }
}
