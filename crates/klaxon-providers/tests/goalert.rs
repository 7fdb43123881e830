//! The GoAlert adapter against the stateful GoAlert fake over loopback HTTP: every trait method,
//! the login, each way the platform can fail, and writes applied exactly once.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use klaxon_core::{Action, IncidentStatus, LogKind, RemoteUser, Secret, Severity, Target, Urgency};
use klaxon_fakes::goalert::GoAlertFake;
use klaxon_fakes::{FakeStatus, Fault};
use klaxon_providers::goalert::{GoAlert, login};
use klaxon_providers::{Connection, HttpOptions, Provider, ProviderError};
use std::time::Duration as StdDuration;

fn options() -> HttpOptions {
    HttpOptions { connect_timeout: StdDuration::from_secs(2), timeout: StdDuration::from_secs(5) }
}

fn adapter(fake: &GoAlertFake, token: &str, http: HttpOptions) -> GoAlert {
    GoAlert::new(Connection { base_url: fake.url(), token: Secret::new(token), http }).expect("a loopback URL is valid")
}

/// A fake seeded at `now` (whole seconds, as GoAlert's timestamps round-trip), its adapter, and me.
async fn setup() -> (GoAlertFake, GoAlert, RemoteUser, DateTime<Utc>) {
    let now = Utc::now().trunc_subsecs(0);
    let fake = GoAlertFake::start(now).await.expect("the fake starts");
    let goalert = adapter(&fake, GoAlertFake::TOKEN, options());
    let me = goalert.current_user().await.expect("the fake knows me");
    fake.server.clear_requests();
    (fake, goalert, me, now)
}

