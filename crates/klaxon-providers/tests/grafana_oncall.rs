//! The Grafana OnCall adapter against the stateful fake on loopback: every trait method, the
//! platform's refusals, and every way the network or the platform can fail.

use chrono::{DateTime, Duration as Span, Utc};
use klaxon_core::Secret;
use klaxon_core::{Action, IncidentStatus, LogKind, RemoteUser, Severity, Target, Urgency};
use klaxon_fakes::grafana_oncall::GrafanaOncallFake;
use klaxon_fakes::{FakePolicy, FakeStatus, Fault};
use klaxon_providers::grafana_oncall::GrafanaOncall;
use klaxon_providers::{Connection, HttpOptions, Provider, ProviderError};
use std::time::Duration;

const TOKEN: &str = GrafanaOncallFake::TOKEN;

async fn fake() -> GrafanaOncallFake {
    GrafanaOncallFake::start(Utc::now()).await.expect("the fake starts on loopback")
}

fn adapter_with(url: &str, token: &str, timeout: Duration) -> GrafanaOncall {
    let http = HttpOptions { connect_timeout: Duration::from_secs(2), timeout };
    GrafanaOncall::new(Connection { base_url: url.into(), token: Secret::new(token), http }).expect("a valid base URL")
}

fn adapter(fake: &GrafanaOncallFake) -> GrafanaOncall {
    adapter_with(&fake.url(), TOKEN, Duration::from_secs(5))
}

fn me() -> RemoteUser {
    RemoteUser { id: "U_ME".into(), name: "Me Myself".into(), email: None, contact_methods: vec![] }
}

/// The error, after checking it does not carry the token anywhere.
fn secret_free(e: ProviderError, token: &str) -> ProviderError {
    assert!(!e.to_string().contains(token), "token in Display: {e}");
    assert!(!format!("{e:?}").contains(token), "token in Debug: {e:?}");
    e
}

fn writes(fake: &GrafanaOncallFake, incident: &str) -> Vec<(String, String)> {
    fake.state.writes().into_iter().filter(|w| w.incident == incident).map(|w| (w.action, w.detail)).collect()
}

fn queries(fake: &GrafanaOncallFake, path: &str) -> Vec<String> {
    fake.server.requests().into_iter().filter(|r| r.path == path).map(|r| r.query.unwrap_or_default()).collect()
}

/// A second policy whose first level is `U_OTHER` alone.
fn add_other_policy(fake: &GrafanaOncallFake) {
    fake.state.lock().policies.push(FakePolicy {
        id: "EP2".into(),
        name: "Others".into(),
        levels: vec![(5, vec!["user:U_OTHER".into()])],
        repeat: 0,
    });
}

#[tokio::test]
async fn current_user_sends_the_bare_token_and_maps_the_user() {
    let fake = fake().await;
    let user = adapter(&fake).current_user().await.unwrap();
    assert_eq!((user.id.as_str(), user.name.as_str()), ("U_ME", "Me Myself"));
    assert_eq!(user.email.as_deref(), Some("me@example.com"));
    assert_eq!(user.contact_methods.len(), 1);
    assert_eq!(
        (user.contact_methods[0].kind.as_str(), user.contact_methods[0].address.as_str()),
        ("email", "me@example.com")
    );
    let r = &fake.server.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/oncall/api/v1/users/current/"));
    assert_eq!(r.header("authorization"), Some(TOKEN), "no scheme before the token");
}

