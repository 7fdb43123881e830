//! "Cover my shift" on Grafana OnCall: a shift swap request (me the beneficiary) that the
//! colleague takes shows in the final shifts, is found again after a lost answer or a failed
//! take (never asked twice), and OnCall's refusals and failures keep their kinds.

mod cover_support;

use chrono::{Duration, Utc};
use cover_support::{COLLEAGUE, SCHEDULE, base, connection, cover, covered, hours, me, range, seed};
use klaxon_core::remote::ScheduleCover;
use klaxon_fakes::Fault;
use klaxon_fakes::grafana_oncall::GrafanaOncallFake;
use klaxon_providers::grafana_oncall::GrafanaOncall;
use klaxon_providers::{Provider, ProviderError};
use std::time::Duration as StdDuration;

async fn setup() -> (GrafanaOncallFake, GrafanaOncall) {
    let fake = GrafanaOncallFake::start(Utc::now()).await.expect("the fake starts");
    let grafana =
        GrafanaOncall::new(connection(fake.url(), GrafanaOncallFake::TOKEN)).expect("a loopback URL is valid");
    (fake, grafana)
}

/// (method, path) of every request so far, the base path left out.
fn calls(fake: &GrafanaOncallFake) -> Vec<(String, String)> {
    let requests = fake.server.requests();
    requests.into_iter().map(|r| (r.method, r.path.trim_start_matches("/oncall/api/v1/").to_owned())).collect()
}

/// The swap requests the platform lists for me on the schedule (those not withdrawn).
async fn swaps(fake: &GrafanaOncallFake, base: chrono::DateTime<Utc>) -> Vec<serde_json::Value> {
    let after = (base - Duration::hours(1)).to_rfc3339();
    let answer = cover_support::answer(
        reqwest::Client::new()
            .get(format!("{}/api/v1/shift_swaps/", fake.url()))
            .query(&[("schedule_id", SCHEDULE), ("starting_after", after.as_str())])
            .header("Authorization", GrafanaOncallFake::TOKEN),
    )
    .await;
    answer["results"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_taken_swap_gives_the_colleague_my_shift_for_its_range() {
    let (fake, grafana) = setup().await;
    let base = cover_support::seeded_and_uncovered(&fake.state, &grafana, &me(None)).await;
    fake.server.clear_requests();
    let id = grafana.create_cover(&me(None), &cover(base)).await.unwrap();
    let posts: Vec<String> = calls(&fake).into_iter().filter(|(m, _)| m == "POST").map(|(_, p)| p).collect();
    assert_eq!(posts, ["shift_swaps/", &format!("shift_swaps/{id}/take")]);
    let asked = fake.server.requests().into_iter().find(|r| r.method == "POST").unwrap().json();
    assert_eq!((asked["beneficiary"].as_str(), asked["schedule"].as_str()), (Some("U_ME"), Some(SCHEDULE)));
    cover_support::shows_covered(&grafana, &me(None), base).await;

    // Asked again (an outbox retry): the taken swap is found, nothing new is asked.
    assert_eq!(grafana.create_cover(&me(None), &cover(base)).await.unwrap(), id);
    let listed = swaps(&fake, base).await;
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0]["status"].as_str(), listed[0]["benefactor"].as_str()), (Some("taken"), Some(COLLEAGUE)));
}

#[tokio::test]
async fn refusals_keep_oncalls_message_and_leave_no_open_request() {
    let (fake, grafana) = setup().await;
    let base = base();
    let nobody = ScheduleCover { user_id: "U_NOBODY".into(), ..cover(base) };
    let e = grafana.create_cover(&me(None), &nobody).await.unwrap_err();
    assert!(matches!(&e, ProviderError::InvalidState(m) if m == "Invalid benefactor user ID"), "{e:?}");
    assert!(!e.is_transient());
    assert!(calls(&fake).iter().any(|(m, _)| m == "DELETE"), "the request nobody can take is withdrawn");
    assert!(swaps(&fake, base).await.is_empty());

    let nowhere = ScheduleCover { schedule_id: "S_NOPE".into(), ..cover(base) };
    let e = grafana.create_cover(&me(None), &nowhere).await.unwrap_err();
    assert!(matches!(&e, ProviderError::InvalidState(m) if m.starts_with("schedule: Invalid pk")), "{e:?}");

    // OnCall swaps only shifts that have not started.
    let started = ScheduleCover { start: Utc::now() - Duration::hours(1), ..cover(base) };
    let e = grafana.create_cover(&me(None), &started).await.unwrap_err();
    assert!(
        matches!(&e, ProviderError::InvalidState(m) if m == "swap_start must be a datetime in the future"),
        "{e:?}"
    );

    let asked = fake.server.request_count();
    let backwards = ScheduleCover { start: base + Duration::hours(2), end: base, ..cover(base) };
    assert!(matches!(grafana.create_cover(&me(None), &backwards).await, Err(ProviderError::InvalidState(_))));
    assert_eq!(fake.server.request_count(), asked, "refused before any request");
    let refused = reqwest::Client::new()
        .post(format!("{}/api/v1/shift_swaps/", fake.url()))
        .header("Authorization", GrafanaOncallFake::TOKEN)
        .json(&serde_json::json!({"schedule": SCHEDULE, "beneficiary": "U_ME",
                                  "swap_start": backwards.start.to_rfc3339(), "swap_end": backwards.end.to_rfc3339()}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);
    assert!(swaps(&fake, base).await.is_empty());
}

#[tokio::test]
async fn a_take_that_failed_is_retried_on_the_same_request() {
    let (fake, grafana) = setup().await;
    let base = base();
    seed(&fake.state, base);
    // The list and the request go through; the take fails as a busy platform would.
    fake.server.faults().push(Fault::Delay(StdDuration::ZERO));
    fake.server.faults().push(Fault::Delay(StdDuration::ZERO));
    fake.server.faults().push(Fault::Status(503, "busy".into()));
    let e = grafana.create_cover(&me(None), &cover(base)).await.unwrap_err();
    assert!(e.is_transient(), "{e:?}");
    assert!(!grafana.cover_exists(&me(None), &cover(base)).await.unwrap(), "asked for, not taken");
    assert_eq!(swaps(&fake, base).await[0]["status"], "open");

    grafana.create_cover(&me(None), &cover(base)).await.unwrap();
    let listed = swaps(&fake, base).await;
    assert_eq!(listed.len(), 1, "the open request was taken, not asked again: {listed:?}");
    assert!(grafana.cover_exists(&me(None), &cover(base)).await.unwrap());
    let (since, until) = range(base);
    assert_eq!(hours(&grafana.shifts(since, until).await.unwrap(), base), covered());
}

#[tokio::test]
async fn failures_are_transient_and_a_lost_answer_is_found_again() {
    let (fake, grafana) = setup().await;
    let base = base();
    cover_support::transient_failures(&fake.server, &grafana, &me(None), base).await;
    assert!(swaps(&fake, base).await.is_empty());

    // The take went through but its answer was lost.
    fake.server.faults().push(Fault::Delay(StdDuration::ZERO));
    fake.server.faults().push(Fault::Delay(StdDuration::ZERO));
    fake.server.faults().push(Fault::ResetAfterHandling);
    let e = grafana.create_cover(&me(None), &cover(base)).await.unwrap_err();
    assert!(e.uncertain(), "{e:?}");
    assert!(grafana.cover_exists(&me(None), &cover(base)).await.unwrap());
    assert_eq!(swaps(&fake, base).await.len(), 1);
}
