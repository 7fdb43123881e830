//! "Cover my shift" on PagerDuty: a schedule override made through the adapter shows in the
//! rendered final schedule and in who is on call, is found again after a lost answer, and the
//! platform's refusals and failures keep their kinds.

mod cover_support;

use chrono::{Duration, Utc};
use cover_support::{COLLEAGUE, SCHEDULE, base, connection, cover, me, overrides};
use klaxon_core::remote::ScheduleCover;
use klaxon_fakes::Fault;
use klaxon_fakes::pagerduty::PagerDutyFake;
use klaxon_providers::pagerduty::PagerDuty;
use klaxon_providers::{Provider, ProviderError};

async fn setup() -> (PagerDutyFake, PagerDuty) {
    let fake = PagerDutyFake::start(Utc::now()).await.expect("the fake starts");
    let pd = PagerDuty::new(connection(fake.url(), PagerDutyFake::TOKEN)).expect("a loopback URL is valid");
    (fake, pd)
}

#[tokio::test]
async fn an_override_puts_the_colleague_on_for_its_range_and_me_elsewhere() {
    let (fake, pd) = setup().await;
    let base = cover_support::seeded_and_uncovered(&fake.state, &pd, &me(None)).await;
    let id = pd.create_cover(&me(None), &cover(base)).await.unwrap();
    assert!(!id.is_empty());
    cover_support::shows_covered(&pd, &me(None), base).await;
    let (since, until) = cover_support::range(base);
    let shifts = pd.shifts(since, until).await.unwrap();
    assert!(shifts.iter().any(|s| s.person_id == COLLEAGUE && s.person_name == "Other Person"));

    // The request, as PagerDuty documents it (no `From` needed for overrides).
    let post = fake.server.requests().into_iter().find(|r| r.method == "POST").unwrap();
    assert_eq!(post.path, "/schedules/S_PRIMARY/overrides");
    let sent = &post.json()["overrides"][0];
    assert_eq!((sent["user"]["id"].as_str(), sent["user"]["type"].as_str()), (Some(COLLEAGUE), Some("user_reference")));
    assert_eq!(sent["start"].as_str(), Some(cover(base).start.format("%Y-%m-%dT%H:%M:%SZ").to_string().as_str()));
    let someone_else = ScheduleCover { user_id: "U_ME".into(), ..cover(base) };
    assert!(!pd.cover_exists(&me(None), &someone_else).await.unwrap(), "another person is another cover");
}

#[tokio::test]
async fn an_override_running_now_changes_who_is_on_call() {
    let (_fake, pd) = setup().await;
    let (cover, entries) = cover_support::covering_now(&pd, &me(None)).await;
    assert!(entries[0].until.is_some_and(|t| (t - cover.end).num_seconds().abs() <= 1), "{entries:?}");
}

#[tokio::test]
async fn refusals_keep_the_platforms_message_and_are_final() {
    let (fake, pd) = setup().await;
    let base = base();
    let nobody = ScheduleCover { user_id: "U_NOBODY".into(), ..cover(base) };
    let e = pd.create_cover(&me(None), &nobody).await.unwrap_err();
    assert!(matches!(&e, ProviderError::InvalidState(m) if m.contains("User not found")), "{e:?}");
    assert!(!e.is_transient());

    let nowhere = ScheduleCover { schedule_id: "S_NOPE".into(), ..cover(base) };
    let e = pd.create_cover(&me(None), &nowhere).await.unwrap_err();
    assert!(matches!(e, ProviderError::NotFound(_)) && !e.is_transient(), "{e:?}");
    assert!(matches!(pd.cover_exists(&me(None), &nowhere).await, Err(ProviderError::NotFound(_))));

    // An override that ends before it starts is refused before any request.
    let asked = fake.server.request_count();
    let backwards = ScheduleCover { end: base, start: base + Duration::hours(1), ..cover(base) };
    let e = pd.create_cover(&me(None), &backwards).await.unwrap_err();
    assert!(matches!(e, ProviderError::InvalidState(_)) && !e.is_transient(), "{e:?}");
    assert_eq!(fake.server.request_count(), asked);
    assert_eq!(overrides(&fake.state), 0);

    // The fake refuses it too, in the answer for that override.
    let body = serde_json::json!({"overrides": [{"start": "2030-01-02T00:00:00Z", "end": "2030-01-01T00:00:00Z",
                                                  "user": {"id": COLLEAGUE, "type": "user_reference"}}]});
    let answer = cover_support::answer(
        reqwest::Client::new()
            .post(format!("{}/schedules/{SCHEDULE}/overrides", fake.url()))
            .header("Authorization", format!("Token token={}", PagerDutyFake::TOKEN))
            .json(&body),
    )
    .await;
    assert_eq!(answer[0]["status"], 400, "{answer}");
    assert_eq!(overrides(&fake.state), 0);
}

#[tokio::test]
async fn failures_are_transient_and_a_lost_answer_is_found_again() {
    let (fake, pd) = setup().await;
    let base = base();
    cover_support::transient_failures(&fake.server, &pd, &me(None), base).await;
    assert_eq!(overrides(&fake.state), 0, "nothing was made");

    // Made, but the answer never came: the retry asks first and does not make a second one.
    fake.server.faults().push(Fault::ResetAfterHandling);
    let e = pd.create_cover(&me(None), &cover(base)).await.unwrap_err();
    assert!(e.uncertain(), "{e:?}");
    assert!(pd.cover_exists(&me(None), &cover(base)).await.unwrap());
    assert_eq!(overrides(&fake.state), 1);
    fake.server.faults().push(Fault::Malformed);
    assert!(matches!(pd.cover_exists(&me(None), &cover(base)).await, Err(ProviderError::Malformed(_))));
}