#[tokio::test]
async fn my_incidents_keeps_what_my_chain_or_i_touched_and_maps_it() {
    let fake = fake().await;
    add_other_policy(&fake);
    let now = Utc::now();
    let s = &fake.state;
    let mine = s.trigger("Disk full", &["U_ME"], now - Span::minutes(3));
    let low = s.trigger("Queue slow", &["U_ME"], now - Span::minutes(2));
    s.update(&low, |i| i.high_urgency = false);
    let others = s.trigger("Other team", &["U_OTHER"], now - Span::minutes(2));
    s.update(&others, |i| i.policy = "EP2".into());
    let acked_by_me = s.trigger("Other team, acked by me", &["U_OTHER"], now - Span::minutes(2));
    s.update(&acked_by_me, |i| i.policy = "EP2".into());
    let silenced = s.trigger("Flapping", &["U_ME"], now - Span::minutes(1));
    let fixed = s.trigger("Fixed", &["U_ME"], now - Span::minutes(10));
    let old = s.trigger("Fixed long ago", &["U_ME"], now - Span::hours(30));
    s.update(&old, |i| {
        i.status = FakeStatus::Resolved;
        i.resolved_at = Some(now - Span::hours(26));
    });
    let go = adapter(&fake);
    go.perform(&me(), &acked_by_me, &Action::Acknowledge).await.unwrap();
    go.perform(&me(), &silenced, &Action::Snooze { minutes: 30 }).await.unwrap();
    go.perform(&me(), &fixed, &Action::Resolve).await.unwrap();

    let got = go.my_incidents(&me(), Some(now - Span::hours(24))).await.unwrap();
    let mut refs: Vec<&str> = got.iter().map(|i| i.provider_ref.as_str()).collect();
    refs.sort_unstable();
    let mut want = vec![mine.as_str(), low.as_str(), acked_by_me.as_str(), silenced.as_str(), fixed.as_str()];
    want.sort_unstable();
    assert_eq!(refs, want, "not {others} (other chain) nor {old} (resolved before the window)");

    let find = |id: &str| got.iter().find(|i| i.provider_ref == id).unwrap();
    let i = find(&mine);
    assert_eq!(
        (i.status, i.severity, i.urgency, i.escalation_level),
        (IncidentStatus::Triggered, Severity::Sev2, Urgency::High, 1)
    );
    assert_eq!(i.title, "Disk full");
    assert_eq!(i.service.as_deref(), Some("checkout"));
    assert_eq!(i.escalation_policy.as_deref(), Some("EP1"));
    assert_eq!(i.assignees, vec!["U_ME".to_owned()], "S_PRIMARY has me on call now");
    assert_eq!(
        i.web_url.as_deref(),
        Some(format!("https://grafana.invalid/a/grafana-oncall-app/alert-groups/{mine}").as_str())
    );
    assert_eq!(i.details.text.as_deref(), Some("Disk full on checkout"));
    assert_eq!((find(&low).severity, find(&low).urgency), (Severity::Sev3, Urgency::Low));
    assert_eq!(find(&low).details.labels.get("severity").map(String::as_str), Some("warning"));
    let acked = find(&acked_by_me);
    assert_eq!(
        (acked.status, acked.assignees.clone()),
        (IncidentStatus::Acknowledged, vec!["U_OTHER".to_owned(), "U_ME".to_owned()])
    );
    assert!(acked.acknowledged_at.is_some());
    let quiet = find(&silenced);
    assert_eq!(quiet.status, IncidentStatus::Acknowledged, "silenced counts as acknowledged");
    assert!(quiet.acknowledged_at.is_some(), "the silence time stands in for the acknowledgement");
    assert_eq!((find(&fixed).status, find(&fixed).resolved_at.is_some()), (IncidentStatus::Resolved, true));

    let q = queries(&fake, "/oncall/api/v1/alert_groups/");
    for state in ["state=new", "state=acknowledged", "state=silenced", "state=resolved"] {
        assert!(q.iter().any(|q| q.contains(state)), "{state} in {q:?}");
    }
    assert!(q.iter().any(|q| q.contains("state=resolved") && q.contains("started_at=")), "{q:?}");
}

