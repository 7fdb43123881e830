//! Imported calendars: the iCal feeds that team-file schedule layers take their turns from,
//! fetched with conditional requests and kept offline (the events of a window around now). A
//! feed that fails or does not parse keeps the last good copy, with the error beside it.

use crate::{EngineError, Klaxon};
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use klaxon_core::Turns;
use klaxon_ical::{Fetched, Validators};
use klaxon_store::CalendarCopy;

/// How often (by the engine's clock) the pager asks the feeds again.
pub const CALENDAR_REFRESH: TimeDelta = TimeDelta::minutes(15);
/// The window of events kept: from a week back to four months ahead.
pub const KEEP_BACK: TimeDelta = TimeDelta::days(7);
pub const KEEP_AHEAD: TimeDelta = TimeDelta::days(120);

/// What asking one feed did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refreshed {
    /// A fresh copy with this many events in the window.
    Fresh(usize),
    NotModified,
    /// The last good copy stays; why the ask failed.
    Failed(String),
}

impl Klaxon {
    /// Every calendar source the team file's layers name (as written), with its schedule's zone.
    pub fn calendar_sources(&self) -> Vec<(String, Tz)> {
        let mut out: Vec<(String, Tz)> = Vec::new();
        for s in &self.team().schedules {
            for l in &s.layers {
                if let Turns::Calendar { source, .. } = &l.turns
                    && !out.iter().any(|(x, _)| x == source)
                {
                    out.push((source.clone(), s.time_zone));
                }
            }
        }
        out
    }

    /// Where a source is fetched from: URLs as they are, paths relative to the team file's folder.
    fn calendar_location(&self, source: &str) -> String {
        if source.contains("://") || std::path::Path::new(source).is_absolute() {
            return source.to_owned();
        }
        let dir = self.paths().config_file.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        dir.join(source).to_string_lossy().into_owned()
    }

    /// Asks every feed once (conditionally), keeping what it says.
    pub async fn refresh_calendars(
        &self,
        client: &klaxon_ical::Fetcher,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, Refreshed)>, EngineError> {
        let kept = self.store().calendars().await?;
        let mut out = Vec::new();
        for (source, tz) in self.calendar_sources() {
            let copy = kept.iter().find(|c| c.source == source);
            let cached = Validators {
                etag: copy.and_then(|c| c.etag.clone()),
                last_modified: copy.and_then(|c| c.last_modified.clone()),
            };
            // A copy without events was never good: ask in full.
            let cached = if copy.is_some_and(|c| c.fetched_at.is_some()) { cached } else { Validators::default() };
            let result = match client.fetch(&self.calendar_location(&source), &cached).await {
                Ok(Fetched::NotModified) => Ok(Refreshed::NotModified),
                Ok(Fetched::Fresh { body, validators }) => {
                    match klaxon_ical::parse_feed(&body, now - KEEP_BACK, now + KEEP_AHEAD, tz) {
                        Ok(events) => {
                            let copy = CalendarCopy {
                                source: source.clone(),
                                etag: validators.etag,
                                last_modified: validators.last_modified,
                                fetched_at: Some(now),
                                checked_at: Some(now),
                                error: None,
                                events: events.len(),
                            };
                            let rows: Vec<_> = events.into_iter().map(|e| (e.summary, e.start, e.end)).collect();
                            self.store().save_calendar(&copy, &rows).await?;
                            Ok(Refreshed::Fresh(rows.len()))
                        }
                        Err(e) => Err(format!("the feed does not read as a calendar: {e}")),
                    }
                }
                Err(e) => Err(e.to_string()),
            };
            let refreshed = match result {
                Ok(r) => {
                    if r == Refreshed::NotModified {
                        self.store().calendar_checked(&source, now, None).await?;
                    }
                    r
                }
                Err(error) => {
                    tracing::warn!(source = %source, %error, "calendar feed");
                    self.store().calendar_checked(&source, now, Some(&error)).await?;
                    Refreshed::Failed(error)
                }
            };
            out.push((source, refreshed));
        }
        Ok(out)
    }
}

/// The pager's calendar refreshes: every [`CALENDAR_REFRESH`] by the engine's clock.
#[derive(Debug)]
pub(crate) struct CalendarRefresh {
    pub client: klaxon_ical::Fetcher,
    pub last: Option<DateTime<Utc>>,
}

impl CalendarRefresh {
    /// Refreshes when due; whether any feed changed.
    pub async fn step(&mut self, klaxon: &Klaxon, now: DateTime<Utc>) -> Result<bool, EngineError> {
        if self.last.is_some_and(|t| now - t < CALENDAR_REFRESH && now >= t) || klaxon.calendar_sources().is_empty() {
            return Ok(false);
        }
        self.last = Some(now);
        let results = klaxon.refresh_calendars(&self.client, now).await?;
        Ok(results.iter().any(|(_, r)| matches!(r, Refreshed::Fresh(_))))
    }
}
