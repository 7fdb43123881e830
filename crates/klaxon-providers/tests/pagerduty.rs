//! The PagerDuty adapter against the stateful PagerDuty fake over real HTTP on loopback: every
//! trait method, pagination, every failure kind, writes applied exactly once, and telling
//! whether an action whose answer was lost took effect.

use chrono::{DateTime, Duration, Utc};
use klaxon_core::{Action, ActionKind, IncidentStatus, LogKind, RemoteUser, Secret, Severity, Target, Urgency};
use klaxon_fakes::pagerduty::PagerDutyFake;
use klaxon_fakes::{FakeStatus, Fault, Recorded};
use klaxon_providers::pagerduty::PagerDuty;
use klaxon_providers::{Connection, HttpOptions, Provider, ProviderError};
use std::time::Duration as StdDuration;

const TOKEN: &str = PagerDutyFake::TOKEN;

async fn fake() -> PagerDutyFake {
    PagerDutyFake::start(Utc::now()).await.expect("the fake starts")
}

fn adapter_with(fake: &PagerDutyFake, http: HttpOptions) -> PagerDuty {
    PagerDuty::new(Connection { base_url: fake.url(), token: Secret::new(TOKEN), http })
        .expect("a loopback URL is valid")
}

fn adapter(fake: &PagerDutyFake) -> PagerDuty {
    adapter_with(fake, HttpOptions::default())
}

fn me() -> RemoteUser {
    RemoteUser {
        id: "U_ME".into(),
        name: "Me Myself".into(),
        email: Some("me@example.com".into()),
        contact_methods: vec![],
    }
}

fn long_ago() -> DateTime<Utc> {
    Utc::now() - Duration::days(1)
}

/// The decoded query pairs of a recorded request.
fn query(r: &Recorded) -> Vec<(String, String)> {
    let raw = r.query.clone().unwrap_or_default();
    raw.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let dec = |s: &str| s.replace("%5B", "[").replace("%5D", "]").replace("%3A", ":").replace("%2B", "+");
            (dec(k), dec(v))
        })
        .collect()
}

fn count(fake: &PagerDutyFake, incident: &str, action: &str) -> usize {
    fake.state.writes().iter().filter(|w| w.incident == incident && w.action == action).count()
}

fn assert_no_token(e: &ProviderError) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");
}

#[tokio::test]
async fn current_user_reads_me_and_my_contact_methods() {
    let fake = fake().await;
    let user = adapter(&fake).current_user().await.unwrap();
    assert_eq!((user.id.as_str(), user.name.as_str()), ("U_ME", "Me Myself"));
    assert_eq!(user.email.as_deref(), Some("me@example.com"));
    let kinds: Vec<(&str, &str)> = user.contact_methods.iter().map(|c| (c.kind.as_str(), c.address.as_str())).collect();
    assert_eq!(kinds, [("email", "me@example.com"), ("phone", "+15550100"), ("sms", "+15550100")]);
    assert_eq!(user.contact_methods[1].label.as_deref(), Some("Mobile"));
    let paths: Vec<String> = fake.server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/users/me", "/users/U_ME/contact_methods"]);
}

#[tokio::test]
async fn requests_carry_the_token_version_and_from_headers() {
    let fake = fake().await;
    let pd = adapter(&fake);
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    pd.current_user().await.unwrap();
    pd.my_incidents(&me(), Some(long_ago())).await.unwrap();
    pd.perform(&me(), &id, &Action::Acknowledge).await.unwrap();
    pd.perform(&me(), &id, &Action::Note { text: "on it".into() }).await.unwrap();
    let requests = fake.server.requests();
    assert!(requests.len() >= 5);
    for r in &requests {
        assert_eq!(r.header("authorization"), Some(format!("Token token={TOKEN}").as_str()), "{} {}", r.method, r.path);
        assert_eq!(r.header("accept"), Some("application/vnd.pagerduty+json;version=2"));
        assert_eq!(r.header("content-type"), Some("application/json"));
        if r.method != "GET" {
            assert_eq!(r.header("from"), Some("me@example.com"), "{} {}", r.method, r.path);
        }
    }
    let put = requests.iter().find(|r| r.method == "PUT").unwrap();
    assert_eq!(put.path, format!("/incidents/{id}"));
    assert_eq!(put.json(), serde_json::json!({"incident": {"type": "incident_reference", "status": "acknowledged"}}));
    let note = requests.iter().find(|r| r.method == "POST").unwrap();
    assert_eq!(note.json(), serde_json::json!({"note": {"content": "on it"}}));
}

