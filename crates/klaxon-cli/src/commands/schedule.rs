use crate::args::OverrideCommand;
use crate::output;
use crate::output::out;
use chrono::{DateTime, Local, NaiveDateTime, TimeDelta, TimeZone, Utc};
use klaxon_engine::core::{OverrideEntry, Rendered, Span, Turns};
use klaxon_engine::shifts::Whose;
use klaxon_engine::{EngineError, Klaxon};
use serde_json::json;
use std::process::ExitCode;

/// A time from the command line: RFC 3339, or local wall-clock time ("2026-12-07 09:00").
fn parse_time(field: &str, text: &str) -> Result<DateTime<Utc>, EngineError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .and_then(|n| Local.from_local_datetime(&n).earliest())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            EngineError::InvalidInput(format!(
                "{field}: `{text}` is not a time (try 2026-12-07T09:00:00Z or \"2026-12-07 09:00\")"
            ))
        })
}

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%a %d %b %H:%M").to_string()
}

/// Who holds each layer (and the whole) of each rendered schedule at its first instant.
fn now_of(r: &Rendered) -> serde_json::Value {
    let first = |spans: &[Span]| spans.first().cloned();
    json!({
        "schedule": r.schedule,
        "name": r.name,
        "time_zone": r.time_zone,
        "layers": r.layers.iter().map(|l| json!({"id": l.id, "name": l.name, "now": first(&l.spans)})).collect::<Vec<_>>(),
        "now": first(&r.combined),
    })
}

fn holder(klaxon: &Klaxon, span: Option<&Span>) -> String {
    match span {
        Some(Span { person: Some(p), end, overridden, .. }) => {
            let name = klaxon.team().person(p).map_or(p.as_str(), |x| x.name.as_str());
            let cover = if *overridden { " (override)" } else { "" };
            format!("{name}{cover} until {}", local(*end))
        }
        Some(Span { person: None, end, .. }) => format!("nobody (gap) until {}", local(*end)),
        None => "-".to_owned(),
    }
}