#[tokio::test]
async fn my_incidents_follows_every_page_past_250_groups() {
    let fake = fake().await;
    let ids = fake.state.trigger_many(260, Utc::now());
    let got = adapter(&fake).my_incidents(&me(), Some(Utc::now() - Span::days(7))).await.unwrap();
    assert_eq!(got.len(), 260);
    let mut refs: Vec<String> = got.into_iter().map(|i| i.provider_ref).collect();
    refs.sort();
    assert_eq!(refs, ids);
    let firing: Vec<String> =
        queries(&fake, "/oncall/api/v1/alert_groups/").into_iter().filter(|q| q.contains("state=new")).collect();
    assert_eq!(firing.len(), 3, "100 a page: {firing:?}");
    assert!(firing.iter().all(|q| q.contains("perpage=100")), "{firing:?}");
    assert!(firing[1].contains("page=2") && firing[2].contains("page=3"), "{firing:?}");
}

#[tokio::test]
async fn routing_is_read_once_a_minute_not_on_every_sync() {
    let fake = fake().await;
    fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    let go = adapter(&fake);
    go.my_incidents(&me(), Some(Utc::now() - Span::days(1))).await.unwrap();
    go.my_incidents(&me(), Some(Utc::now() - Span::days(1))).await.unwrap();
    assert_eq!(queries(&fake, "/oncall/api/v1/routes/").len(), 1);
    assert_eq!(queries(&fake, "/oncall/api/v1/alert_groups/").len(), 8);
}

#[tokio::test]
async fn a_group_on_a_route_not_yet_seen_reads_the_routing_again() {
    let fake = fake().await;
    fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    let go = adapter(&fake);
    assert_eq!(go.my_incidents(&me(), Some(Utc::now() - Span::days(1))).await.unwrap().len(), 1);
    let id = fake.state.trigger("Payments down", &["U_ME"], Utc::now());
    fake.state.update(&id, |i| i.service = "payments".into());
    let got = go.my_incidents(&me(), Some(Utc::now() - Span::days(1))).await.unwrap();
    let new = got.iter().find(|i| i.provider_ref == id).expect("the group on the new route is mine");
    assert_eq!(new.service.as_deref(), Some("payments"));
    assert_eq!(queries(&fake, "/oncall/api/v1/routes/").len(), 2);
}

#[tokio::test]
async fn log_entries_tell_the_story_oldest_first() {
    let fake = fake().await;
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now() - Span::minutes(5));
    let go = adapter(&fake);
    go.perform(&me(), &id, &Action::Acknowledge).await.unwrap();
    go.perform(&me(), &id, &Action::Note { text: "rotating logs".into() }).await.unwrap();
    go.perform(&me(), &id, &Action::Resolve).await.unwrap();
    let log = go.log_entries(&id).await.unwrap();
    let kinds: Vec<LogKind> = log.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [LogKind::Triggered, LogKind::Acknowledged, LogKind::Note, LogKind::Resolved]);
    assert_eq!(log[0].message, "Triggered: Disk full");
    assert_eq!((log[2].message.as_str(), log[2].actor.as_deref()), ("rotating logs", Some("U_ME")));
    assert_eq!(log[3].actor.as_deref(), Some("U_ME"));
    assert!(log.windows(2).all(|w| w[0].at <= w[1].at));
    let e = go.log_entries("Q99999999").await.unwrap_err();
    assert!(matches!(e, ProviderError::NotFound(_)), "{e:?}");
}

#[tokio::test]
async fn every_write_is_applied_exactly_once_with_oncalls_requests() {
    let fake = fake().await;
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    let go = adapter(&fake);
    go.perform(&me(), &id, &Action::Acknowledge).await.unwrap();
    go.perform(&me(), &id, &Action::Note { text: "looking".into() }).await.unwrap();
    go.perform(&me(), &id, &Action::Snooze { minutes: 30 }).await.unwrap();
    go.perform(&me(), &id, &Action::Escalate { to_level: 2 }).await.unwrap();
    go.perform(&me(), &id, &Action::Resolve).await.unwrap();
    let s = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    assert_eq!(
        writes(&fake, &id),
        vec![
            s("acknowledge", ""),
            s("note", "looking"),
            s("unacknowledge", ""),
            s("snooze", "1800s"),
            s("escalate", "paged U_OTHER"),
            s("resolve", ""),
        ]
    );
    let posts: Vec<_> = fake.server.requests().into_iter().filter(|r| r.method == "POST").collect();
    let paths: Vec<&str> = posts.iter().map(|r| r.path.as_str()).collect();
    let group = format!("/oncall/api/v1/alert_groups/{id}");
    assert_eq!(
        paths,
        [
            format!("{group}/acknowledge/"),
            "/oncall/api/v1/resolution_notes/".into(),
            format!("{group}/unacknowledge/"),
            format!("{group}/silence/"),
            "/oncall/api/v1/escalation/".into(),
            format!("{group}/resolve/"),
        ]
    );
    assert_eq!(posts[1].json(), serde_json::json!({"alert_group_id": id, "text": "looking"}));
    assert_eq!(posts[3].json(), serde_json::json!({"delay": 1800}));
    assert_eq!(
        posts[4].json(),
        serde_json::json!({"alert_group_id": id, "users": [{"id": "U_OTHER", "important": false}]})
    );
}