/// The GraphQL operation names the fake received, in order.
fn operations(fake: &GoAlertFake) -> Vec<String> {
    fake.server
        .requests()
        .iter()
        .filter(|r| r.path == "/api/graphql")
        .map(|r| r.json()["operationName"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn writes(fake: &GoAlertFake, action: &str) -> usize {
    fake.state.writes().iter().filter(|w| w.action == action).count()
}

/// A triggered alert for me; returns (shared id, GoAlert alert number).
fn alert_for_me(fake: &GoAlertFake, title: &str, now: DateTime<Utc>) -> (String, String) {
    let id = fake.state.trigger(title, &["U_ME"], now);
    let number = fake.alert_ref(&id).expect("just triggered");
    (id, number)
}

#[tokio::test]
async fn login_returns_the_session_token_the_api_accepts() {
    let fake = GoAlertFake::start(Utc::now()).await.unwrap();
    let token =
        login(&fake.url(), GoAlertFake::USERNAME, &Secret::new(GoAlertFake::PASSWORD), options()).await.unwrap();
    assert_eq!(token.expose(), GoAlertFake::TOKEN);
    let req = &fake.server.requests()[0];
    assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", "/api/v2/identity/providers/basic"));
    assert_eq!(req.query.as_deref(), Some("noRedirect=1"));
    assert_eq!(req.header("referer"), Some(format!("{}/", fake.url()).as_str()));
    assert_eq!(req.header("content-type"), Some("application/x-www-form-urlencoded"));
    let body = String::from_utf8(req.body.clone()).unwrap();
    assert_eq!(body, format!("username={}&password={}", GoAlertFake::USERNAME, GoAlertFake::PASSWORD));
    let me = adapter(&fake, token.expose(), options()).current_user().await.unwrap();
    assert_eq!(me.id, "U_ME");
}

#[tokio::test]
async fn login_with_a_wrong_password_is_unauthorized_and_never_echoes_it() {
    let fake = GoAlertFake::start(Utc::now()).await.unwrap();
    let typed = "hunter2-not-the-password";
    let e = login(&fake.url(), GoAlertFake::USERNAME, &Secret::new(typed), options()).await.unwrap_err();
    assert!(matches!(e, ProviderError::Unauthorized(_)), "{e:?}");
    assert!(!format!("{e} {e:?}").contains(typed));
}

#[tokio::test]
async fn login_to_something_that_is_not_goalert_is_a_config_error() {
    let fake = GoAlertFake::start(Utc::now()).await.unwrap();
    fake.server.faults().push(Fault::Status(200, "<!doctype html><title>Sign in</title>".into()));
    let e =
        login(&fake.url(), GoAlertFake::USERNAME, &Secret::new(GoAlertFake::PASSWORD), options()).await.unwrap_err();
    assert!(matches!(e, ProviderError::Config(_)), "{e:?}");
}

#[tokio::test]
async fn current_user_with_contact_methods_over_bearer_auth() {
    let fake = GoAlertFake::start(Utc::now()).await.unwrap();
    let me = adapter(&fake, GoAlertFake::TOKEN, options()).current_user().await.unwrap();
    assert_eq!((me.id.as_str(), me.name.as_str(), me.email.as_deref()), ("U_ME", "Me Myself", Some("me@example.com")));
    let kinds: Vec<&str> = me.contact_methods.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, ["email", "sms", "phone"]);
    let req = &fake.server.requests()[0];
    assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", "/api/graphql"));
    assert_eq!(req.header("authorization"), Some(format!("Bearer {}", GoAlertFake::TOKEN).as_str()));
    let body = req.json();
    assert_eq!(body["operationName"], "KlaxonCurrentUser");
    assert!(body["query"].as_str().unwrap().contains("contactMethods"));
}

#[tokio::test]
async fn my_incidents_are_open_alerts_that_paged_me_and_recently_closed_ones() {
    let (fake, goalert, me, now) = setup().await;
    let (_, open) = alert_for_me(&fake, "Disk full", now - Duration::minutes(5));
    fake.state.trigger("Someone else's", &["U_OTHER"], now);
    let (recent, recent_ref) = alert_for_me(&fake, "Closed lately", now - Duration::hours(3));
    fake.state.update(&recent, |i| {
        i.status = FakeStatus::Resolved;
        i.resolved_at = Some(now - Duration::minutes(10));
    });
    let (old, _) = alert_for_me(&fake, "Closed long ago", now - Duration::days(3));
    fake.state.update(&old, |i| {
        i.status = FakeStatus::Resolved;
        i.resolved_at = Some(now - Duration::days(2));
    });

    let mut got = goalert.my_incidents(&me, Some(now - Duration::hours(1))).await.unwrap();
    got.sort_by(|a, b| a.provider_ref.cmp(&b.provider_ref));
    let refs: Vec<&str> = got.iter().map(|i| i.provider_ref.as_str()).collect();
    assert_eq!(refs, [open.as_str(), recent_ref.as_str()]);
    let i = &got[0];
    assert_eq!(
        (i.title.as_str(), i.service.as_deref(), i.status),
        ("Disk full", Some("checkout"), IncidentStatus::Triggered)
    );
    assert_eq!((i.severity, i.urgency, i.escalation_level), (Severity::Sev2, Urgency::High, 1));
    assert_eq!(i.assignees, ["U_ME"]);
    assert_eq!(i.escalation_policy.as_deref(), Some("EP1"));
    assert_eq!(i.web_url, Some(format!("{}/alerts/{open}", fake.url())));
    assert_eq!(i.created_at, now - Duration::minutes(5));
    let closed = &got[1];
    assert_eq!((closed.status, closed.resolved_at), (IncidentStatus::Resolved, Some(now - Duration::minutes(10))));

    // One search for open alerts, one for closed ones, both as GoAlert's "my alerts" view.
    let inputs: Vec<serde_json::Value> =
        fake.server.requests().iter().map(|r| r.json()["variables"]["input"].clone()).collect();
    assert_eq!(inputs.len(), 2);
    for input in &inputs {
        assert_eq!((input["favoritesOnly"].as_bool(), input["includeNotified"].as_bool()), (Some(true), Some(true)));
    }
    assert_eq!(inputs[0]["filterByStatus"], serde_json::json!(["StatusUnacknowledged", "StatusAcknowledged"]));
    assert_eq!(inputs[1]["filterByStatus"], serde_json::json!(["StatusClosed"]));
    assert!(inputs[1]["notClosedBefore"].is_string());
}

#[tokio::test]
async fn my_incidents_follow_every_page_past_250_alerts() {
    let (fake, goalert, me, now) = setup().await;
    let ids = fake.state.trigger_many(260, now);
    let got = goalert.my_incidents(&me, Some(now)).await.unwrap();
    let mut refs: Vec<u64> = got.iter().map(|i| i.provider_ref.parse().unwrap()).collect();
    refs.sort_unstable();
    refs.dedup();
    assert_eq!(refs.len(), 260);
    let expected: Vec<u64> = ids.iter().map(|id| fake.alert_ref(id).unwrap().parse().unwrap()).collect();
    assert_eq!(refs, expected);
    // Three pages of open alerts (100, 100, 60), each after the previous page's cursor, then closed ones.
    let requests = fake.server.requests();
    let afters: Vec<Option<String>> =
        requests.iter().map(|r| r.json()["variables"]["input"]["after"].as_str().map(str::to_owned)).collect();
    assert_eq!(afters.len(), 4);
    assert_eq!(
        (afters[0].is_none(), afters[1].is_some(), afters[2].is_some(), afters[3].is_none()),
        (true, true, true, true)
    );
    assert_ne!(afters[1], afters[2]);
}

#[tokio::test]
async fn log_entries_are_oldest_first_with_kinds_and_actors() {
    let (fake, goalert, me, now) = setup().await;
    let (_, alert) = alert_for_me(&fake, "Disk full", now - Duration::minutes(1));
    goalert.perform(&me, &alert, &Action::Acknowledge).await.unwrap();
    goalert.perform(&me, &alert, &Action::Escalate { to_level: 2 }).await.unwrap();
    let log = goalert.log_entries(&alert).await.unwrap();
    assert_eq!(log[0].kind, LogKind::Triggered);
    assert!(log.windows(2).all(|w| w[0].at <= w[1].at), "{log:?}");
    let ack = log.iter().find(|e| e.kind == LogKind::Acknowledged).expect("an acknowledgement");
    assert_eq!(ack.actor.as_deref(), Some("Me Myself"));
    assert!(log.iter().any(|e| e.kind == LogKind::Escalated && e.message.contains("step #2")), "{log:?}");
    assert!(log.iter().any(|e| e.kind == LogKind::Notified));
    let e = goalert.log_entries("99999").await.unwrap_err();
    assert!(matches!(e, ProviderError::NotFound(_)), "{e:?}");
}

#[tokio::test]
async fn acknowledge_and_resolve_are_applied_exactly_once() {
    let (fake, goalert, me, now) = setup().await;
    let (id, alert) = alert_for_me(&fake, "Disk full", now);
    goalert.perform(&me, &alert, &Action::Acknowledge).await.unwrap();
    assert_eq!(fake.state.incident(&id).unwrap().status, FakeStatus::Acknowledged);
    goalert.perform(&me, &alert, &Action::Acknowledge).await.unwrap();
    assert_eq!(writes(&fake, "acknowledge"), 1);
    let update = &fake.server.requests()[0].json();
    assert_eq!(update["operationName"], "KlaxonUpdateAlerts");
    assert_eq!(
        update["variables"]["input"],
        serde_json::json!({ "alertIDs": [alert.parse::<i64>().unwrap()], "newStatus": "StatusAcknowledged" })
    );

    goalert.perform(&me, &alert, &Action::Resolve).await.unwrap();
    goalert.perform(&me, &alert, &Action::Resolve).await.unwrap();
    // GoAlert never moves a status back: acknowledging a closed alert changes nothing.
    goalert.perform(&me, &alert, &Action::Acknowledge).await.unwrap();
    let after = fake.state.incident(&id).unwrap();
    assert_eq!((after.status, writes(&fake, "resolve"), writes(&fake, "acknowledge")), (FakeStatus::Resolved, 1, 1));
    assert_eq!(fake.state.writes().iter().map(|w| w.by.as_str()).collect::<Vec<_>>(), ["U_ME", "U_ME"]);

    let e = goalert.perform(&me, "424242", &Action::Acknowledge).await.unwrap_err();
    assert!(matches!(e, ProviderError::NotFound(_)), "{e:?}");
    let e = goalert.perform(&me, "not-a-number", &Action::Resolve).await.unwrap_err();
    assert!(matches!(e, ProviderError::NotFound(_)), "{e:?}");
}

#[tokio::test]
async fn escalating_twice_to_the_same_level_escalates_once() {
    let (fake, goalert, me, now) = setup().await;
    let (id, alert) = alert_for_me(&fake, "Disk full", now);
    goalert.perform(&me, &alert, &Action::Acknowledge).await.unwrap();
    goalert.perform(&me, &alert, &Action::Escalate { to_level: 2 }).await.unwrap();
    goalert.perform(&me, &alert, &Action::Escalate { to_level: 2 }).await.unwrap();
    let i = fake.state.incident(&id).unwrap();
    // GoAlert's escalation re-triggers the alert and pages the next step (U_OTHER in EP1).
    assert_eq!((i.level, i.status, i.assignees.clone()), (2, FakeStatus::Triggered, vec!["U_OTHER".to_owned()]));
    assert_eq!(writes(&fake, "escalate"), 1);
    let sent = operations(&fake).iter().filter(|o| *o == "KlaxonEscalateAlerts").count();
    assert_eq!(sent, 1);
    let escalation =
        fake.server.requests().into_iter().find(|r| r.json()["operationName"] == "KlaxonEscalateAlerts").unwrap();
    assert_eq!(escalation.json()["variables"]["input"], serde_json::json!([alert.parse::<i64>().unwrap()]));

    let mine = goalert.my_incidents(&me, Some(now)).await.unwrap();
    let seen = mine.iter().find(|x| x.provider_ref == alert).expect("still listed: it notified me");
    assert_eq!((seen.escalation_level, seen.assignees.clone()), (2, vec!["U_OTHER".to_owned()]));

    goalert.perform(&me, &alert, &Action::Resolve).await.unwrap();
    let e = goalert.perform(&me, &alert, &Action::Escalate { to_level: 3 }).await.unwrap_err();
    assert!(matches!(e, ProviderError::InvalidState(_)), "{e:?}");
    assert_eq!(writes(&fake, "escalate"), 1);
}

#[tokio::test]
async fn already_applied_reads_the_alert_state() {
    let (fake, goalert, me, now) = setup().await;
    let (_, alert) = alert_for_me(&fake, "Disk full", now);
    let ack = Action::Acknowledge;
    let resolve = Action::Resolve;
    let escalate = Action::Escalate { to_level: 2 };
    assert!(!goalert.already_applied(&me, &alert, &ack, now).await.unwrap());
    assert!(!goalert.already_applied(&me, &alert, &resolve, now).await.unwrap());
    assert!(!goalert.already_applied(&me, &alert, &escalate, now).await.unwrap());

    goalert.perform(&me, &alert, &ack).await.unwrap();
    assert!(goalert.already_applied(&me, &alert, &ack, now).await.unwrap());
    assert!(!goalert.already_applied(&me, &alert, &resolve, now).await.unwrap());
    // Acknowledged but still at level 1: an escalation would have re-triggered it.
    assert!(!goalert.already_applied(&me, &alert, &escalate, now).await.unwrap());

    goalert.perform(&me, &alert, &escalate).await.unwrap();
    assert!(goalert.already_applied(&me, &alert, &escalate, now).await.unwrap());
    assert!(!goalert.already_applied(&me, &alert, &ack, now).await.unwrap(), "escalation re-triggered it");

    goalert.perform(&me, &alert, &resolve).await.unwrap();
    assert!(goalert.already_applied(&me, &alert, &resolve, now).await.unwrap());
    assert!(goalert.already_applied(&me, &alert, &ack, now).await.unwrap());
    assert!(goalert.already_applied(&me, &alert, &Action::Escalate { to_level: 5 }, now).await.unwrap());
    let e = goalert.already_applied(&me, "31337", &ack, now).await.unwrap_err();
    assert!(matches!(e, ProviderError::NotFound(_)), "{e:?}");
}

#[tokio::test]
async fn a_write_whose_answer_was_lost_is_seen_as_applied_and_not_repeated() {
    let (fake, goalert, me, now) = setup().await;
    let (id, alert) = alert_for_me(&fake, "Disk full", now);
    fake.server.faults().push(Fault::ResetAfterHandling);
    let e = goalert.perform(&me, &alert, &Action::Acknowledge).await.unwrap_err();
    assert!(matches!(e, ProviderError::Network(_)) && e.is_transient(), "{e:?}");
    assert!(goalert.already_applied(&me, &alert, &Action::Acknowledge, now).await.unwrap());
    assert_eq!(writes(&fake, "acknowledge"), 1);

    // The escalation's first request reads the alert; the second (the mutation) loses its answer.
    fake.server.faults().push(Fault::Delay(StdDuration::ZERO));
    fake.server.faults().push(Fault::ResetAfterHandling);
    let escalate = Action::Escalate { to_level: 2 };
    let e = goalert.perform(&me, &alert, &escalate).await.unwrap_err();
    assert!(matches!(e, ProviderError::Network(_)), "{e:?}");
    assert!(goalert.already_applied(&me, &alert, &escalate, now).await.unwrap());
    goalert.perform(&me, &alert, &escalate).await.unwrap();
    assert_eq!((writes(&fake, "escalate"), fake.state.incident(&id).unwrap().level), (1, 2));
}

#[tokio::test]
async fn unsupported_actions_are_refused_without_a_request() {
    let (fake, goalert, me, now) = setup().await;
    let (_, alert) = alert_for_me(&fake, "Disk full", now);
    for action in [
        Action::Reassign { to: klaxon_core::ReassignTo::Users(vec!["U_OTHER".into()]) },
        Action::Snooze { minutes: 30 },
        Action::Note { text: "looking".into() },
    ] {
        let e = goalert.perform(&me, &alert, &action).await.unwrap_err();
        assert!(matches!(e, ProviderError::Unsupported(_)), "{e:?}");
        let e = goalert.already_applied(&me, &alert, &action, now).await.unwrap_err();
        assert!(matches!(e, ProviderError::Unsupported(_)), "{e:?}");
    }
    assert_eq!(fake.server.request_count(), 0);
    assert!(fake.state.writes().is_empty());
}

#[tokio::test]
async fn on_call_follows_policy_steps_through_schedules() {
    let (fake, goalert, _, now) = setup().await;
    let entries = goalert.on_call().await.unwrap();
    let got: Vec<_> = entries
        .iter()
        .map(|e| {
            (e.policy.as_str(), e.level, e.person_id.as_str(), e.person_name.as_str(), e.rotation.as_deref(), e.until)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Default", 1, "U_ME", "Me Myself", Some("Primary"), Some(now + Duration::days(7))),
            ("Default", 2, "U_OTHER", "Other Person", None, None),
        ]
    );
    // Rotations are only asked for when a step targets one.
    assert_eq!(operations(&fake), ["KlaxonPolicies", "KlaxonSchedules"]);
}

#[tokio::test]
async fn shifts_over_a_long_window_are_asked_in_pieces_and_joined() {
    let (fake, goalert, _, now) = setup().await;
    let d = Duration::days;
    let shifts = goalert.shifts(now - d(20), now + d(10)).await.unwrap();
    let got: Vec<_> = shifts.iter().map(|s| (s.schedule_id.as_str(), s.person_id.as_str(), s.start, s.end)).collect();
    assert_eq!(
        got,
        [
            ("S_PRIMARY", "U_OTHER", now - d(20), now - d(14)),
            ("S_PRIMARY", "U_ME", now - d(14), now - d(7)),
            ("S_PRIMARY", "U_OTHER", now - d(7), now),
            ("S_PRIMARY", "U_ME", now, now + d(7)),
            ("S_PRIMARY", "U_OTHER", now + d(7), now + d(10)),
        ]
    );
    assert_eq!((shifts[0].schedule_name.as_str(), shifts[1].person_name.as_str()), ("Primary", "Me Myself"));
    assert_eq!(operations(&fake), ["KlaxonSchedules", "KlaxonSchedules"]);
}

#[tokio::test]
async fn escalation_policies_name_people_and_schedules() {
    let (_fake, goalert, _, _) = setup().await; // the fake stops when dropped
    let policies = goalert.escalation_policies().await.unwrap();
    assert_eq!(policies.len(), 1);
    let p = &policies[0];
    assert_eq!((p.id.as_str(), p.name.as_str(), p.repeat, p.levels.len()), ("EP1", "Default", 1, 2));
    assert_eq!(p.levels[0].delay, StdDuration::from_secs(300));
    assert_eq!(p.levels[0].targets, [Target::schedule("S_PRIMARY")]);
    assert_eq!(p.levels[1].targets, [Target::Person("U_OTHER".into())]);
}

#[tokio::test]
async fn rate_limits_carry_the_reset() {
    let (fake, goalert, me, now) = setup().await;
    fake.server.faults().push(Fault::RateLimited { reset_secs: 7 });
    let e = goalert.my_incidents(&me, Some(now)).await.unwrap_err();
    assert!(matches!(e, ProviderError::RateLimited { .. }) && e.is_transient(), "{e:?}");
    assert_eq!(e.retry_after(), Some(StdDuration::from_secs(7)));
}

#[tokio::test]
async fn server_failures_are_transient() {
    let (fake, goalert, me, now) = setup().await;
    for status in [500, 502, 503] {
        fake.server.faults().push(Fault::Status(status, "upstream trouble".into()));
        let e = goalert.my_incidents(&me, Some(now)).await.unwrap_err();
        assert!(matches!(e, ProviderError::Server { status: s, .. } if s == status), "{e:?}");
        assert!(e.is_transient());
    }
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let (fake, _, _, _) = setup().await;
    let quick = HttpOptions { connect_timeout: StdDuration::from_secs(1), timeout: StdDuration::from_millis(300) };
    let goalert = adapter(&fake, GoAlertFake::TOKEN, quick);
    fake.server.faults().push(Fault::Delay(StdDuration::from_secs(2)));
    let e = goalert.current_user().await.unwrap_err();
    assert!(matches!(e, ProviderError::Timeout), "{e:?}");
}

#[tokio::test]
async fn a_reset_connection_is_a_network_error() {
    let (fake, goalert, _, _) = setup().await;
    fake.server.faults().push(Fault::Reset);
    let e = goalert.escalation_policies().await.unwrap_err();
    assert!(matches!(e, ProviderError::Network(_)) && e.is_transient(), "{e:?}");
}

#[tokio::test]
async fn malformed_and_truncated_answers_are_malformed() {
    let (fake, goalert, me, now) = setup().await;
    fake.server.faults().push(Fault::Malformed);
    let e = goalert.current_user().await.unwrap_err();
    assert!(matches!(&e, ProviderError::Malformed(m) if m.contains("data")), "{e:?}");
    fake.state.trigger("Disk full", &["U_ME"], now);
    fake.server.faults().push(Fault::Truncated);
    let e = goalert.my_incidents(&me, Some(now)).await.unwrap_err();
    assert!(matches!(e, ProviderError::Malformed(_)) && e.is_transient(), "{e:?}");
    // A GraphQL answer with neither data nor errors.
    fake.server.faults().push(Fault::Status(200, r#"{"data":null}"#.into()));
    let e = goalert.escalation_policies().await.unwrap_err();
    assert!(matches!(e, ProviderError::Malformed(_)), "{e:?}");
}

#[tokio::test]
async fn a_revoked_session_is_unauthorized() {
    let (fake, goalert, _, _) = setup().await;
    fake.server.faults().push(Fault::Unauthorized);
    let e = goalert.current_user().await.unwrap_err();
    assert!(matches!(e, ProviderError::Unauthorized(_)) && !e.is_transient(), "{e:?}");
    fake.state.lock().token = "a-new-session".into();
    let e = goalert.on_call().await.unwrap_err();
    assert!(matches!(e, ProviderError::Unauthorized(_)), "{e:?}");
}

#[tokio::test]
async fn graphql_errors_map_to_kinds() {
    let (fake, goalert, me, now) = setup().await;
    let (_, alert) = alert_for_me(&fake, "Disk full", now);
    let cases = [
        ("alert not found", "not_found"),
        ("unauthorized", "unauthorized"),
        ("access denied: must be admin", "forbidden"),
        ("alert is already closed", "invalid_state"),
    ];
    for (message, code) in cases {
        fake.push_graphql_error(message);
        let e = goalert.perform(&me, &alert, &Action::Escalate { to_level: 2 }).await.unwrap_err();
        assert_eq!(e.code(), code, "{message}: {e:?}");
        assert!(e.to_string().contains(message), "{e}");
    }
    assert_eq!(writes(&fake, "escalate"), 0);
}

#[tokio::test]
async fn the_fake_answers_unknown_ids_as_goalert_does() {
    let (fake, _, _, _) = setup().await;
    let http = reqwest::Client::new();
    let ask = |op: &str, query: &str, variables: serde_json::Value| {
        let body = serde_json::json!({ "operationName": op, "query": query, "variables": variables });
        http.post(format!("{}/api/graphql", fake.url())).bearer_auth(GoAlertFake::TOKEN).json(&body).send()
    };
    let r: serde_json::Value = ask(
        "KlaxonEscalateAlerts",
        "mutation KlaxonEscalateAlerts($input: [Int!]) { escalateAlerts(input: $input) { alertID } }",
        serde_json::json!({ "input": [777] }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(r["errors"][0]["message"], "alert not found");
    let r: serde_json::Value = ask(
        "KlaxonAlert",
        "query KlaxonAlert($id: Int!) { alert(id: $id) { alertID } }",
        serde_json::json!({ "id": 777 }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(r["data"]["alert"], serde_json::Value::Null);
    assert!(r.get("errors").is_none());
    let unauthenticated = http.post(format!("{}/api/graphql", fake.url())).body("{}").send().await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
}

#[tokio::test]
async fn secrets_never_reach_errors() {
    let (fake, goalert, me, now) = setup().await;
    let mut errors: Vec<ProviderError> = Vec::new();
    errors.push(login(&fake.url(), GoAlertFake::USERNAME, &Secret::new("wrong"), options()).await.unwrap_err());
    fake.server.faults().push(Fault::Unauthorized);
    errors.push(goalert.current_user().await.unwrap_err());
    fake.server.faults().push(Fault::Status(500, "boom".into()));
    errors.push(goalert.my_incidents(&me, Some(now)).await.unwrap_err());
    fake.server.faults().push(Fault::Reset);
    errors.push(goalert.on_call().await.unwrap_err());
    fake.push_graphql_error("unauthorized");
    errors.push(goalert.log_entries("1").await.unwrap_err());
    fake.state.lock().token = "rotated".into();
    errors.push(goalert.escalation_policies().await.unwrap_err());
    for e in &errors {
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(GoAlertFake::TOKEN) && !shown.contains(GoAlertFake::PASSWORD), "{shown}");
    }
    assert!(!format!("{goalert:?}").contains(GoAlertFake::TOKEN));
}
