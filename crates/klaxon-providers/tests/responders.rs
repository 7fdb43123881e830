//! Whom an incident can be reassigned to, over real HTTP on loopback: PagerDuty's users across
//! pages, a reassignment to an escalation policy, and platforms that cannot reassign refusing to
//! list users without a request.

use chrono::Utc;
use klaxon_core::{Action, ReassignTo, RemoteUser, Secret};
use klaxon_fakes::goalert::GoAlertFake;
use klaxon_fakes::grafana_oncall::GrafanaOncallFake;
use klaxon_fakes::pagerduty::PagerDutyFake;
use klaxon_fakes::{FakePolicy, FakeStatus, FakeUser};
use klaxon_providers::{Connection, HttpOptions, Provider, ProviderError};

fn connection(url: String, token: &str) -> Connection {
    Connection { base_url: url, token: Secret::new(token), http: HttpOptions::default() }
}

fn me() -> RemoteUser {
    RemoteUser {
        id: "U_ME".into(),
        name: "Me Myself".into(),
        email: Some("me@example.com".into()),
        contact_methods: vec![],
    }
}

#[tokio::test]
async fn pagerduty_lists_every_user_across_pages() {
    let fake = PagerDutyFake::start(Utc::now()).await.expect("the fake starts");
    fake.state.lock().users.extend((0..248).map(|n| FakeUser {
        id: format!("P{n:04}"),
        name: format!("Person {n:04}"),
        email: format!("p{n}@example.com"),
        phone: None,
    }));
    let pd = klaxon_providers::pagerduty::PagerDuty::new(connection(fake.url(), PagerDutyFake::TOKEN)).expect("valid");
    let users = pd.users().await.expect("users");
    assert_eq!(users.len(), 250);
    assert_eq!(
        users.iter().filter(|u| u.id == "P0247").map(|u| u.email.as_deref()).next(),
        Some(Some("p247@example.com"))
    );
    let pages: Vec<String> = fake
        .server
        .requests()
        .iter()
        .filter(|r| r.path == "/users")
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(pages.len(), 3, "100 a page: {pages:?}");
    assert!(pages[2].contains("offset=200"), "{pages:?}");
}

#[tokio::test]
async fn pagerduty_reassigns_to_an_escalation_policy_from_its_first_level() {
    let fake = PagerDutyFake::start(Utc::now()).await.expect("the fake starts");
    fake.state.lock().policies.push(FakePolicy {
        id: "EP2".into(),
        name: "Database".into(),
        levels: vec![(5, vec!["user:U_OTHER".into()])],
        repeat: 0,
    });
    let id = fake.state.trigger("Replica lag", &["U_ME"], Utc::now());
    let pd = klaxon_providers::pagerduty::PagerDuty::new(connection(fake.url(), PagerDutyFake::TOKEN)).expect("valid");
    let to_policy = Action::Reassign { to: ReassignTo::Policy { escalation_policy: "EP2".into() } };
    let taken = Utc::now();
    assert!(!pd.already_applied(&me(), &id, &to_policy, taken).await.expect("read"));
    pd.perform(&me(), &id, &to_policy).await.expect("reassigned");
    let i = fake.state.incident(&id).expect("kept");
    assert_eq!(
        (i.status, i.policy.as_str(), i.level, i.assignees.clone()),
        (FakeStatus::Triggered, "EP2", 1, vec!["U_OTHER".to_owned()])
    );
    assert_eq!(
        fake.server.requests().iter().rev().find(|r| r.method == "PUT").map(|r| r.json()),
        Some(serde_json::json!({"incident": {"type": "incident_reference",
            "escalation_policy": {"id": "EP2", "type": "escalation_policy_reference"}}}))
    );
    assert!(pd.already_applied(&me(), &id, &to_policy, taken).await.expect("read"));

    let unknown = Action::Reassign { to: ReassignTo::Policy { escalation_policy: "EP404".into() } };
    let refused = pd.perform(&me(), &id, &unknown).await;
    assert!(matches!(refused, Err(ProviderError::InvalidState(_))), "{refused:?}");
}

#[tokio::test]
async fn platforms_that_cannot_reassign_list_no_users_and_ask_nothing() {
    let grafana = GrafanaOncallFake::start(Utc::now()).await.expect("the fake starts");
    let goalert = GoAlertFake::start(Utc::now()).await.expect("the fake starts");
    let adapters: [(Box<dyn Provider>, &klaxon_fakes::FakeServer); 2] = [
        (
            Box::new(
                klaxon_providers::grafana_oncall::GrafanaOncall::new(connection(
                    grafana.url(),
                    GrafanaOncallFake::TOKEN,
                ))
                .expect("valid"),
            ),
            &grafana.server,
        ),
        (
            Box::new(
                klaxon_providers::goalert::GoAlert::new(connection(goalert.url(), GoAlertFake::TOKEN)).expect("valid"),
            ),
            &goalert.server,
        ),
    ];
    for (adapter, server) in adapters {
        let refused = adapter.users().await;
        assert!(matches!(&refused, Err(ProviderError::Unsupported(why)) if why.contains("reassign")), "{refused:?}");
        assert_eq!(server.request_count(), 0);
    }
}
