//! The pager policy: which triggers page me and how loudly, and the queue of loud pages that ring
//! until answered. Pure; the engine feeds it incidents and the clock.
//!
//! Rules: page when an incident assigned to me is triggered (new, re-triggered, or escalated to
//! me), never twice for the same trigger (`PageKey`, persisted by the store), not once it is
//! acknowledged. High urgency rings until answered and is re-alerted every `realert_after`;
//! low urgency is an ordinary notification, held during quiet hours. A loud page stops when the
//! incident is acknowledged, resolved, or no longer mine. Several loud pages: the worst rings
//! (highest severity, then the oldest), the rest wait.

use crate::pager_settings::PagerSettings;
use crate::{Incident, IncidentId, IncidentStatus, Severity, Urgency};
use chrono::{DateTime, NaiveTime, Utc};

/// Identifies one trigger of one incident; each is paged at most once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub incident: IncidentId,
    pub trigger_seq: u32,
}

/// The page this incident calls for, if it is triggered and assigned to `me`.
/// The caller drops keys it has already paged.
pub fn page_for(incident: &Incident, me: &str) -> Option<PageKey> {
    (incident.status == IncidentStatus::Triggered && incident.assignees.iter().any(|a| a == me))
        .then_some(PageKey { incident: incident.id, trigger_seq: incident.trigger_seq })
}

/// How a page is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// High urgency: every path, ringing until answered.
    Loud,
    /// Low urgency: an ordinary notification now.
    Normal,
    /// Low urgency during quiet hours: an ordinary notification once they end.
    Held,
    /// Someone else's page that I shadow: soft, no obligation, never counted as mine.
    Shadow,
}

/// What to do for this incident's current trigger (`None`: not a page for me).
pub fn decide(
    incident: &Incident,
    me: &str,
    settings: &PagerSettings,
    local_time: NaiveTime,
) -> Option<(PageKey, PageKind)> {
    let key = page_for(incident, me)?;
    let kind = match incident.urgency {
        Urgency::High => PageKind::Loud,
        Urgency::Low if settings.quiet_hours.is_some_and(|q| q.contains(local_time)) => PageKind::Held,
        Urgency::Low => PageKind::Normal,
    };
    Some((key, kind))
}

/// Whether a loud page for `key` should still ring, given the incident's current state.
pub fn still_ringing(key: PageKey, incident: &Incident, me: &str) -> bool {
    page_for(incident, me).is_some_and(|k| k.incident == key.incident)
}

/// What should be ringing now, as every delivery path and the UI see it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RingState {
    /// The loud page ringing now (the worst unanswered: highest severity, then the oldest).
    pub current: Option<Incident>,
    /// How many loud pages are unanswered (including the current one).
    pub unanswered: u32,
    /// The current page's ringtone is muted for a while (re-alerts still happen; a new page
    /// rings at once).
    pub muted: bool,
    /// Until when the current page is muted.
    pub muted_until: Option<DateTime<Utc>>,
    /// The other unanswered loud pages, in the order they would ring.
    pub waiting: Vec<WaitingPage>,
    /// Who the current page escalates to next, by name (empty at the last level).
    pub next_up: Vec<String>,
    /// Whether `next_up` is known: the team file's policies decide for local incidents; a
    /// platform's incidents follow its own policy, which Klaxon does not see (`next_up` empty).
    pub next_known: bool,
}

/// An unanswered loud page behind the one ringing, as the page screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WaitingPage {
    pub id: IncidentId,
    pub severity: Severity,
    pub title: String,
    /// When it was first paged.
    pub since: DateTime<Utc>,
}

/// One loud page waiting for an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ringing {
    pub key: PageKey,
    /// The incident's severity and title when it was (last) paged: the ring order and the list.
    pub severity: Severity,
    pub title: String,
    pub since: DateTime<Utc>,
    pub last_alert: DateTime<Utc>,
    pub realerts: u32,
}

/// Unanswered loud pages: the worst rings (highest severity, then the oldest), the rest wait.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageQueue {
    entries: Vec<Ringing>,
}