#[tokio::test]
async fn my_incidents_maps_open_and_recently_resolved_ones() {
    let fake = fake().await;
    let now = Utc::now();
    let mine = fake.state.trigger("Disk full", &["U_ME"], now - Duration::minutes(5));
    let acked = fake.state.trigger("CPU hot", &["U_ME"], now - Duration::minutes(4));
    let low = fake.state.trigger("Slow page", &["U_ME"], now - Duration::minutes(3));
    let theirs = fake.state.trigger("Not mine", &["U_OTHER"], now - Duration::minutes(2));
    let done = fake.state.trigger("Was mine", &["U_ME"], now - Duration::minutes(1));
    fake.state.update(&acked, |i| {
        i.status = FakeStatus::Acknowledged;
        i.acknowledged_at = Some(now - Duration::minutes(1));
    });
    fake.state.update(&low, |i| i.high_urgency = false);
    fake.state.update(&done, |i| {
        i.status = FakeStatus::Resolved;
        i.resolved_at = Some(now);
    });

    let got = adapter(&fake).my_incidents(&me(), Some(now - Duration::hours(1))).await.unwrap();
    let by_ref = |r: &str| got.iter().find(|i| i.provider_ref == r).unwrap_or_else(|| panic!("{r} missing: {got:?}"));
    assert_eq!(got.len(), 4, "{got:?}");
    assert!(got.iter().all(|i| i.provider_ref != theirs), "someone else's open incident is not mine");

    let i = by_ref(&mine);
    assert_eq!(
        (i.title.as_str(), i.status, i.service.as_deref()),
        ("Disk full", IncidentStatus::Triggered, Some("checkout"))
    );
    assert_eq!((i.severity, i.urgency), (Severity::Sev2, Urgency::High));
    assert_eq!((i.assignees.clone(), i.escalation_level), (vec!["U_ME".to_owned()], 1));
    assert_eq!(i.escalation_policy.as_deref(), Some("EP1"));
    assert_eq!(i.web_url.as_deref(), Some(format!("{}/incidents/{mine}", klaxon_fakes::pagerduty::WEB).as_str()));
    assert_eq!(i.details.labels.get("incident_number").map(String::as_str), Some("1"));

    let i = by_ref(&acked);
    assert_eq!(i.status, IncidentStatus::Acknowledged);
    assert!(i.acknowledged_at.is_some());
    assert_eq!((by_ref(&low).severity, by_ref(&low).urgency), (Severity::Sev3, Urgency::Low));
    let i = by_ref(&done);
    assert_eq!((i.status, i.assignees.len()), (IncidentStatus::Resolved, 0));
    assert!(i.resolved_at.is_some());

    let lists: Vec<Vec<(String, String)>> =
        fake.server.requests().iter().filter(|r| r.path == "/incidents").map(query).collect();
    let has = |q: &[(String, String)], k: &str, v: &str| q.iter().any(|(a, b)| a == k && b == v);
    assert_eq!(lists.len(), 2);
    for (k, v) in [
        ("user_ids[]", "U_ME"),
        ("statuses[]", "triggered"),
        ("statuses[]", "acknowledged"),
        ("date_range", "all"),
        ("limit", "100"),
    ] {
        assert!(has(&lists[0], k, v), "open query lacks {k}={v}: {:?}", lists[0]);
    }
    assert!(has(&lists[1], "statuses[]", "resolved") && lists[1].iter().any(|(k, _)| k == "since"));
    assert!(lists[1].iter().any(|(k, _)| k == "until") && !lists[1].iter().any(|(k, _)| k == "user_ids[]"));
}

#[tokio::test]
async fn resolved_before_the_horizon_is_left_out() {
    let fake = fake().await;
    let now = Utc::now();
    let old = fake.state.trigger("Old", &["U_ME"], now - Duration::hours(3));
    fake.state.update(&old, |i| {
        i.status = FakeStatus::Resolved;
        i.resolved_at = Some(now - Duration::hours(2));
    });
    let got = adapter(&fake).my_incidents(&me(), Some(now - Duration::hours(1))).await.unwrap();
    assert!(got.is_empty(), "{got:?}");
}

