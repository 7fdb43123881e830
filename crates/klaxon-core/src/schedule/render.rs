//! Rendering: each layer's turns inside its windows with its overrides, tiled over the range
//! (gaps included), and the schedule as a whole (the first covered layer at each moment).

use super::{Layer, Roster, Schedule, Turns, coverage};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// How far ahead "until when" is looked for when asking who is on call at a moment.
const LOOKAHEAD: TimeDelta = TimeDelta::days(35);

/// A stretch of time on one row: who holds it (`None`: nobody, a gap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub person: Option<String>,
    /// Whether an override put this person here.
    pub overridden: bool,
}

/// One layer's spans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LayerShifts {
    pub id: String,
    pub name: String,
    pub spans: Vec<Span>,
}

/// A schedule rendered over a range: every row tiles the range exactly, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rendered {
    pub schedule: String,
    pub name: String,
    pub time_zone: String,
    pub layers: Vec<LayerShifts>,
    /// The schedule as a whole: at each moment, the first layer that has someone.
    pub combined: Vec<Span>,
}

/// Who holds each layer, and the schedule, at one moment (spans run until they change, looked
/// at up to five weeks ahead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnCallNow {
    pub layers: Vec<(String, Span)>,
    pub combined: Span,
}

impl Schedule {
    /// The schedule over `[from, to)`.
    pub fn render(&self, from: DateTime<Utc>, to: DateTime<Utc>, roster: &Roster) -> Rendered {
        let to = to.max(from);
        let layers: Vec<LayerShifts> = self
            .layers
            .iter()
            .map(|layer| LayerShifts {
                id: layer.id.clone(),
                name: layer.name.clone(),
                spans: self.layer_spans(layer, from, to, roster),
            })
            .collect();
        let combined = combine(&layers, from, to);
        Rendered {
            schedule: self.id.clone(),
            name: self.name.clone(),
            time_zone: self.time_zone.name().to_owned(),
            layers,
            combined,
        }
    }

    /// Who is on call at `t`, per layer and as a whole.
    pub fn on_call_at(&self, t: DateTime<Utc>, roster: &Roster) -> OnCallNow {
        let r = self.render(t, t + LOOKAHEAD, roster);
        let first = |spans: Vec<Span>| spans.into_iter().next().unwrap_or_else(|| gap(t, t + LOOKAHEAD));
        OnCallNow {
            layers: r.layers.into_iter().map(|l| (l.id, first(l.spans))).collect(),
            combined: first(r.combined),
        }
    }

    /// Who holds `layer` (the schedule as a whole when `None`) at `t`, and until when.
    pub fn who(&self, layer: Option<&str>, t: DateTime<Utc>, roster: &Roster) -> Option<(String, DateTime<Utc>)> {
        let now = self.on_call_at(t, roster);
        let span = match layer {
            None => now.combined,
            Some(id) => now.layers.into_iter().find(|(l, _)| l == id)?.1,
        };
        Some((span.person?, span.end))
    }

    fn layer_spans(&self, layer: &Layer, from: DateTime<Utc>, to: DateTime<Utc>, roster: &Roster) -> Vec<Span> {
        let tz = self.time_zone;
        let base: Vec<(DateTime<Utc>, DateTime<Utc>, &str)> = match &layer.turns {
            Turns::Rotation(r) => r.turns(tz, from, to).into_iter().map(|t| (t.start, t.end, t.person)).collect(),
            Turns::Calendar { source, person } => {
                let events = roster.calendars.get(source).map(Vec::as_slice).unwrap_or_default();
                super::civil::union(events.iter().filter(|(s, e)| *e > from && *s < to).copied().collect())
                    .into_iter()
                    .map(|(s, e)| (s, e, person.as_str()))
                    .collect()
            }
        };
        let windows = coverage(&layer.restrictions, tz, from, to);
        let mut covered: Vec<Span> = Vec::with_capacity(base.len());
        let mut w = 0;
        for (s, e, person) in base {
            let (s, e) = (s.max(from), e.min(to));
            while w < windows.len() && windows[w].1 <= s {
                w += 1;
            }
            let mut i = w;
            while i < windows.len() && windows[i].0 < e {
                let (cs, ce) = (s.max(windows[i].0), e.min(windows[i].1));
                if cs < ce {
                    covered.push(Span { start: cs, end: ce, person: Some(person.to_owned()), overridden: false });
                }
                i += 1;
            }
        }
        let mut tiles = tile(covered, from, to);
        for o in roster.overrides.iter().filter(|o| self.overrides_layer(o, layer)) {
            let (s, e) = (o.start.max(from), o.end.min(to));
            if s < e {
                tiles = paint(&tiles, Span { start: s, end: e, person: Some(o.person.clone()), overridden: true });
            }
        }
        tiles
    }
}

fn gap(start: DateTime<Utc>, end: DateTime<Utc>) -> Span {
    Span { start, end, person: None, overridden: false }
}

/// Fills the holes between sorted, disjoint spans with gaps so they tile `[from, to)`, joining
/// neighbours that say the same.
fn tile(spans: Vec<Span>, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len() * 2 + 1);
    let mut at = from;
    for s in spans {
        if s.start > at {
            push(&mut out, gap(at, s.start));
        }
        at = s.end;
        push(&mut out, s);
    }
    if at < to {
        push(&mut out, gap(at, to));
    }
    out
}

/// Appends `span`, joined with the last one when they touch and say the same.
fn push(out: &mut Vec<Span>, span: Span) {
    match out.last_mut() {
        Some(last) if last.end == span.start && last.person == span.person && last.overridden == span.overridden => {
            last.end = span.end;
        }
        _ => out.push(span),
    }
}

/// `tiles` with `new` laid over its range.
fn paint(tiles: &[Span], new: Span) -> Vec<Span> {
    let (ns, ne) = (new.start, new.end);
    let mut out = Vec::with_capacity(tiles.len() + 2);
    let mut new = Some(new);
    for t in tiles {
        if t.end <= ns || t.start >= ne {
            if t.start >= ne
                && let Some(n) = new.take()
            {
                push(&mut out, n);
            }
            push(&mut out, t.clone());
            continue;
        }
        if t.start < ns {
            push(&mut out, Span { end: ns, ..t.clone() });
        }
        if let Some(n) = new.take() {
            push(&mut out, n);
        }
        if t.end > ne {
            push(&mut out, Span { start: ne, ..t.clone() });
        }
    }
    if let Some(n) = new {
        push(&mut out, n);
    }
    out
}

/// The schedule as a whole: at each moment, the first layer that has someone there.
fn combine(layers: &[LayerShifts], from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Span> {
    let mut cuts: Vec<DateTime<Utc>> = layers.iter().flat_map(|l| l.spans.iter().map(|s| s.start)).collect();
    cuts.push(to);
    cuts.sort();
    cuts.dedup();
    let mut at = vec![0usize; layers.len()];
    let mut out = Vec::new();
    for pair in cuts.windows(2) {
        let (s, e) = (pair[0], pair[1]);
        let mut chosen = gap(s, e);
        for (l, layer) in layers.iter().enumerate() {
            while at[l] < layer.spans.len() && layer.spans[at[l]].end <= s {
                at[l] += 1;
            }
            if let Some(span) = layer.spans.get(at[l]).filter(|x| x.start <= s && x.person.is_some()) {
                chosen = Span { start: s, end: e, person: span.person.clone(), overridden: span.overridden };
                break;
            }
        }
        push(&mut out, chosen);
    }
    if out.is_empty() && from < to {
        out.push(gap(from, to));
    }
    out
}
