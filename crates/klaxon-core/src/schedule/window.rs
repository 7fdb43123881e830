//! Restrictions: the hours a layer covers (working-hours windows), daily on chosen weekdays or
//! weekly from one weekday and time to another, in the schedule's zone. A daily window whose end
//! is not after its start crosses midnight (22:00–06:00 ends the next morning).

use super::civil::{to_local, to_utc, union};
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One window of coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Window {
    /// From `from` to `to` on each of `days` (Monday first); crosses midnight when `to <= from`
    /// (equal: the whole day from `from`).
    Daily { days: [bool; 7], from: NaiveTime, to: NaiveTime },
    /// From a weekday and time to the next given weekday and time (a whole week when equal).
    Weekly { from_day: Weekday, from: NaiveTime, to_day: Weekday, to: NaiveTime },
}

impl Window {
    /// Parses a window: `from`/`to` are `HH:MM` (daily, on `days`: `mon-fri`, `sat,sun`,
    /// `weekdays`, `weekends`, `daily`; every day when `None`) or `DAY HH:MM` (weekly).
    pub fn parse(days: Option<&str>, from: &str, to: &str) -> Result<Window, String> {
        match (split_day(from)?, split_day(to)?) {
            ((None, f), (None, t)) => {
                let days = match days {
                    Some(d) => parse_days(d)?,
                    None => [true; 7],
                };
                Ok(Window::Daily { days, from: f, to: t })
            }
            ((Some(fd), f), (Some(td), t)) => {
                if days.is_some() {
                    return Err("a weekly window (`from = \"mon 09:00\"`) takes no `days`".into());
                }
                Ok(Window::Weekly { from_day: fd, from: f, to_day: td, to: t })
            }
            _ => Err(format!("`{from}` and `{to}`: give both a weekday (weekly) or neither (daily)")),
        }
    }

    /// The spans this window covers that overlap `[from, to)`, clipped to it, in order.
    pub fn spans(&self, tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let mut out = Vec::new();
        let (Some(first), Some(last)) =
            (to_local(tz, from).date().checked_sub_days(Days::new(8)), to_local(tz, to).date().succ_opt())
        else {
            return out;
        };
        let mut day = first;
        while day <= last {
            if let Some((s, e)) = self.on(day) {
                let (s, e) = (to_utc(tz, s).max(from), to_utc(tz, e).min(to));
                if s < e {
                    out.push((s, e));
                }
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
        out
    }

    /// The window that starts on local `day`, if one does.
    fn on(&self, day: NaiveDate) -> Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)> {
        match *self {
            Window::Daily { days, from, to } => {
                if !days[day.weekday().num_days_from_monday() as usize] {
                    return None;
                }
                let end_day = if to > from { day } else { day.succ_opt()? };
                Some((day.and_time(from), end_day.and_time(to)))
            }
            Window::Weekly { from_day, from, to_day, to } => {
                if day.weekday() != from_day {
                    return None;
                }
                let ahead = (7 + to_day.num_days_from_monday() - from_day.num_days_from_monday()) % 7;
                let mut end = day.checked_add_days(Days::new(u64::from(ahead)))?.and_time(to);
                let start = day.and_time(from);
                if end <= start {
                    end = end.checked_add_days(Days::new(7))?;
                }
                Some((start, end))
            }
        }
    }
}

/// Where a layer with `windows` is covered within `[from, to)` (everywhere when there are none).
pub fn coverage(
    windows: &[Window],
    tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    if windows.is_empty() {
        return if from < to { vec![(from, to)] } else { Vec::new() };
    }
    union(windows.iter().flat_map(|w| w.spans(tz, from, to)).collect())
}

fn split_day(text: &str) -> Result<(Option<Weekday>, NaiveTime), String> {
    let text = text.trim();
    let (day, time) = match text.split_once(char::is_whitespace) {
        Some((d, t)) => (Some(d.parse::<Weekday>().map_err(|_| format!("`{d}` is not a weekday (mon … sun)"))?), t),
        None => (None, text),
    };
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M")
        .map_err(|_| format!("`{}` is not a time of day like 09:00", time.trim()))?;
    Ok((day, time))
}

fn parse_days(text: &str) -> Result<[bool; 7], String> {
    let mut days = [false; 7];
    for part in text.split(',').map(str::trim) {
        let range = match part {
            "daily" | "every day" => (Weekday::Mon, Weekday::Sun),
            "weekdays" => (Weekday::Mon, Weekday::Fri),
            "weekends" => (Weekday::Sat, Weekday::Sun),
            _ => match part.split_once('-') {
                Some((a, b)) => (weekday(a)?, weekday(b)?),
                None => (weekday(part)?, weekday(part)?),
            },
        };
        let (mut d, end) = range;
        for _ in 0..7 {
            days[d.num_days_from_monday() as usize] = true;
            if d == end {
                break;
            }
            d = d.succ();
        }
    }
    Ok(days)
}

fn weekday(text: &str) -> Result<Weekday, String> {
    text.trim().parse().map_err(|_| format!("`{}` is not a weekday (mon … sun, mon-fri, weekends)", text.trim()))
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Window::Daily { days, from, to } => {
                let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
                let on: Vec<&str> = names.iter().zip(days).filter(|(_, on)| **on).map(|(n, _)| *n).collect();
                let which = if on.len() == 7 { "daily".to_owned() } else { on.join(",") };
                write!(f, "{which} {}–{}", from.format("%H:%M"), to.format("%H:%M"))
            }
            Window::Weekly { from_day, from, to_day, to } => {
                write!(f, "{from_day} {}–{to_day} {}", from.format("%H:%M"), to.format("%H:%M"))
            }
        }
    }
}

#[cfg(test)]
#[path = "window_tests.rs"]
mod tests;