#[tokio::test]
async fn escalating_past_the_last_level_of_a_repeating_chain_starts_over() {
    let fake = fake().await;
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    adapter(&fake).perform(&me(), &id, &Action::Escalate { to_level: 3 }).await.unwrap();
    assert_eq!(writes(&fake, &id), vec![("escalate".to_owned(), "paged U_ME".to_owned())], "level 3 of 2 is level 1");
}

#[tokio::test]
async fn refusals_are_invalid_state_or_not_found_and_change_nothing() {
    let fake = fake().await;
    add_other_policy(&fake);
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    let go = adapter(&fake);
    go.perform(&me(), &id, &Action::Resolve).await.unwrap();
    let before = fake.state.writes().len();
    let e = secret_free(go.perform(&me(), &id, &Action::Acknowledge).await.unwrap_err(), TOKEN);
    assert!(matches!(&e, ProviderError::InvalidState(m) if m == "Can't acknowledge a resolved alert group"), "{e:?}");
    assert!(!e.is_transient());
    let e = go.perform(&me(), &id, &Action::Snooze { minutes: 5 }).await.unwrap_err();
    assert!(matches!(&e, ProviderError::InvalidState(m) if m.contains("resolved")), "{e:?}");
    let e = go.perform(&me(), &id, &Action::Escalate { to_level: 2 }).await.unwrap_err();
    assert!(matches!(e, ProviderError::InvalidState(_)), "{e:?}");
    assert_eq!(fake.state.writes().len(), before);

    let chainless = fake.state.trigger("No chain", &["U_ME"], Utc::now());
    fake.state.update(&chainless, |i| i.policy = "NO_SUCH_CHAIN".into());
    let e = go.perform(&me(), &chainless, &Action::Escalate { to_level: 2 }).await.unwrap_err();
    assert!(matches!(&e, ProviderError::InvalidState(m) if m.contains("no escalation chain")), "{e:?}");
    let short = fake.state.trigger("Short chain", &["U_OTHER"], Utc::now());
    fake.state.update(&short, |i| i.policy = "EP2".into());
    let e = go.perform(&me(), &short, &Action::Escalate { to_level: 2 }).await.unwrap_err();
    assert!(matches!(&e, ProviderError::InvalidState(m) if m.contains("no level 2")), "{e:?}");
    assert!(!fake.server.requests().iter().any(|r| r.path.ends_with("/escalation/")), "nothing paged");

    let e = go.perform(&me(), "Q99999999", &Action::Acknowledge).await.unwrap_err();
    assert!(matches!(e, ProviderError::NotFound(_)), "{e:?}");
    let sent = fake.server.request_count();
    let e = go.perform(&me(), "../users/current", &Action::Acknowledge).await.unwrap_err();
    assert!(matches!(e, ProviderError::NotFound(_)), "{e:?}");
    assert_eq!(fake.server.request_count(), sent, "an id that is not an id is never sent");
}