#[tokio::test]
async fn pagination_follows_every_page() {
    let fake = fake().await;
    let ids = fake.state.trigger_many(260, Utc::now());
    let got = adapter(&fake).my_incidents(&me(), Some(long_ago())).await.unwrap();
    assert_eq!(got.len(), 260);
    let mut refs: Vec<&str> = got.iter().map(|i| i.provider_ref.as_str()).collect();
    refs.sort_unstable();
    assert_eq!(refs, ids.iter().map(String::as_str).collect::<Vec<_>>());
    let requests = fake.server.requests();
    let offsets: Vec<String> = requests
        .iter()
        .filter(|r| r.path == "/incidents" && query(r).iter().any(|(k, v)| k == "user_ids[]" && v == "U_ME"))
        .map(|r| query(r).into_iter().find(|(k, _)| k == "offset").map(|(_, v)| v).unwrap_or_default())
        .collect();
    assert_eq!(offsets, ["0", "100", "200"], "three pages of open incidents");
    // 3 open pages + 1 resolved page + 1 on-call lookup for the escalation levels.
    assert_eq!(requests.len(), 5, "{:?}", requests.iter().map(|r| &r.path).collect::<Vec<_>>());
}

#[tokio::test]
async fn escalation_levels_are_worked_out_from_who_is_on_call() {
    let fake = fake().await;
    let pd = adapter(&fake);
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    pd.perform(&me(), &id, &Action::Escalate { to_level: 2 }).await.unwrap();
    // Level 2 is U_OTHER: the incident is theirs now, so look at it as them.
    let i = fake.state.incident(&id).unwrap();
    assert_eq!((i.level, i.assignees.clone()), (2, vec!["U_OTHER".to_owned()]));
    let other = RemoteUser { id: "U_OTHER".into(), ..me() };
    let got = pd.my_incidents(&other, Some(long_ago())).await.unwrap();
    assert_eq!(got.iter().find(|x| x.provider_ref == id).map(|x| x.escalation_level), Some(2));
}

#[tokio::test]
async fn log_entries_come_oldest_first_with_their_kinds() {
    let fake = fake().await;
    let pd = adapter(&fake);
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now() - Duration::seconds(10));
    pd.perform(&me(), &id, &Action::Acknowledge).await.unwrap();
    pd.perform(&me(), &id, &Action::Note { text: "looking".into() }).await.unwrap();
    pd.perform(&me(), &id, &Action::Escalate { to_level: 2 }).await.unwrap();
    pd.perform(&me(), &id, &Action::Resolve).await.unwrap();
    let log = pd.log_entries(&id).await.unwrap();
    let kinds: Vec<LogKind> = log.iter().map(|e| e.kind).collect();
    assert_eq!(kinds.first(), Some(&LogKind::Triggered), "{log:?}");
    for k in [LogKind::Acknowledged, LogKind::Note, LogKind::Escalated, LogKind::Resolved] {
        assert!(kinds.contains(&k), "{k:?} missing from {kinds:?}");
    }
    assert!(log.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
    let note = log.iter().find(|e| e.kind == LogKind::Note).unwrap();
    assert_eq!((note.message.as_str(), note.actor.as_deref()), ("looking", Some("Me Myself")));
    let fresh = fake.state.trigger("New", &["U_ME"], Utc::now());
    let kinds: Vec<LogKind> = pd.log_entries(&fresh).await.unwrap().iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [LogKind::Triggered, LogKind::Notified]);
}

#[tokio::test]
async fn each_write_changes_the_platform_once() {
    let fake = fake().await;
    let pd = adapter(&fake);
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());

    pd.perform(&me(), &id, &Action::Acknowledge).await.unwrap();
    assert_eq!(fake.state.incident(&id).unwrap().status, FakeStatus::Acknowledged);
    pd.perform(&me(), &id, &Action::Acknowledge).await.unwrap(); // PagerDuty: a no-op, not an error
    assert_eq!(count(&fake, &id, "acknowledge"), 1);

    pd.perform(&me(), &id, &Action::Snooze { minutes: 30 }).await.unwrap();
    let snoozed = fake.state.incident(&id).unwrap().snoozed_until.unwrap();
    assert!((snoozed - Utc::now() - Duration::minutes(30)).num_seconds().abs() < 5);
    assert_eq!(fake.server.requests().last().unwrap().json(), serde_json::json!({"duration": 1800}));

    pd.perform(&me(), &id, &Action::Note { text: "looking".into() }).await.unwrap();
    assert_eq!(fake.state.incident(&id).unwrap().notes.iter().map(|n| n.1.as_str()).collect::<Vec<_>>(), ["looking"]);

    pd.perform(&me(), &id, &Action::Reassign { to: klaxon_core::ReassignTo::Users(vec!["U_OTHER".into()]) })
        .await
        .unwrap();
    let i = fake.state.incident(&id).unwrap();
    assert_eq!((i.status, i.assignees.clone()), (FakeStatus::Triggered, vec!["U_OTHER".to_owned()]));
    assert_eq!(
        fake.server.requests().last().unwrap().json(),
        serde_json::json!({"incident": {"type": "incident_reference", "assignments": [{"assignee": {"id": "U_OTHER", "type": "user_reference"}}]}})
    );

    pd.perform(&me(), &id, &Action::Escalate { to_level: 2 }).await.unwrap();
    assert_eq!(fake.state.incident(&id).unwrap().level, 2);
    assert_eq!(fake.server.requests().last().unwrap().json()["incident"]["escalation_level"], 2);

    pd.perform(&me(), &id, &Action::Resolve).await.unwrap();
    assert_eq!(fake.state.incident(&id).unwrap().status, FakeStatus::Resolved);

    for action in ["acknowledge", "snooze", "note", "reassign", "escalate", "resolve"] {
        assert_eq!(count(&fake, &id, action), 1, "{action}");
    }
    assert!(fake.state.writes().iter().all(|w| w.by == "U_ME"));
}