pub async fn on_call(klaxon: &Klaxon, at: Option<&str>, json: bool) -> Result<ExitCode, EngineError> {
    let now = Utc::now();
    let at = at.map(|t| parse_time("at", t)).transpose()?;
    let when = at.unwrap_or(now);
    // Platforms' on-call is cached for now only; at another time, the team file answers.
    let status = if at.is_some() { klaxon.on_call_at(when).await? } else { klaxon.on_call_everywhere().await? };
    let schedules = klaxon.render_schedules(when, when + TimeDelta::days(35)).await?;
    if json {
        let mut value = serde_json::to_value(&status).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            map.insert("at".into(), json!(when));
            map.insert("schedules".into(), schedules.iter().map(now_of).collect());
        }
        output::json(&value);
        return Ok(ExitCode::SUCCESS);
    }
    let verb = if at.is_some() { ("will be", "will not be") } else { ("is", "is not") };
    out!(
        "{} {} on call{}.",
        status.me.name,
        if status.me_on_call { verb.0 } else { verb.1 },
        at.map_or(String::new(), |t| format!(" at {}", local(t)))
    );
    out!("{:<28}  {:>3}  {:<22}  UNTIL", "POLICY", "LVL", "WHO");
    for e in &status.entries {
        let until = e.until.map_or_else(|| "-".to_owned(), |t| format!("in {}", output::age(when, t)));
        out!("{:<28}  {:>3}  {:<22}  {}", e.policy, e.level, e.person_name, until);
    }
    for r in &schedules {
        out!("");
        out!("{} ({}): {}", r.name, r.time_zone, holder(klaxon, r.combined.first()));
        if r.layers.len() > 1 {
            for l in &r.layers {
                out!("  {:<20}  {}", l.name, holder(klaxon, l.spans.first()));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn schedules(klaxon: &Klaxon, json: bool) -> Result<ExitCode, EngineError> {
    let now = Utc::now();
    let rendered = klaxon.render_schedules(now, now + TimeDelta::days(35)).await?;
    let calendars = klaxon.store().calendars().await?;
    let calendar = |source: &str| -> String {
        match calendars.iter().find(|c| c.source == source) {
            None => " (not fetched yet: the pager fetches it)".to_owned(),
            Some(c) => {
                let fetched = c.fetched_at.map_or_else(
                    || "never fetched".to_owned(),
                    |t| format!("{} events, fetched {} ago", c.events, output::age(t, now)),
                );
                let error = c.error.as_deref().map_or(String::new(), |e| format!("; last try failed: {e}"));
                format!(" ({fetched}{error})")
            }
        }
    };
    if json {
        let list: Vec<_> = klaxon
            .team()
            .schedules
            .iter()
            .zip(&rendered)
            .map(|(s, r)| {
                let mut v = now_of(r);
                let layers: Vec<_> = s
                    .layers
                    .iter()
                    .map(|l| {
                        let (kind, who, feed) = match &l.turns {
                            Turns::Rotation(r) => ("rotation", r.participants.clone(), None),
                            Turns::Calendar { person, source } => {
                                let c = calendars.iter().find(|c| &c.source == source);
                                let feed = json!({
                                    "source": source,
                                    "events": c.map(|c| c.events),
                                    "fetched_at": c.and_then(|c| c.fetched_at),
                                    "error": c.and_then(|c| c.error.clone()),
                                });
                                ("calendar", vec![person.clone()], Some(feed))
                            }
                        };
                        let windows: Vec<String> = l.restrictions.iter().map(ToString::to_string).collect();
                        json!({"id": l.id, "kind": kind, "participants": who, "restrictions": windows, "calendar": feed})
                    })
                    .collect();
                if let Some(map) = v.as_object_mut() {
                    map.insert("definition".into(), json!(layers));
                }
                v
            })
            .collect();
        output::json(&list);
        return Ok(ExitCode::SUCCESS);
    }
    if rendered.is_empty() {
        out!("No schedules in the team file (add [[schedules]] or [[rotations]]; see `klaxon config check`).");
    }
    for (s, r) in klaxon.team().schedules.iter().zip(&rendered) {
        out!("{} [{}] ({}): {}", s.name, s.id, s.time_zone.name(), holder(klaxon, r.combined.first()));
        for (l, shifts) in s.layers.iter().zip(&r.layers) {
            let how = match &l.turns {
                Turns::Rotation(rot) => format!("rotation of {}", rot.participants.join(", ")),
                Turns::Calendar { source, .. } => format!("calendar {source}{}", calendar(source)),
            };
            let windows: Vec<String> = l.restrictions.iter().map(ToString::to_string).collect();
            let windows = if windows.is_empty() { String::new() } else { format!("; {}", windows.join(", ")) };
            out!("  {:<12} {how}{windows}: {}", l.id, holder(klaxon, shifts.spans.first()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn override_line(o: &OverrideEntry) -> String {
    let c = &o.cover;
    let layer = c.layer.as_deref().map_or(String::new(), |l| format!(":{l}"));
    let state = if o.account == klaxon_engine::core::LOCAL_ACCOUNT {
        String::new()
    } else {
        format!("  [{}]", o.state.as_str())
    };
    format!("{:>4}  {}{layer}  {}  {} → {}{state}", c.id, c.schedule, c.person, local(c.start), local(c.end))
}

pub async fn overrides(klaxon: &Klaxon, command: OverrideCommand, json: bool) -> Result<ExitCode, EngineError> {
    match command {
        OverrideCommand::Add { schedule, who, from, to, layer } => {
            let (start, end) = (parse_time("from", &from)?, parse_time("to", &to)?);
            let o = klaxon.add_any_override(&schedule, layer.as_deref(), &who, start, end).await?;
            if json {
                output::json(&o);
            } else {
                out!("Override {} kept: {}", o.cover.id, override_line(&o).trim_start());
            }
        }
        OverrideCommand::List => {
            let list = klaxon.overrides().await?;
            if json {
                output::json(&list);
            } else if list.is_empty() {
                out!("No overrides (add one with `klaxon override add SCHEDULE --who ID --from … --to …`).");
            } else {
                for o in &list {
                    out!("{}", override_line(o));
                }
            }
        }
        OverrideCommand::Remove { id } => {
            let o = klaxon.remove_override(id).await?;
            if json {
                output::json(&o);
            } else {
                out!("Removed override {id}.");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn shifts(
    klaxon: &Klaxon,
    days: i64,
    who: Option<&str>,
    ics: bool,
    fairness: bool,
    json: bool,
) -> Result<ExitCode, EngineError> {
    let now = Utc::now();
    if fairness {
        let rows = klaxon.fairness(now, now + klaxon_engine::schedule_view::FAIRNESS_AHEAD).await?;
        if json {
            output::json(&rows);
            return Ok(ExitCode::SUCCESS);
        }
        out!("{:<24}  {:>7}  {:>7}  {:>8}  {:>6}   (next 12 weeks)", "WHO", "HOURS", "NIGHTS", "WEEKENDS", "SHIFTS");
        for r in &rows {
            let h = |m: u32| format!("{:.1}", f64::from(m) / 60.0);
            out!(
                "{:<24}  {:>7}  {:>7}  {:>8}  {:>6}",
                r.name,
                h(r.minutes),
                h(r.night_minutes),
                h(r.weekend_minutes),
                r.shifts
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let whose = Whose::parse(who.unwrap_or(if ics { "me" } else { "all" }));
    let list = klaxon.shifts_of(&whose, now, now + TimeDelta::days(days)).await?;
    if ics {
        // The file's lines end in CRLF; the last one's LF comes from `out!`.
        let text = klaxon.shifts_ics(&list, now);
        out!("{}", text.strip_suffix('\n').unwrap_or(&text));
        return Ok(ExitCode::SUCCESS);
    }
    if json {
        output::json(&list);
        return Ok(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        out!("No shifts in the next {days} days.");
    }
    for s in &list {
        let layer = s.layer.as_deref().map_or(String::new(), |l| format!(":{l}"));
        let who = if s.me { "you".to_owned() } else { s.person_name.clone() };
        out!(
            "{}  →  {}  {:<10}  {:<24}  {}",
            local(s.start),
            local(s.end),
            s.account,
            format!("{}{layer}", s.schedule_name),
            who
        );
    }
    Ok(ExitCode::SUCCESS)
}