#[tokio::test]
async fn reassign_is_refused_up_front_without_a_request() {
    let fake = fake().await;
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    let go = adapter(&fake);
    let reassign = Action::Reassign { to: klaxon_core::ReassignTo::Users(vec!["U_OTHER".into()]) };
    let e = go.perform(&me(), &id, &reassign).await.unwrap_err();
    assert!(matches!(&e, ProviderError::Unsupported(m) if m.contains("reassign")), "{e:?}");
    let e = go.already_applied(&me(), &id, &reassign, Utc::now()).await.unwrap_err();
    assert!(matches!(e, ProviderError::Unsupported(_)), "{e:?}");
    assert!(go.supports(reassign.kind()).is_err());
    assert_eq!(fake.server.request_count(), 0);
    assert!(fake.state.writes().is_empty());
}

#[tokio::test]
async fn already_applied_reads_each_action_from_the_platforms_state() {
    let fake = fake().await;
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    let go = adapter(&fake);
    let t0 = Utc::now();
    let note = Action::Note { text: "looking into it".into() };
    let snooze = Action::Snooze { minutes: 10 };
    let escalate = Action::Escalate { to_level: 2 };
    for a in [&Action::Acknowledge, &note, &snooze, &escalate, &Action::Resolve] {
        assert!(!go.already_applied(&me(), &id, a, t0).await.unwrap(), "{a:?} before anything happened");
    }
    go.perform(&me(), &id, &note).await.unwrap();
    assert!(go.already_applied(&me(), &id, &note, t0).await.unwrap());
    assert!(!go.already_applied(&me(), &id, &Action::Note { text: "other".into() }, t0).await.unwrap());
    assert!(
        !go.already_applied(&me(), &id, &note, t0 + Span::minutes(5)).await.unwrap(),
        "an older note is not this one"
    );
    go.perform(&me(), &id, &snooze).await.unwrap();
    assert!(go.already_applied(&me(), &id, &snooze, t0).await.unwrap());
    assert!(!go.already_applied(&me(), &id, &snooze, t0 + Span::minutes(5)).await.unwrap(), "an older silence");
    go.perform(&me(), &id, &Action::Acknowledge).await.unwrap();
    assert!(go.already_applied(&me(), &id, &Action::Acknowledge, t0).await.unwrap());
    assert!(go.already_applied(&me(), &id, &escalate, t0).await.unwrap(), "an answered group needs no escalation");
    assert!(!go.already_applied(&me(), &id, &Action::Resolve, t0).await.unwrap());
    go.perform(&me(), &id, &Action::Resolve).await.unwrap();
    assert!(go.already_applied(&me(), &id, &Action::Resolve, t0).await.unwrap());
}

#[tokio::test]
async fn a_write_whose_answer_was_lost_is_found_applied() {
    let fake = fake().await;
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    let go = adapter(&fake);
    let t0 = Utc::now();
    for action in [Action::Acknowledge, Action::Note { text: "on it".into() }, Action::Resolve] {
        fake.server.faults().push(Fault::ResetAfterHandling);
        let e = secret_free(go.perform(&me(), &id, &action).await.unwrap_err(), TOKEN);
        assert!(matches!(e, ProviderError::Network(_)) && e.is_transient(), "{e:?}");
        assert!(go.already_applied(&me(), &id, &action, t0).await.unwrap(), "{action:?} took effect");
    }
    let s = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    assert_eq!(writes(&fake, &id), vec![s("acknowledge", ""), s("note", "on it"), s("resolve", "")]);
}

#[tokio::test]
async fn on_call_lists_chain_levels_with_names() {
    let fake = fake().await;
    let got = adapter(&fake).on_call().await.unwrap();
    let rows: Vec<(&str, u32, &str, &str, Option<&str>)> = got
        .iter()
        .map(|e| (e.policy.as_str(), e.level, e.person_id.as_str(), e.person_name.as_str(), e.rotation.as_deref()))
        .collect();
    assert_eq!(
        rows,
        vec![("Default", 1, "U_ME", "Me Myself", Some("S_PRIMARY")), ("Default", 2, "U_OTHER", "Other Person", None),]
    );
}

