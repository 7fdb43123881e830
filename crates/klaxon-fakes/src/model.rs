//! The platform-neutral state every fake serves in its own API's shape, so engine tests and
//! benchmarks can seed and inspect any platform the same way.

use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// An incident (alert group, alert) on the fake platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeIncident {
    pub id: String,
    pub number: u64,
    pub title: String,
    pub service: String,
    pub status: FakeStatus,
    pub high_urgency: bool,
    /// 1-based escalation level.
    pub level: u32,
    pub policy: String,
    /// User ids assigned.
    pub assignees: Vec<String>,
    /// Notes, oldest first: (author user id, text, when).
    pub notes: Vec<(String, String, DateTime<Utc>)>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub snoozed_until: Option<DateTime<Utc>>,
}

/// Where a fake incident is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FakeStatus {
    Triggered,
    Acknowledged,
    Resolved,
}

/// A user of the fake platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// A schedule with its rendered shifts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeSchedule {
    pub id: String,
    pub name: String,
    /// (user id, start, end), in start order: the rotation before any override.
    pub shifts: Vec<(String, DateTime<Utc>, DateTime<Utc>)>,
    /// Overrides, oldest first (a later one wins where two overlap).
    pub overrides: Vec<FakeOverride>,
}

/// Someone put on a schedule for `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeOverride {
    pub id: String,
    /// Who is on call instead.
    pub user: String,
    /// Whose shifts are taken over; `None`: whoever is on (and the gaps too).
    pub replaces: Option<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// An escalation policy: per level, the targets (`user:ID` or `schedule:ID`) and the delay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakePolicy {
    pub id: String,
    pub name: String,
    pub levels: Vec<(u32, Vec<String>)>,
    pub repeat: u32,
}

/// One write the platform applied (state actually changed or a note was added).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    pub incident: String,
    /// `acknowledge`, `resolve`, `escalate`, `reassign`, `snooze`, `note`, …
    pub action: String,
    pub detail: String,
    pub by: String,
}

/// Everything a fake platform holds.
#[derive(Debug, Clone)]
pub struct Platform {
    /// The token the fake accepts (others get 401).
    pub token: String,
    /// The user the token belongs to.
    pub me: String,
    pub users: Vec<FakeUser>,
    /// Incidents by id; ids are zero-padded so map order is creation order.
    pub incidents: BTreeMap<String, FakeIncident>,
    pub schedules: Vec<FakeSchedule>,
    pub policies: Vec<FakePolicy>,
    pub writes: Vec<Write>,
    next_number: u64,
}

/// The state shared between a fake's handlers and the test.
#[derive(Debug, Clone)]
pub struct Shared(Arc<Mutex<Platform>>);

impl Shared {
    /// A platform where `me` (id `U_ME`, me@example.com) and `U_OTHER` share schedule `S_PRIMARY`
    /// (weekly shifts around now) in policy `EP1` (level 1: the schedule; level 2: `U_OTHER`).
    pub fn new(token: &str, now: DateTime<Utc>) -> Self {
        let user = |id: &str, name: &str, email: &str| FakeUser {
            id: id.into(),
            name: name.into(),
            email: email.into(),
            phone: Some("+15550100".into()),
        };
        let week = Duration::days(7);
        let start = now - Duration::days(21);
        let shifts = (0..8)
            .map(|i| {
                let who = if i % 2 == 1 { "U_ME" } else { "U_OTHER" };
                (who.to_owned(), start + week * i, start + week * (i + 1))
            })
            .collect();
        Shared(Arc::new(Mutex::new(Platform {
            token: token.into(),
            me: "U_ME".into(),
            users: vec![
                user("U_ME", "Me Myself", "me@example.com"),
                user("U_OTHER", "Other Person", "other@example.com"),
            ],
            incidents: BTreeMap::new(),
            schedules: vec![FakeSchedule {
                id: "S_PRIMARY".into(),
                name: "Primary".into(),
                shifts,
                overrides: Vec::new(),
            }],
            policies: vec![FakePolicy {
                id: "EP1".into(),
                name: "Default".into(),
                levels: vec![(5, vec!["schedule:S_PRIMARY".into()]), (10, vec!["user:U_OTHER".into()])],
                repeat: 1,
            }],
            writes: Vec::new(),
            next_number: 0,
        })))
    }

