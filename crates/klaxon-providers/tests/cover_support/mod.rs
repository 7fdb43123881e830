//! What each platform's cover tests share: a schedule seeded around a base time, the colleague's
//! cover of part of my shift, and the shifts that should show once it is on the platform.
#![allow(dead_code, reason = "each platform's test uses a different part")]

use chrono::{DateTime, Duration, DurationRound, Utc};
use klaxon_core::remote::ScheduleCover;
use klaxon_core::{OnCallEntry, RemoteUser, Secret, Shift};
use klaxon_fakes::{FakeServer, Fault, Shared};
use klaxon_providers::{Connection, HttpOptions, Provider};

pub const SCHEDULE: &str = "S_PRIMARY";
pub const COLLEAGUE: &str = "U_OTHER";

/// A whole minute about an hour ahead: Grafana OnCall only swaps shifts that start in the
/// future, and platforms keep overrides to the minute.
pub fn base() -> DateTime<Utc> {
    let now = Utc::now().duration_trunc(Duration::minutes(1)).expect("a time in range");
    now + Duration::hours(1)
}

/// `S_PRIMARY`: the colleague the day before `base`, me for two days from `base`, then the
/// colleague for two more.
pub fn seed(state: &Shared, base: DateTime<Utc>) {
    let h = |n: i64| base + Duration::hours(n);
    let mut p = state.lock();
    let s = p.schedules.iter_mut().find(|s| s.id == SCHEDULE).expect("the fake's schedule");
    s.shifts = vec![(COLLEAGUE.into(), h(-24), h(0)), ("U_ME".into(), h(0), h(48)), (COLLEAGUE.into(), h(48), h(96))];
}

/// The colleague covers hours 12 to 24 of my shift.
pub fn cover(base: DateTime<Utc>) -> ScheduleCover {
    ScheduleCover {
        schedule_id: SCHEDULE.into(),
        user_id: COLLEAGUE.into(),
        start: base + Duration::hours(12),
        end: base + Duration::hours(24),
    }
}

/// The whole seeded range, to ask the adapter's `shifts` for.
pub fn range(base: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (base - Duration::hours(24), base + Duration::hours(96))
}

/// Shifts as (person, hours from `base` to start, to end), in start order.
pub fn hours(shifts: &[Shift], base: DateTime<Utc>) -> Vec<(String, i64, i64)> {
    let at = |t: DateTime<Utc>| (t - base).num_minutes() as f64 / 60.0;
    let mut out: Vec<(String, i64, i64)> = shifts
        .iter()
        .filter(|s| s.schedule_id == SCHEDULE)
        .map(|s| (s.person_id.clone(), at(s.start).round() as i64, at(s.end).round() as i64))
        .collect();
    out.sort_by_key(|s| s.1);
    out
}

/// What the schedule shows before any cover.
pub fn before() -> Vec<(String, i64, i64)> {
    vec![(COLLEAGUE.into(), -24, 0), ("U_ME".into(), 0, 48), (COLLEAGUE.into(), 48, 96)]
}

/// What it shows with [`cover`] on: the colleague for hours 12 to 24, me either side.
pub fn covered() -> Vec<(String, i64, i64)> {
    vec![
        (COLLEAGUE.into(), -24, 0),
        ("U_ME".into(), 0, 12),
        (COLLEAGUE.into(), 12, 24),
        ("U_ME".into(), 24, 48),
        (COLLEAGUE.into(), 48, 96),
    ]
}

pub fn me(email: Option<&str>) -> RemoteUser {
    RemoteUser { id: "U_ME".into(), name: "Me Myself".into(), email: email.map(str::to_owned), contact_methods: vec![] }
}

/// How to reach a fake with its token.
pub fn connection(url: String, token: &str) -> Connection {
    Connection { base_url: url, token: Secret::new(token), http: HttpOptions::default() }
}

/// How many overrides the schedule has on the fake.
pub fn overrides(state: &Shared) -> usize {
    state.lock().schedule(SCHEDULE).map_or(0, |s| s.overrides.len())
}

/// Seeds the schedule around a fresh base and checks that the adapter can cover, sees it
/// uncovered, and finds no cover yet; returns the base.
pub async fn seeded_and_uncovered(state: &Shared, adapter: &dyn Provider, me: &RemoteUser) -> DateTime<Utc> {
    let base = base();
    seed(state, base);
    let (since, until) = range(base);
    assert!(adapter.supports_cover().is_ok());
    assert_eq!(hours(&adapter.shifts(since, until).await.expect("shifts"), base), before());
    assert!(!adapter.cover_exists(me, &cover(base)).await.expect("cover_exists"), "no cover before");
    base
}

/// Checks that the adapter's shifts show the cover, that it is found, and that a cover of
/// another range is not.
pub async fn shows_covered(adapter: &dyn Provider, me: &RemoteUser, base: DateTime<Utc>) {
    let (since, until) = range(base);
    assert_eq!(hours(&adapter.shifts(since, until).await.expect("shifts"), base), covered());
    assert!(adapter.cover_exists(me, &cover(base)).await.expect("cover_exists"), "the cover is found");
    let longer = ScheduleCover { end: cover(base).end + Duration::hours(1), ..cover(base) };
    assert!(!adapter.cover_exists(me, &longer).await.expect("cover_exists"), "nor another range");
}

/// Each transient failure of the platform, on the first request of each call, fails it
/// transiently.
pub async fn transient_failures(server: &FakeServer, adapter: &dyn Provider, me: &RemoteUser, base: DateTime<Utc>) {
    for fault in [Fault::Status(503, "busy".into()), Fault::RateLimited { reset_secs: 3 }, Fault::Reset] {
        server.faults().push(fault.clone());
        let e = adapter.create_cover(me, &cover(base)).await.expect_err("create_cover fails");
        assert!(e.is_transient(), "{fault:?}: {e:?}");
        server.faults().push(fault.clone());
        let e = adapter.cover_exists(me, &cover(base)).await.expect_err("cover_exists fails");
        assert!(e.is_transient(), "{fault:?}: {e:?}");
    }
}

/// The colleague covers from five minutes ago for two hours: asserts the adapter shows me on
/// call at level 1 before and the colleague after; returns the cover and who is on call after.
pub async fn covering_now(adapter: &dyn Provider, me: &RemoteUser) -> (ScheduleCover, Vec<OnCallEntry>) {
    let on_level_1 = |entries: &[OnCallEntry]| -> Vec<String> {
        entries.iter().filter(|e| e.level == 1).map(|e| e.person_id.clone()).collect()
    };
    assert_eq!(on_level_1(&adapter.on_call().await.expect("on_call")), ["U_ME"]);
    let now = Utc::now();
    let start = now - Duration::minutes(5);
    let cover =
        ScheduleCover { schedule_id: SCHEDULE.into(), user_id: COLLEAGUE.into(), start, end: now + Duration::hours(2) };
    adapter.create_cover(me, &cover).await.expect("create_cover");
    let after = adapter.on_call().await.expect("on_call");
    assert_eq!(on_level_1(&after), [COLLEAGUE]);
    (cover, after)
}

/// The JSON answer to a request made to a fake by hand.
pub async fn answer(request: reqwest::RequestBuilder) -> serde_json::Value {
    request.send().await.expect("the fake answers").json().await.expect("a JSON answer")
}
