//! "Cover my shift" on GoAlert: a user override that replaces me with the colleague shows in the
//! schedule's shifts and in who is on call, is found again after a lost answer, and GoAlert's
//! refusals (its GraphQL errors) and failures keep their kinds.

mod cover_support;

use chrono::{Duration, Utc};
use cover_support::{COLLEAGUE, SCHEDULE, base, connection, cover, overrides};
use klaxon_core::RemoteUser;
use klaxon_core::remote::ScheduleCover;
use klaxon_fakes::Fault;
use klaxon_fakes::goalert::GoAlertFake;
use klaxon_providers::goalert::GoAlert;
use klaxon_providers::{Provider, ProviderError};

async fn setup() -> (GoAlertFake, GoAlert, RemoteUser) {
    let fake = GoAlertFake::start(Utc::now()).await.expect("the fake starts");
    let goalert = GoAlert::new(connection(fake.url(), GoAlertFake::TOKEN)).expect("a loopback URL is valid");
    let me = goalert.current_user().await.expect("the fake knows me");
    (fake, goalert, me)
}

/// The GraphQL operations the fake received, in order.
fn operations(fake: &GoAlertFake) -> Vec<String> {
    let requests = fake.server.requests();
    requests.iter().filter_map(|r| r.json()["operationName"].as_str().map(str::to_owned)).collect()
}

#[tokio::test]
async fn a_replace_override_gives_the_colleague_my_shift_for_its_range() {
    let (fake, goalert, me) = setup().await;
    let base = cover_support::seeded_and_uncovered(&fake.state, &goalert, &me).await;
    fake.server.clear_requests();
    let id = goalert.create_cover(&me, &cover(base)).await.unwrap();
    assert_eq!(operations(&fake), ["KlaxonCreateUserOverride"]);
    let input = fake.server.requests()[0].json()["variables"]["input"].clone();
    assert_eq!((input["addUserID"].as_str(), input["removeUserID"].as_str()), (Some(COLLEAGUE), Some("U_ME")));
    assert_eq!(input["scheduleID"].as_str(), Some(SCHEDULE));
    assert_eq!(fake.state.lock().schedule(SCHEDULE).unwrap().overrides[0].id, id);
    cover_support::shows_covered(&goalert, &me, base).await;

    // GoAlert itself refuses a second override of the same people at the same time.
    let e = goalert.create_cover(&me, &cover(base)).await.unwrap_err();
    assert!(matches!(&e, ProviderError::InvalidState(m) if m.contains("cannot override the same user twice")), "{e:?}");
    assert_eq!(overrides(&fake.state), 1);
}

#[tokio::test]
async fn an_override_running_now_changes_who_is_on_call() {
    let (_fake, goalert, me) = setup().await;
    cover_support::covering_now(&goalert, &me).await;
}

#[tokio::test]
async fn refusals_keep_goalerts_message_and_are_final() {
    let (fake, goalert, me) = setup().await;
    let base = base();
    let nobody = ScheduleCover { user_id: "U_NOBODY".into(), ..cover(base) };
    let e = goalert.create_cover(&me, &nobody).await.unwrap_err();
    assert!(matches!(&e, ProviderError::InvalidState(m) if m.starts_with("user does not exist")), "{e:?}");
    assert!(!e.is_transient());
    let nowhere = ScheduleCover { schedule_id: "S_NOPE".into(), ..cover(base) };
    let e = goalert.create_cover(&me, &nowhere).await.unwrap_err();
    assert!(matches!(&e, ProviderError::InvalidState(m) if m.starts_with("schedule does not exist")), "{e:?}");
    let past = ScheduleCover { start: base - Duration::days(3), end: base - Duration::days(2), ..cover(base) };
    let e = goalert.create_cover(&me, &past).await.unwrap_err();
    assert!(matches!(&e, ProviderError::InvalidState(m) if m.starts_with("must be in the future")), "{e:?}");

    // Backwards is refused before any request; GoAlert would say so as well.
    let asked = fake.server.request_count();
    let backwards = ScheduleCover { start: base + Duration::hours(2), end: base, ..cover(base) };
    assert!(matches!(goalert.create_cover(&me, &backwards).await, Err(ProviderError::InvalidState(_))));
    assert_eq!(fake.server.request_count(), asked);
    let raw = serde_json::json!({
        "operationName": "KlaxonCreateUserOverride", "query": "mutation KlaxonCreateUserOverride { x }",
        "variables": { "input": { "scheduleID": SCHEDULE, "addUserID": COLLEAGUE, "removeUserID": "U_ME",
                                  "start": backwards.start.to_rfc3339(), "end": backwards.end.to_rfc3339() } },
    });
    let request = reqwest::Client::new().post(format!("{}/api/graphql", fake.url())).bearer_auth(GoAlertFake::TOKEN);
    let answer = cover_support::answer(request.json(&raw)).await;
    assert_eq!(answer["errors"][0]["message"], "must occur after Start time", "{answer}");
    assert_eq!(overrides(&fake.state), 0);
}

#[tokio::test]
async fn failures_are_transient_and_a_lost_answer_is_found_again() {
    let (fake, goalert, me) = setup().await;
    let base = base();
    cover_support::transient_failures(&fake.server, &goalert, &me, base).await;
    assert_eq!(overrides(&fake.state), 0);

    fake.server.faults().push(Fault::ResetAfterHandling);
    let e = goalert.create_cover(&me, &cover(base)).await.unwrap_err();
    assert!(e.uncertain(), "{e:?}");
    assert!(goalert.cover_exists(&me, &cover(base)).await.unwrap(), "made before the answer was lost");
    assert_eq!(overrides(&fake.state), 1);
    fake.server.faults().push(Fault::Truncated);
    assert!(matches!(goalert.cover_exists(&me, &cover(base)).await, Err(ProviderError::Malformed(_))));
}