#[tokio::test]
async fn invalid_transitions_are_terminal_refusals() {
    let fake = fake().await;
    let pd = adapter(&fake);
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    pd.perform(&me(), &id, &Action::Resolve).await.unwrap();
    // (Resolving it again is no refusal: tests/goal_reached.rs.)
    for action in [Action::Acknowledge, Action::Escalate { to_level: 2 }] {
        let e = pd.perform(&me(), &id, &action).await.unwrap_err();
        assert!(matches!(&e, ProviderError::InvalidState(m) if m.contains("Incident Already Resolved")), "{e:?}");
        assert!(!e.is_transient());
    }
    assert_eq!(fake.state.writes().len(), 1);
    let e = pd.perform(&me(), "NOPE", &Action::Acknowledge).await.unwrap_err();
    assert!(matches!(e, ProviderError::NotFound(_)), "{e:?}");
}

#[tokio::test]
async fn writes_without_my_email_fail_before_any_request() {
    let fake = fake().await;
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    let nobody = RemoteUser { email: None, ..me() };
    let e = adapter(&fake).perform(&nobody, &id, &Action::Acknowledge).await.unwrap_err();
    assert!(matches!(&e, ProviderError::Config(m) if m.contains("From")), "{e:?}");
    assert_eq!(fake.server.request_count(), 0);
}

#[tokio::test]
async fn pagerduty_supports_every_action() {
    let fake = fake().await;
    let pd = adapter(&fake);
    for kind in [
        ActionKind::Acknowledge,
        ActionKind::Resolve,
        ActionKind::Escalate,
        ActionKind::Reassign,
        ActionKind::Snooze,
        ActionKind::Note,
    ] {
        assert_eq!(pd.supports(kind), Ok(()), "{kind}");
    }
}

#[tokio::test]
async fn already_applied_reads_the_current_state() {
    let fake = fake().await;
    let pd = adapter(&fake);
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    let taken = Utc::now();
    let applied = |a: Action| {
        let (pd, id) = (&pd, id.clone());
        async move { pd.already_applied(&me(), &id, &a, taken).await.unwrap() }
    };
    let note = Action::Note { text: "looking".into() };
    for a in [
        Action::Acknowledge,
        Action::Resolve,
        Action::Escalate { to_level: 2 },
        Action::Snooze { minutes: 10 },
        note.clone(),
    ] {
        assert!(!applied(a.clone()).await, "{a:?} not yet");
    }
    assert!(
        applied(Action::Reassign { to: klaxon_core::ReassignTo::Users(vec!["U_ME".into()]) }).await,
        "already assigned to me"
    );
    assert!(!applied(Action::Reassign { to: klaxon_core::ReassignTo::Users(vec!["U_OTHER".into()]) }).await);

    pd.perform(&me(), &id, &Action::Acknowledge).await.unwrap();
    assert!(applied(Action::Acknowledge).await);
    assert!(!applied(Action::Resolve).await);
    assert!(applied(Action::Escalate { to_level: 2 }).await, "no longer triggered");

    pd.perform(&me(), &id, &Action::Snooze { minutes: 10 }).await.unwrap();
    assert!(applied(Action::Snooze { minutes: 10 }).await);
    assert!(!applied(Action::Snooze { minutes: 60 }).await, "a shorter snooze is not this one");

    pd.perform(&me(), &id, &note).await.unwrap();
    assert!(applied(note.clone()).await);
    assert!(!applied(Action::Note { text: "other text".into() }).await);
    let later = Utc::now() + Duration::minutes(5);
    assert!(!pd.already_applied(&me(), &id, &note, later).await.unwrap(), "a note from before the action is not it");
    let skewed = Utc::now() + Duration::seconds(10);
    assert!(pd.already_applied(&me(), &id, &note, skewed).await.unwrap(), "a few seconds of clock skew are allowed");
    let other = RemoteUser { id: "U_OTHER".into(), email: Some("other@example.com".into()), ..me() };
    assert!(!pd.already_applied(&other, &id, &note, taken).await.unwrap(), "my note is not theirs");

    pd.perform(&me(), &id, &Action::Escalate { to_level: 2 }).await.unwrap();
    assert!(applied(Action::Escalate { to_level: 2 }).await, "level 2's on-call person has it");
    assert!(!applied(Action::Escalate { to_level: 3 }).await);
    assert!(applied(Action::Reassign { to: klaxon_core::ReassignTo::Users(vec!["U_OTHER".into()]) }).await);

    pd.perform(&me(), &id, &Action::Resolve).await.unwrap();
    assert!(applied(Action::Resolve).await && applied(Action::Acknowledge).await);
    let e = pd.already_applied(&me(), "NOPE", &Action::Resolve, taken).await.unwrap_err();
    assert!(matches!(e, ProviderError::NotFound(_)));
}