    /// Locks the state (tests and handlers never hold it across an await).
    pub fn lock(&self) -> MutexGuard<'_, Platform> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds a triggered, high-urgency incident assigned to `assignees` at level 1; returns its id.
    pub fn trigger(&self, title: &str, assignees: &[&str], now: DateTime<Utc>) -> String {
        let mut p = self.lock();
        p.add(title, assignees, now)
    }

    /// Adds `n` triggered incidents assigned to me, created a second apart ending at `now`.
    pub fn trigger_many(&self, n: usize, now: DateTime<Utc>) -> Vec<String> {
        let mut p = self.lock();
        let me = p.me.clone();
        (0..n)
            .map(|i| {
                let back = Duration::seconds(i64::try_from(n - i).unwrap_or(i64::MAX));
                p.add(&format!("Synthetic incident {i}"), &[me.as_str()], now - back)
            })
            .collect()
    }

    /// Replaces the shifts of schedule `S_PRIMARY` with `hours`-long shifts alternating between
    /// me and `U_OTHER`, from `days_back` before `now` to `days_ahead` after it.
    pub fn rolling_shifts(&self, now: DateTime<Utc>, days_back: i64, days_ahead: i64, hours: i64) {
        let step = Duration::hours(hours.max(1));
        let (mut start, end) = (now - Duration::days(days_back), now + Duration::days(days_ahead));
        let mut shifts = Vec::new();
        while start < end {
            let who = if shifts.len() % 2 == 0 { "U_ME" } else { "U_OTHER" };
            shifts.push((who.to_owned(), start, start + step));
            start += step;
        }
        if let Some(s) = self.lock().schedules.iter_mut().find(|s| s.id == "S_PRIMARY") {
            s.shifts = shifts;
        }
    }

    /// One incident.
    pub fn incident(&self, id: &str) -> Option<FakeIncident> {
        self.lock().incidents.get(id).cloned()
    }

    /// Every write applied so far.
    pub fn writes(&self) -> Vec<Write> {
        self.lock().writes.clone()
    }

    /// Changes an incident as if someone did it on the platform's own UI (not recorded as a write).
    pub fn update(&self, id: &str, f: impl FnOnce(&mut FakeIncident)) {
        if let Some(i) = self.lock().incidents.get_mut(id) {
            f(i);
        }
    }
}

impl Platform {
    fn add(&mut self, title: &str, assignees: &[&str], now: DateTime<Utc>) -> String {
        self.next_number += 1;
        let id = format!("Q{:08}", self.next_number);
        self.incidents.insert(
            id.clone(),
            FakeIncident {
                id: id.clone(),
                number: self.next_number,
                title: title.into(),
                service: "checkout".into(),
                status: FakeStatus::Triggered,
                high_urgency: true,
                level: 1,
                policy: "EP1".into(),
                assignees: assignees.iter().map(|s| (*s).to_owned()).collect(),
                notes: Vec::new(),
                created_at: now,
                updated_at: now,
                acknowledged_at: None,
                resolved_at: None,
                snoozed_until: None,
            },
        );
        id
    }

    /// A user by id.
    pub fn user(&self, id: &str) -> Option<&FakeUser> {
        self.users.iter().find(|u| u.id == id)
    }

    /// Records a write.
    pub fn record(&mut self, incident: &str, action: &str, detail: impl Into<String>, by: &str) {
        self.writes.push(Write {
            incident: incident.into(),
            action: action.into(),
            detail: detail.into(),
            by: by.into(),
        });
    }
}
