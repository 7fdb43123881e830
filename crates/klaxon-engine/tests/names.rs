//! People by name in the dashboard list and the detail: the team file's people for local
//! incidents, a platform account's synced people for its incidents, me as "you", unknown ids as ids.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use chrono::Utc;
use common::Setup;
use klaxon_engine::core::{
    Account, AccountKind, Incident, IncidentStatus, LogEntry, LogKind, OnCallEntry, Severity, Urgency,
};
use klaxon_engine::{DASHBOARD_LIMIT, Klaxon};

async fn incident(k: &Klaxon, account: &str, title: &str, assignees: &[&str], log: &[LogEntry]) -> Incident {
    let mut i = Incident::new_triggered(account, title, Severity::Sev2, Urgency::High, Utc::now());
    i.provider_ref = title.to_owned();
    i.assignees = assignees.iter().map(|a| (*a).to_owned()).collect();
    k.store().insert_incident(&i, log).await.unwrap()
}

fn names(row: &[klaxon_engine::core::PersonRef]) -> Vec<&str> {
    row.iter().map(|p| p.name.as_str()).collect()
}

async fn with_platform(k: &Klaxon) {
    let account = Account {
        name: "pd".into(),
        kind: AccountKind::PagerDuty,
        base_url: Some("http://127.0.0.1:9".into()),
        user_id: Some("PME".into()),
        user_name: Some("Alex on PD".into()),
        user_email: None,
        poll_secs: 15,
        created_at: Utc::now(),
        last_synced_at: None,
        last_error: None,
    };
    k.store().add_account(&account).await.unwrap();
    let sam = OnCallEntry {
        policy: "Ops".into(),
        level: 2,
        person_id: "PSAM".into(),
        person_name: "Sam Lee".into(),
        rotation: None,
        until: None,
        me: false,
    };
    k.store().save_on_call("pd", &[sam], &[]).await.unwrap();
}

#[tokio::test]
async fn the_list_names_people_per_account_and_knows_what_is_mine() {
    let setup = Setup::new("10m");
    let k = setup.klaxon().await;
    with_platform(&k).await;
    incident(&k, "local", "local mine", &["alex", "sam", "ghost"], &[]).await;
    incident(&k, "local", "local theirs", &["sam"], &[]).await;
    incident(&k, "pd", "pd mine", &["PME"], &[]).await;
    incident(&k, "pd", "pd escalated away", &["PSAM", "PNOBODY"], &[]).await;
    // "alex" means me only on the local account.
    incident(&k, "pd", "pd alex", &["alex"], &[]).await;

    let page = k.incident_page(false, DASHBOARD_LIMIT).await.unwrap();
    let row = |title: &str| page.incidents.iter().find(|r| r.title == title).unwrap();
    assert!(row("local mine").mine);
    assert_eq!(names(&row("local mine").assigned_to), ["you", "Sam", "ghost"]);
    assert!(!row("local theirs").mine);
    assert!(row("pd mine").mine);
    assert_eq!(names(&row("pd mine").assigned_to), ["you"]);
    assert!(!row("pd escalated away").mine);
    assert_eq!(names(&row("pd escalated away").assigned_to), ["Sam Lee", "PNOBODY"]);
    assert!(!row("pd alex").mine);
    assert_eq!(names(&row("pd alex").assigned_to), ["alex"]);
}

#[tokio::test]
async fn the_detail_names_who_did_what() {
    let setup = Setup::new("10m");
    let k = setup.klaxon().await;
    with_platform(&k).await;
    let now = Utc::now();
    let log = [
        LogEntry::new(now, LogKind::Triggered, "Triggered", None),
        LogEntry::new(now, LogKind::Acknowledged, "Acknowledged", Some("PSAM")),
        LogEntry::new(now, LogKind::Note, "Looking", Some("PME")),
    ];
    let i = incident(&k, "pd", "pd", &["PSAM"], &log).await;
    k.store().update_incident(i.id, |i| i.acknowledge(now, "PSAM").map(|l| vec![l])).await.unwrap();

    let d = k.incident(i.id).await.unwrap();
    assert_eq!(d.incident.status, IncidentStatus::Acknowledged);
    assert!(!d.incident.mine, "acknowledged by Sam, assigned to Sam");
    let by: Vec<Option<&str>> = d.log.iter().map(|l| l.by.as_ref().map(|p| p.name.as_str())).collect();
    assert_eq!(by, [None, Some("Sam Lee"), Some("you"), Some("Sam Lee")]);
    let said: Vec<&str> = d.log.iter().map(|l| l.said.as_str()).collect();
    assert_eq!(said, ["Triggered", "Acknowledged — Sam Lee", "Looking — you", "Acknowledged by Sam Lee"]);

    let local = incident(&k, "local", "local", &["alex"], &[]).await;
    k.store().update_incident(local.id, |i| i.acknowledge(now, "alex").map(|l| vec![l])).await.unwrap();
    let d = k.incident(local.id).await.unwrap();
    assert!(d.incident.mine, "acknowledged by me and still mine");
    assert_eq!(d.log.last().unwrap().by.as_ref().unwrap().name, "you");
    assert_eq!(d.log.last().unwrap().said, "Acknowledged by you");
}

#[tokio::test]
async fn on_call_marks_me_per_account() {
    let setup = Setup::new("10m");
    let k = setup.klaxon().await;
    with_platform(&k).await;
    let me_on_pd = OnCallEntry {
        policy: "Ops".into(),
        level: 1,
        person_id: "PME".into(),
        person_name: "Alex on PD".into(),
        rotation: None,
        until: None,
        me: false,
    };
    let sam = OnCallEntry { person_id: "PSAM".into(), person_name: "Sam Lee".into(), level: 2, ..me_on_pd.clone() };
    k.store().save_on_call("pd", &[me_on_pd, sam], &[]).await.unwrap();
    let status = k.on_call_everywhere().await.unwrap();
    let me: Vec<(&str, bool)> = status.entries.iter().map(|e| (e.person_id.as_str(), e.me)).collect();
    // The team file's level 1 (alex, me), level 2 (sam), then the platform's.
    assert_eq!(me, [("alex", true), ("sam", false), ("PME", true), ("PSAM", false)]);
}