#[tokio::test]
async fn a_write_whose_answer_was_lost_is_known_to_have_applied() {
    let fake = fake().await;
    let pd = adapter(&fake);
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    for action in [Action::Acknowledge, Action::Note { text: "seen".into() }, Action::Resolve] {
        let taken = Utc::now();
        assert!(!pd.already_applied(&me(), &id, &action, taken).await.unwrap());
        fake.server.faults().push(Fault::ResetAfterHandling);
        let e = pd.perform(&me(), &id, &action).await.unwrap_err();
        assert!(matches!(e, ProviderError::Network(_)) && e.is_transient(), "{e:?}");
        assert!(pd.already_applied(&me(), &id, &action, taken).await.unwrap(), "{action:?} took effect");
    }
    for action in ["acknowledge", "note", "resolve"] {
        assert_eq!(count(&fake, &id, action), 1, "{action} applied exactly once");
    }
}

#[tokio::test]
async fn rate_limits_say_when_to_come_back() {
    let fake = fake().await;
    fake.server.faults().push(Fault::RateLimited { reset_secs: 7 });
    let e = adapter(&fake).current_user().await.unwrap_err();
    assert!(
        matches!(e, ProviderError::RateLimited { retry_after: Some(d) } if d == StdDuration::from_secs(7)),
        "{e:?}"
    );
    assert!(e.is_transient());
    assert_eq!(fake.server.request_count(), 1, "the adapter does not retry by itself");
}

#[tokio::test]
async fn server_errors_are_transient() {
    let fake = fake().await;
    let pd = adapter(&fake);
    for status in [500, 502, 503] {
        fake.server.faults().push(Fault::Status(status, "<html>oops</html>".into()));
        let e = pd.on_call().await.unwrap_err();
        assert!(matches!(e, ProviderError::Server { status: s, .. } if s == status), "{e:?}");
        assert!(e.is_transient());
    }
}

#[tokio::test]
async fn a_slow_platform_times_out() {
    let fake = fake().await;
    let http = HttpOptions { connect_timeout: StdDuration::from_secs(2), timeout: StdDuration::from_millis(300) };
    let pd = adapter_with(&fake, http);
    fake.server.faults().push(Fault::Delay(StdDuration::from_secs(2)));
    let started = std::time::Instant::now();
    let e = pd.escalation_policies().await.unwrap_err();
    assert!(matches!(e, ProviderError::Timeout), "{e:?}");
    assert!(started.elapsed() < StdDuration::from_millis(1500));
}

#[tokio::test]
async fn a_reset_connection_is_a_network_error() {
    let fake = fake().await;
    fake.server.faults().push(Fault::Reset);
    let e = adapter(&fake).current_user().await.unwrap_err();
    assert!(matches!(e, ProviderError::Network(_)) && e.is_transient(), "{e:?}");
}