impl PageQueue {
    /// Adds the loud page `key` of `incident` (a newer trigger of a queued incident replaces its
    /// key). Returns false if that exact trigger was already queued.
    pub fn add(&mut self, key: PageKey, incident: &Incident, now: DateTime<Utc>) -> bool {
        let (severity, title) = (incident.severity, incident.title.clone());
        if let Some(e) = self.entries.iter_mut().find(|e| e.key.incident == key.incident) {
            if e.key == key {
                return false;
            }
            *e = Ringing { key, severity, title, since: e.since, last_alert: now, realerts: e.realerts };
            return true;
        }
        self.entries.push(Ringing { key, severity, title, since: now, last_alert: now, realerts: 0 });
        true
    }

    /// Stops ringing for `incident` (answered or no longer mine). Returns whether it was queued.
    pub fn remove(&mut self, incident: IncidentId) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.key.incident != incident);
        self.entries.len() != before
    }

    /// Incidents whose page is due for a re-alert at `now`; marks them re-alerted.
    pub fn due_realerts(&mut self, now: DateTime<Utc>, settings: &PagerSettings) -> Vec<IncidentId> {
        let Ok(after) = chrono::Duration::from_std(settings.realert_after) else { return Vec::new() };
        let mut due = Vec::new();
        for e in &mut self.entries {
            let allowed = settings.realert_limit.is_none_or(|limit| e.realerts < limit);
            if allowed && now - e.last_alert >= after {
                e.last_alert = now;
                e.realerts += 1;
                due.push(e.key.incident);
            }
        }
        due
    }

    /// The page ringing now: the highest severity, then the oldest.
    pub fn ringing(&self) -> Option<&Ringing> {
        self.in_ring_order().into_iter().next()
    }

    /// All unanswered loud pages in the order they ring: highest severity, then the oldest.
    pub fn in_ring_order(&self) -> Vec<&Ringing> {
        let mut order: Vec<&Ringing> = self.entries.iter().collect();
        order.sort_by_key(|e| (e.severity, e.since)); // stable: arrival order breaks ties
        order
    }

    /// All unanswered loud pages, in arrival order.
    pub fn entries(&self) -> &[Ringing] {
        &self.entries
    }

    /// How many loud pages are unanswered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No loud page is unanswered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::tests::{sample, t};
    use crate::pager_settings::QuietHours;
    use std::time::Duration;

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn key(id: i64, seq: u32) -> PageKey {
        PageKey { incident: IncidentId(id), trigger_seq: seq }
    }

    #[test]
    fn pages_triggered_incidents_assigned_to_me() {
        let i = sample(7);
        assert_eq!(page_for(&i, "alex"), Some(key(7, 1)));
        assert_eq!(page_for(&i, "sam"), None, "not assigned to sam");
    }

    #[test]
    fn does_not_page_acknowledged_or_resolved() {
        let mut i = sample(7);
        i.acknowledge(t(1), "alex").unwrap();
        assert_eq!(page_for(&i, "alex"), None);
        i.resolve(t(2), "alex").unwrap();
        assert_eq!(page_for(&i, "alex"), None);
    }

    #[test]
    fn a_new_trigger_is_a_new_page() {
        let mut i = sample(7);
        let first = page_for(&i, "alex");
        i.trigger_seq += 1;
        assert_ne!(page_for(&i, "alex"), first);
    }

    #[test]
    fn urgency_decides_loud_or_normal_and_quiet_hours_hold_low_urgency() {
        let mut settings = PagerSettings::default();
        let mut i = sample(1);
        assert_eq!(decide(&i, "alex", &settings, hm(3, 0)), Some((key(1, 1), PageKind::Loud)));
        i.urgency = Urgency::Low;
        assert_eq!(decide(&i, "alex", &settings, hm(3, 0)), Some((key(1, 1), PageKind::Normal)));
        settings.quiet_hours = Some(QuietHours { start: hm(22, 0), end: hm(7, 0) });
        assert_eq!(decide(&i, "alex", &settings, hm(3, 0)), Some((key(1, 1), PageKind::Held)));
        assert_eq!(decide(&i, "alex", &settings, hm(9, 0)), Some((key(1, 1), PageKind::Normal)));
        i.urgency = Urgency::High;
        assert_eq!(
            decide(&i, "alex", &settings, hm(3, 0)),
            Some((key(1, 1), PageKind::Loud)),
            "quiet hours never hold loud pages"
        );
        assert_eq!(decide(&i, "sam", &settings, hm(3, 0)), None);
    }

    #[test]
    fn ringing_stops_when_answered_or_escalated_away() {
        let mut i = sample(1);
        let k = page_for(&i, "alex").unwrap();
        assert!(still_ringing(k, &i, "alex"));
        i.assignees = vec!["sam".into()];
        assert!(!still_ringing(k, &i, "alex"), "escalated away from me");
        i.assignees = vec!["alex".into()];
        i.trigger_seq += 1;
        assert!(still_ringing(k, &i, "alex"), "escalated back to me: still ringing");
        i.acknowledge(t(5), "alex").unwrap();
        assert!(!still_ringing(k, &i, "alex"));
    }

    fn incident(id: i64, severity: Severity) -> Incident {
        Incident { severity, title: format!("incident {id}"), ..sample(id) }
    }

    #[test]
    fn the_oldest_rings_and_the_rest_queue() {
        let mut q = PageQueue::default();
        let sev2 = |id| incident(id, Severity::Sev2);
        assert!(q.ringing().is_none());
        assert!(q.add(key(1, 1), &sev2(1), t(0)));
        assert!(q.add(key(2, 1), &sev2(2), t(5)));
        assert!(!q.add(key(1, 1), &sev2(1), t(6)), "same trigger twice is one page");
        assert_eq!(q.len(), 2);
        assert_eq!(q.ringing().unwrap().key.incident, IncidentId(1));
        assert!(q.remove(IncidentId(1)));
        assert_eq!(q.ringing().unwrap().key.incident, IncidentId(2), "next in the queue rings");
        assert!(!q.remove(IncidentId(1)));
        assert!(q.add(key(2, 2), &sev2(2), t(7)), "a new trigger of a queued incident replaces its key");
        assert_eq!(q.len(), 1);
        assert_eq!(q.ringing().unwrap().key, key(2, 2));
        assert!(q.remove(IncidentId(2)));
        assert!(q.is_empty());
    }

    #[test]
    fn realerts_every_interval_until_answered_or_the_limit() {
        let mut settings = PagerSettings { realert_after: Duration::from_secs(60), ..Default::default() };
        let mut q = PageQueue::default();
        q.add(key(1, 1), &incident(1, Severity::Sev3), t(0));
        q.add(key(2, 1), &incident(2, Severity::Sev1), t(30));
        assert!(q.due_realerts(t(59), &settings).is_empty());
        assert_eq!(q.due_realerts(t(60), &settings), [IncidentId(1)]);
        assert_eq!(q.due_realerts(t(90), &settings), [IncidentId(2)], "each page has its own clock");
        assert!(q.due_realerts(t(100), &settings).is_empty());
        assert_eq!(q.due_realerts(t(150), &settings), [IncidentId(1), IncidentId(2)]);
        assert_eq!(q.entries()[0].realerts, 2);
        settings.realert_limit = Some(2);
        assert!(q.due_realerts(t(1000), &settings).is_empty(), "limit reached");
        q.remove(IncidentId(1));
        q.remove(IncidentId(2));
        assert!(q.due_realerts(t(2000), &settings).is_empty(), "answered pages never re-alert");
    }

    #[test]
    fn the_worst_rings_first_then_the_oldest() {
        let mut q = PageQueue::default();
        q.add(key(1, 1), &incident(1, Severity::Sev2), t(0));
        q.add(key(2, 1), &incident(2, Severity::Sev3), t(1));
        assert_eq!(q.ringing().unwrap().key.incident, IncidentId(1));
        q.add(key(3, 1), &incident(3, Severity::Sev1), t(2));
        assert_eq!(q.ringing().unwrap().key.incident, IncidentId(3), "a Sev1 takes over from a ringing Sev2");
        q.add(key(4, 1), &incident(4, Severity::Sev1), t(3));
        let order: Vec<i64> = q.in_ring_order().iter().map(|e| e.key.incident.0).collect();
        assert_eq!(order, [3, 4, 1, 2], "severity first, then age");
        assert_eq!(q.in_ring_order()[2].title, "incident 1");
        // A re-trigger that made incident 2 worse moves it up, keeping when it was first paged.
        q.add(key(2, 2), &incident(2, Severity::Sev1), t(9));
        let order: Vec<i64> = q.in_ring_order().iter().map(|e| e.key.incident.0).collect();
        assert_eq!(order, [2, 3, 4, 1]);
    }
}
