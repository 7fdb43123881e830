//! An action whose goal the platform already shows is done, not refused: each adapter tells it
//! from the platform's answer, or by reading the incident back after a refusal, against its
//! stateful fake over loopback HTTP. A refusal whose goal is not reached stays a refusal.

use chrono::{SubsecRound, Utc};
use klaxon_core::{Action, Performed, RemoteUser, Secret};
use klaxon_fakes::goalert::GoAlertFake;
use klaxon_fakes::grafana_oncall::GrafanaOncallFake;
use klaxon_fakes::pagerduty::PagerDutyFake;
use klaxon_fakes::{FakeStatus, Shared};
use klaxon_providers::goalert::GoAlert;
use klaxon_providers::grafana_oncall::GrafanaOncall;
use klaxon_providers::pagerduty::PagerDuty;
use klaxon_providers::{Connection, HttpOptions, Provider, ProviderError};

fn connection(base_url: String, token: &str) -> Connection {
    Connection { base_url, token: Secret::new(token), http: HttpOptions::default() }
}

fn me() -> RemoteUser {
    RemoteUser {
        id: "U_ME".into(),
        name: "Me Myself".into(),
        email: Some("me@example.com".into()),
        contact_methods: vec![],
    }
}

fn already(note: &str) -> Performed {
    Performed::AlreadyThere(note.into())
}

fn writes(state: &Shared, action: &str) -> usize {
    state.writes().iter().filter(|w| w.action == action).count()
}

fn refused(e: &ProviderError) -> bool {
    matches!(e, ProviderError::InvalidState(_)) && !e.is_transient()
}

#[tokio::test]
async fn grafana_oncall_acknowledging_an_acknowledged_group_is_already_there() {
    let fake = GrafanaOncallFake::start(Utc::now()).await.unwrap();
    let go = GrafanaOncall::new(connection(fake.url(), GrafanaOncallFake::TOKEN)).unwrap();
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());

    assert_eq!(go.perform(&me(), &id, &Action::Acknowledge).await.unwrap(), Performed::Applied);
    // OnCall answers 400 "Can't acknowledge an acknowledged alert group"; the group is read back.
    let again = go.perform(&me(), &id, &Action::Acknowledge).await.unwrap();
    assert_eq!(again, already("already acknowledged on the platform"));

    // Acknowledged elsewhere (on OnCall's own UI) before my ack was sent: the same.
    let other = fake.state.trigger("Acked in Grafana", &["U_ME"], Utc::now());
    fake.state.update(&other, |i| {
        i.status = FakeStatus::Acknowledged;
        i.acknowledged_at = Some(Utc::now());
    });
    let elsewhere = go.perform(&me(), &other, &Action::Acknowledge).await.unwrap();
    assert_eq!(elsewhere, already("already acknowledged on the platform"));

    assert_eq!(go.perform(&me(), &id, &Action::Resolve).await.unwrap(), Performed::Applied);
    assert_eq!(go.perform(&me(), &id, &Action::Resolve).await.unwrap(), already("already resolved on the platform"));
    // Resolved is not what an acknowledgement asks for: that refusal stands.
    let e = go.perform(&me(), &id, &Action::Acknowledge).await.unwrap_err();
    assert!(refused(&e) && e.to_string().contains("Can't acknowledge a resolved alert group"), "{e:?}");
    assert_eq!((writes(&fake.state, "acknowledge"), writes(&fake.state, "resolve")), (1, 1));
}

#[tokio::test]
async fn pagerduty_resolving_a_resolved_incident_is_already_there() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let pd = PagerDuty::new(connection(fake.url(), PagerDutyFake::TOKEN)).unwrap();
    let id = fake.state.trigger("Disk full", &["U_ME"], Utc::now());

    assert_eq!(pd.perform(&me(), &id, &Action::Resolve).await.unwrap(), Performed::Applied);
    // PagerDuty answers 400 "Incident Already Resolved"; the incident is read back.
    assert_eq!(pd.perform(&me(), &id, &Action::Resolve).await.unwrap(), already("already resolved on the platform"));
    for action in [Action::Acknowledge, Action::Escalate { to_level: 2 }] {
        let e = pd.perform(&me(), &id, &action).await.unwrap_err();
        assert!(refused(&e) && e.to_string().contains("Incident Already Resolved"), "{action:?}: {e:?}");
    }
    assert_eq!(writes(&fake.state, "resolve"), 1);
    let e = pd.perform(&me(), "NOPE", &Action::Resolve).await.unwrap_err();
    assert!(matches!(e, ProviderError::NotFound(_)), "a missing incident is not resolved: {e:?}");
}

#[tokio::test]
async fn goalert_says_when_an_alert_already_is_where_an_action_would_take_it() {
    let now = Utc::now().trunc_subsecs(0);
    let fake = GoAlertFake::start(now).await.unwrap();
    let goalert = GoAlert::new(connection(fake.url(), GoAlertFake::TOKEN)).unwrap();
    let me = goalert.current_user().await.unwrap();
    let id = fake.state.trigger("Disk full", &["U_ME"], now);
    let alert = fake.alert_ref(&id).unwrap();

    assert_eq!(goalert.perform(&me, &alert, &Action::Acknowledge).await.unwrap(), Performed::Applied);
    let again = goalert.perform(&me, &alert, &Action::Acknowledge).await.unwrap();
    assert_eq!(again, already("already acknowledged on the platform"));
    let escalate = Action::Escalate { to_level: 2 };
    assert_eq!(goalert.perform(&me, &alert, &escalate).await.unwrap(), Performed::Applied);
    let again = goalert.perform(&me, &alert, &escalate).await.unwrap();
    assert_eq!(again, already("already at escalation level 2 on the platform"));
    assert_eq!(goalert.perform(&me, &alert, &Action::Resolve).await.unwrap(), Performed::Applied);
    let again = goalert.perform(&me, &alert, &Action::Resolve).await.unwrap();
    assert_eq!(again, already("already resolved on the platform"));
    // GoAlert's statuses only move on: acknowledging a closed alert changes nothing, and says so.
    let late = goalert.perform(&me, &alert, &Action::Acknowledge).await.unwrap();
    assert_eq!(late, already("already resolved on the platform"));
    let e = goalert.perform(&me, &alert, &Action::Escalate { to_level: 3 }).await.unwrap_err();
    assert!(refused(&e), "{e:?}");
    assert_eq!((writes(&fake.state, "acknowledge"), writes(&fake.state, "escalate")), (1, 1));
    assert_eq!(writes(&fake.state, "resolve"), 1);
}