#[tokio::test]
async fn escalation_policies_fold_steps_into_levels() {
    let fake = fake().await;
    let got = adapter(&fake).escalation_policies().await.unwrap();
    assert_eq!(got.len(), 1);
    let p = &got[0];
    assert_eq!((p.id.as_str(), p.name.as_str(), p.repeat), ("EP1", "Default", 5));
    assert_eq!(p.levels.len(), 2);
    assert_eq!(
        (p.levels[0].delay, p.levels[0].targets.clone()),
        (Duration::from_secs(300), vec![Target::schedule("S_PRIMARY")])
    );
    assert_eq!(
        (p.levels[1].delay, p.levels[1].targets.clone()),
        (Duration::from_secs(600), vec![Target::Person("U_OTHER".into())])
    );
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

#[tokio::test]
async fn shifts_cover_the_window_and_long_windows_are_stitched() {
    let now = Utc::now();
    let fake = GrafanaOncallFake::start(now).await.unwrap();
    let go = adapter(&fake);
    let got = go.shifts(now - Span::days(10), now + Span::days(10)).await.unwrap();
    let who: Vec<&str> = got.iter().map(|s| s.person_id.as_str()).collect();
    assert_eq!(who, ["U_ME", "U_OTHER", "U_ME", "U_OTHER"]);
    assert!(got.iter().all(|s| s.schedule_id == "S_PRIMARY" && s.schedule_name == "Primary"));
    assert_eq!(got[0].person_name, "Me Myself");
    assert_eq!((micros(got[2].start), micros(got[2].end)), (micros(now), micros(now + Span::days(7))));
    let q = queries(&fake, "/oncall/api/v1/schedules/S_PRIMARY/final_shifts");
    assert_eq!(q.len(), 1);
    assert!(q[0].contains(&format!("start_date={}", (now - Span::days(10)).format("%Y-%m-%d"))), "{q:?}");

    fake.server.clear_requests();
    // 390 days: two requests, cut inside the shift that started now.
    let got = go.shifts(now - Span::days(360), now + Span::days(30)).await.unwrap();
    assert_eq!(queries(&fake, "/oncall/api/v1/schedules/S_PRIMARY/final_shifts").len(), 2);
    let current: Vec<_> = got.iter().filter(|s| micros(s.start) == micros(now)).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(micros(current[0].end), micros(now + Span::days(7)), "joined again across the cut");
    assert!(go.shifts(now, now).await.unwrap().is_empty());
}

#[tokio::test]
async fn rate_limits_carry_the_reset_time() {
    let fake = fake().await;
    fake.server.faults().push(Fault::RateLimited { reset_secs: 7 });
    let e = secret_free(adapter(&fake).current_user().await.unwrap_err(), TOKEN);
    assert!(matches!(e, ProviderError::RateLimited { .. }) && e.is_transient(), "{e:?}");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn server_errors_are_transient() {
    let fake = fake().await;
    let go = adapter(&fake);
    for status in [500, 502, 503] {
        fake.server.faults().push(Fault::Status(status, "<html>upstream trouble</html>".into()));
        let e = secret_free(go.my_incidents(&me(), Some(Utc::now())).await.unwrap_err(), TOKEN);
        assert!(matches!(&e, ProviderError::Server { status: s, .. } if *s == status), "{e:?}");
        assert!(e.is_transient());
    }
}

#[tokio::test]
async fn a_slow_platform_times_out() {
    let fake = fake().await;
    fake.server.faults().push(Fault::Delay(Duration::from_secs(3)));
    let go = adapter_with(&fake.url(), TOKEN, Duration::from_millis(300));
    let e = secret_free(go.current_user().await.unwrap_err(), TOKEN);
    assert!(matches!(e, ProviderError::Timeout), "{e:?}");
}

#[tokio::test]
async fn a_reset_connection_is_a_network_error() {
    let fake = fake().await;
    fake.server.faults().push(Fault::Reset);
    let e = secret_free(adapter(&fake).current_user().await.unwrap_err(), TOKEN);
    assert!(matches!(e, ProviderError::Network(_)) && e.is_transient(), "{e:?}");
}

#[tokio::test]
async fn malformed_answers_name_what_did_not_fit() {
    let fake = fake().await;
    fake.state.trigger("Disk full", &["U_ME"], Utc::now());
    let go = adapter(&fake);
    fake.server.faults().push(Fault::Malformed);
    let e = secret_free(go.current_user().await.unwrap_err(), TOKEN);
    assert!(matches!(&e, ProviderError::Malformed(m) if m.contains("`id`")), "{e:?}");
    go.my_incidents(&me(), Some(Utc::now())).await.unwrap();
    // Routing is cached now, so the next request lists firing alert groups.
    let page = r#"{"count":1,"next":null,"previous":null,"results":[
        {"id":"I1","state":"firing","created_at":"2026-01-01T00:00:00Z"},
        {"id":"I2","state":"firing","created_at":"yesterday"}]}"#;
    fake.server.faults().push(Fault::Status(200, page.into()));
    let e = secret_free(go.my_incidents(&me(), Some(Utc::now())).await.unwrap_err(), TOKEN);
    assert!(matches!(&e, ProviderError::Malformed(m) if m.starts_with("at results[1].created_at")), "{e:?}");
    assert!(e.is_transient());
}