#[tokio::test]
async fn malformed_and_truncated_answers_are_malformed() {
    let fake = fake().await;
    let pd = adapter(&fake);
    fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    fake.server.faults().push(Fault::Malformed);
    let e = pd.my_incidents(&me(), Some(long_ago())).await.unwrap_err();
    assert!(matches!(&e, ProviderError::Malformed(m) if m.starts_with("at incidents")), "names the path: {e:?}");
    fake.server.faults().push(Fault::Truncated);
    let e = pd.my_incidents(&me(), Some(long_ago())).await.unwrap_err();
    assert!(matches!(e, ProviderError::Malformed(_)), "{e:?}");
}

#[tokio::test]
async fn a_revoked_token_is_unauthorized_and_never_shown() {
    let fake = fake().await;
    let pd = adapter(&fake);
    assert!(!format!("{pd:?}").contains(TOKEN));
    let mut errors = Vec::new();
    fake.server.faults().push(Fault::Unauthorized);
    errors.push(pd.current_user().await.unwrap_err());
    fake.state.lock().token = "rotated".into();
    errors.push(pd.my_incidents(&me(), Some(long_ago())).await.unwrap_err());
    errors.push(pd.perform(&me(), "Q00000001", &Action::Acknowledge).await.unwrap_err());
    for e in &errors {
        assert!(matches!(e, ProviderError::Unauthorized(_)) && !e.is_transient(), "{e:?}");
        assert_no_token(e);
    }
    // Other failures do not show it either.
    fake.server.faults().push(Fault::Reset);
    assert_no_token(&pd.on_call().await.unwrap_err());
    fake.server.faults().push(Fault::Malformed);
    assert_no_token(&pd.on_call().await.unwrap_err());
}

#[tokio::test]
async fn on_call_shifts_and_policies_come_from_the_directory() {
    let fake = fake().await;
    let pd = adapter(&fake);
    let now = Utc::now();

    let on_call = pd.on_call().await.unwrap();
    let entries: Vec<(u32, &str, Option<&str>)> =
        on_call.iter().map(|e| (e.level, e.person_id.as_str(), e.rotation.as_deref())).collect();
    assert_eq!(entries, [(1, "U_ME", Some("S_PRIMARY")), (2, "U_OTHER", None)]);
    assert_eq!((on_call[0].policy.as_str(), on_call[0].person_name.as_str()), ("Default", "Me Myself"));
    assert!(on_call[0].until.is_some_and(|t| t > now));

    // Weekly shifts alternate, one starting when the fake started: two overlap these 6 days,
    // clipped to the range as PagerDuty renders them.
    let (since, until) = (now - Duration::days(3), now + Duration::days(3));
    let shifts = pd.shifts(since, until).await.unwrap();
    assert!(shifts.iter().all(|s| s.schedule_id == "S_PRIMARY" && s.schedule_name == "Primary"));
    assert_eq!(shifts.iter().map(|s| s.person_id.as_str()).collect::<Vec<_>>(), ["U_OTHER", "U_ME"], "{shifts:?}");
    assert!((shifts[0].start - since).num_seconds().abs() <= 1 && (shifts[1].end - until).num_seconds().abs() <= 1);
    assert_eq!(shifts[1].person_name, "Me Myself");
    let schedule_get = fake.server.requests().into_iter().find(|r| r.path == "/schedules/S_PRIMARY").unwrap();
    assert!(query(&schedule_get).iter().any(|(k, _)| k == "since"));

    let policies = pd.escalation_policies().await.unwrap();
    assert_eq!(policies.len(), 1);
    let p = &policies[0];
    assert_eq!((p.id.as_str(), p.name.as_str(), p.repeat), ("EP1", "Default", 1));
    assert_eq!(p.levels[0].targets, vec![Target::schedule("S_PRIMARY")]);
    assert_eq!(p.levels[1].targets, vec![Target::Person("U_OTHER".into())]);
    assert_eq!(p.levels[1].delay, StdDuration::from_secs(600));
}

#[tokio::test]
async fn a_platform_that_comes_back_on_the_same_port_keeps_its_state() {
    let fake = fake().await;
    let pd = adapter(&fake);
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    let (addr, state) = (fake.server.addr(), fake.state.clone());
    drop(fake);
    let e = pd.perform(&me(), &id, &Action::Acknowledge).await.unwrap_err();
    assert!(matches!(e, ProviderError::Unreachable(_)) && e.is_transient() && !e.uncertain(), "offline: {e:?}");
    let back = PagerDutyFake::start_on(addr, state).await.unwrap();
    pd.perform(&me(), &id, &Action::Acknowledge).await.unwrap();
    assert_eq!(back.state.incident(&id).unwrap().status, FakeStatus::Acknowledged);
}