#[tokio::test]
async fn truncated_answers_are_malformed() {
    let fake = fake().await;
    let go = adapter(&fake);
    fake.server.faults().push(Fault::Truncated);
    let e = secret_free(go.current_user().await.unwrap_err(), TOKEN);
    assert!(matches!(e, ProviderError::Malformed(_)), "{e:?}");
    fake.server.faults().push(Fault::Truncated);
    let e = secret_free(go.escalation_policies().await.unwrap_err(), TOKEN);
    assert!(matches!(e, ProviderError::Malformed(_)), "{e:?}");
}

#[tokio::test]
async fn a_revoked_token_is_unauthorized_whether_401_or_oncalls_403() {
    let fake = fake().await;
    fake.server.faults().push(Fault::Unauthorized);
    let e = secret_free(adapter(&fake).current_user().await.unwrap_err(), TOKEN);
    assert!(matches!(e, ProviderError::Unauthorized(_)) && !e.is_transient(), "{e:?}");

    let wrong = "revoked-token-abcdef-987654321";
    let go = adapter_with(&fake.url(), wrong, Duration::from_secs(5));
    let e = secret_free(go.current_user().await.unwrap_err(), wrong);
    assert!(matches!(&e, ProviderError::Unauthorized(m) if m == "Invalid token."), "{e:?}");
    let e = secret_free(go.perform(&me(), "Q00000001", &Action::Acknowledge).await.unwrap_err(), wrong);
    assert!(matches!(e, ProviderError::Unauthorized(_)), "{e:?}");
    assert!(fake.state.writes().is_empty());
}

#[tokio::test]
async fn the_token_stays_out_of_errors_and_debug_output() {
    let fake = fake().await;
    let go = adapter(&fake);
    assert!(!format!("{go:?}").contains(TOKEN));
    let faults = [
        Fault::Status(500, TOKEN.into()),
        // A platform that echoes the token back in its message.
        Fault::Status(400, format!(r#"{{"detail":"token {TOKEN} may not do this"}}"#)),
        Fault::Status(502, format!(r#"{{"message":"{TOKEN}"}}"#)),
        Fault::Reset,
        Fault::Malformed,
        Fault::Truncated,
        Fault::Unauthorized,
        Fault::RateLimited { reset_secs: 1 },
    ];
    for fault in faults {
        fake.server.faults().push(fault.clone());
        let e = go.current_user().await.unwrap_err();
        secret_free(e, TOKEN);
    }
    let e = GrafanaOncall::new(Connection {
        base_url: "not a url".into(),
        token: Secret::new(TOKEN),
        http: HttpOptions::default(),
    })
    .unwrap_err();
    assert!(matches!(secret_free(e, TOKEN), ProviderError::Config(_)));
}
