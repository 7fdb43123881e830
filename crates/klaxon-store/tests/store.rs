//! Store tests on real SQLite files in temp dirs.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use chrono::{DateTime, Duration, TimeZone, Utc};
use klaxon_core::pager::{PageKey, page_for};
use klaxon_core::{Alert, AlertAction, Details, IncidentStatus, LogEntry, LogKind, Severity, Team, team_file};
use klaxon_store::{IngestChange, ListScope, Store, StoreError};
use std::path::PathBuf;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + secs, 0).single().unwrap()
}

fn team() -> Team {
    team_file::parse(
        r#"
me = "alex"
[[people]]
id = "alex"
[[people]]
id = "sam"
[[escalation_policies]]
id = "default"
[[escalation_policies.levels]]
delay = "5m"
targets = ["alex"]
[[escalation_policies.levels]]
delay = "5m"
targets = ["sam"]
"#,
    )
    .unwrap()
    .team
}

fn alert(key: Option<&str>, action: AlertAction) -> Alert {
    Alert {
        source: "test".into(),
        dedup_key: key.map(str::to_owned),
        title: "Disk full".into(),
        severity: Severity::Sev1,
        urgency: None,
        service: Some("db".into()),
        details: Details { text: Some("95% used".into()), labels: [("host".to_string(), "db1".to_string())].into() },
        web_url: None,
        action,
    }
}

async fn open() -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klaxon.db");
    let store = Store::open(&path).await.unwrap();
    (dir, path, store)
}

#[tokio::test]
async fn creates_a_wal_database_with_full_sync() {
    let (_dir, path, store) = open().await;
    assert!(path.exists());
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut sqlx::SqliteConnection::connect(path.to_str().unwrap()).await.unwrap())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    store.close().await;
}

use sqlx::Connection;

#[tokio::test]
async fn ingest_creates_then_dedups_then_resolves() {
    let (_dir, _path, store) = open().await;
    let team = team();
    let first = store.ingest_alert(&alert(Some("k1"), AlertAction::Trigger), &team, t(0)).await.unwrap();
    assert_eq!(first.change, IngestChange::Created);
    let inc = first.incident.unwrap();
    assert_eq!(inc.provider_ref, inc.id.to_string());
    assert_eq!(inc.assignees, ["alex"]);

    let again = store.ingest_alert(&alert(Some("k1"), AlertAction::Trigger), &team, t(5)).await.unwrap();
    assert_eq!(again.change, IngestChange::Updated);
    assert_eq!(again.incident.as_ref().unwrap().id, inc.id, "same dedup key, same incident");

    let other = store.ingest_alert(&alert(None, AlertAction::Trigger), &team, t(6)).await.unwrap();
    assert_ne!(other.incident.unwrap().id, inc.id, "no dedup key, new incident");

    let done = store.ingest_alert(&alert(Some("k1"), AlertAction::Resolve), &team, t(9)).await.unwrap();
    assert_eq!(done.incident.unwrap().status, IncidentStatus::Resolved);
    let ignored = store.ingest_alert(&alert(Some("k1"), AlertAction::Resolve), &team, t(10)).await.unwrap();
    assert_eq!(ignored.change, IngestChange::Ignored);

    let stored = store.incident(inc.id).await.unwrap();
    assert_eq!(stored.status, IncidentStatus::Resolved);
    assert_eq!(stored.alert_count, 2);
    assert_eq!(stored.details.labels["host"], "db1");
    let kinds: Vec<LogKind> = store.incident_log(inc.id).await.unwrap().iter().map(|l| l.kind).collect();
    assert_eq!(kinds, [LogKind::Triggered, LogKind::AlertRepeated, LogKind::Resolved]);

    let retrigger = store.ingest_alert(&alert(Some("k1"), AlertAction::Trigger), &team, t(11)).await.unwrap();
    assert_eq!(retrigger.change, IngestChange::Created, "a resolved incident frees its key");
}

#[tokio::test]
async fn updates_are_atomic_and_refusals_write_nothing() {
    let (_dir, _path, store) = open().await;
    let team = team();
    let inc = store.ingest_alert(&alert(Some("k"), AlertAction::Trigger), &team, t(0)).await.unwrap().incident.unwrap();
    let (acked, log) = store.update_incident(inc.id, |i| i.acknowledge(t(1), "alex").map(|l| vec![l])).await.unwrap();
    assert_eq!(acked.status, IncidentStatus::Acknowledged);
    assert_eq!(log.len(), 1);
    let err = store.update_incident(inc.id, |i| i.acknowledge(t(2), "alex").map(|l| vec![l])).await.unwrap_err();
    assert!(matches!(err, StoreError::Rejected(_)), "{err}");
    let stored = store.incident(inc.id).await.unwrap();
    assert_eq!(stored.acknowledged_at, Some(t(1)));
    assert_eq!(store.incident_log(inc.id).await.unwrap().len(), 2);
    let missing = store.incident(klaxon_core::IncidentId(999)).await.unwrap_err();
    assert_eq!(missing.to_string(), "incident 999 not found");
}

#[tokio::test]
async fn lists_open_and_recent() {
    let (_dir, _path, store) = open().await;
    let team = team();
    let now = Utc::now();
    let old =
        store.ingest_alert(&alert(Some("old"), AlertAction::Trigger), &team, now - Duration::days(30)).await.unwrap();
    let old_id = old.incident.unwrap().id;
    store.update_incident(old_id, |i| i.resolve(now - Duration::days(29), "alex").map(|l| vec![l])).await.unwrap();
    let a = store.ingest_alert(&alert(Some("a"), AlertAction::Trigger), &team, now).await.unwrap().incident.unwrap();
    let b = store.ingest_alert(&alert(Some("b"), AlertAction::Trigger), &team, now).await.unwrap().incident.unwrap();
    store.update_incident(b.id, |i| i.resolve(now, "alex").map(|l| vec![l])).await.unwrap();

    let (open, total) = store.list_incidents(ListScope::Open, now, None).await.unwrap();
    assert_eq!(open.iter().map(|i| i.id).collect::<Vec<_>>(), [a.id]);
    assert_eq!(total, 1);
    let (recent, total) = store.list_incidents(ListScope::Recent, now, None).await.unwrap();
    let mut recent: Vec<_> = recent.into_iter().map(|i| i.id).collect();
    recent.sort();
    assert_eq!(recent, [a.id, b.id], "resolved 30-day-old incident is out of the recent window");
    assert_eq!(total, 2);
}

#[tokio::test]
async fn pages_are_recorded_once_and_survive_restart() {
    let (_dir, path, store) = open().await;
    let team = team();
    let inc = store.ingest_alert(&alert(Some("k"), AlertAction::Trigger), &team, t(0)).await.unwrap().incident.unwrap();
    let unpaged = store.unpaged_triggers().await.unwrap();
    assert_eq!(unpaged.len(), 1);
    let key = page_for(&unpaged[0], "alex").unwrap();
    let note = LogEntry::new(t(1), LogKind::Notified, "Paged alex", Some("klaxon"));
    assert!(store.record_page(key, &note).await.unwrap());
    assert!(!store.record_page(key, &note).await.unwrap(), "second record is a no-op");
    store.close().await;

    let store = Store::open(&path).await.unwrap();
    assert!(store.was_paged(key).await.unwrap());
    assert!(store.unpaged_triggers().await.unwrap().is_empty(), "no re-page after restart");
    let log = store.incident_log(inc.id).await.unwrap();
    assert_eq!(log.iter().filter(|l| l.kind == LogKind::Notified).count(), 1);
    // Escalation bumps the trigger: a new page is due.
    store
        .update_incident(inc.id, |i| team.escalate(i, t(300), None, &klaxon_core::Roster::default()).map(|l| vec![l]))
        .await
        .unwrap();
    let again = store.unpaged_triggers().await.unwrap();
    assert_eq!(again[0].trigger_seq, 2);
    assert_eq!(page_for(&again[0], "alex"), None, "level 2 is sam's");
    assert_eq!(page_for(&again[0], "sam"), Some(PageKey { incident: inc.id, trigger_seq: 2 }));
}

#[tokio::test]
async fn finds_due_escalations() {
    let (_dir, _path, store) = open().await;
    let team = team();
    let inc = store.ingest_alert(&alert(Some("k"), AlertAction::Trigger), &team, t(0)).await.unwrap().incident.unwrap();
    assert_eq!(store.next_escalation_time().await.unwrap(), Some(t(300)));
    assert!(store.due_escalations(t(299)).await.unwrap().is_empty());
    assert_eq!(store.due_escalations(t(300)).await.unwrap(), [inc.id]);
    store.update_incident(inc.id, |i| i.acknowledge(t(100), "alex").map(|l| vec![l])).await.unwrap();
    assert!(store.due_escalations(t(400)).await.unwrap().is_empty(), "acknowledged: no escalation");
    assert_eq!(store.next_escalation_time().await.unwrap(), None);
}

#[tokio::test]
async fn refuses_a_newer_schema_and_leaves_the_file_untouched() {
    let (_dir, path, store) = open().await;
    // As a newer Klaxon would have left it; every connection closed (WAL checkpointed) before
    // the bytes are taken.
    let mut newer = sqlx::SqliteConnection::connect(path.to_str().unwrap()).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99, 'from the future', 1, x'00', 0)",
    )
    .execute(&mut newer)
    .await
    .unwrap();
    newer.close().await.unwrap();
    store.close().await;
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).await.unwrap_err();
    match &err {
        StoreError::NewerSchema { found, supported, .. } => {
            assert_eq!((*found, *supported), (99, klaxon_store::SCHEMA_VERSION))
        }
        other => panic!("expected NewerSchema, got {other}"),
    }
    assert!(err.to_string().contains("left untouched"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "file bytes unchanged");
    assert!(
        !path.with_extension("db-wal").exists() || std::fs::metadata(path.with_extension("db-wal")).unwrap().len() == 0
    );
}

#[tokio::test]
async fn watcher_sees_commits_from_another_handle() {
    let (_dir, path, store) = open().await;
    let mut watcher = store.change_watcher().await.unwrap();
    assert!(!watcher.changed().await.unwrap());
    let other = Store::open(&path).await.unwrap(); // as another process would
    other.ingest_alert(&alert(Some("k"), AlertAction::Trigger), &team(), t(0)).await.unwrap();
    assert!(watcher.changed().await.unwrap());
    assert!(!watcher.changed().await.unwrap());
}

#[tokio::test]
async fn saves_the_team() {
    let (_dir, _path, store) = open().await;
    store.save_team("local", &team()).await.unwrap();
    store.save_team("local", &team()).await.unwrap();
    let people: Vec<String> = store.people("local").await.unwrap().into_iter().map(|p| p.id).collect();
    assert_eq!(people, ["alex", "sam"]);
}

#[tokio::test]
async fn lists_in_dashboard_order_and_limits() {
    let (_dir, _path, store) = open().await;
    let team = team();
    for i in 0..40i64 {
        let mut a = alert(Some(&format!("k{i}")), AlertAction::Trigger);
        a.severity = Severity::ALL[(i % 4) as usize];
        store.ingest_alert(&a, &team, t(i % 7)).await.unwrap();
    }
    let (all, total) = store.list_incidents(ListScope::Open, t(100), None).await.unwrap();
    assert_eq!((all.len(), total), (40, 40));
    let mut by_rule = all.clone();
    by_rule.sort_by(klaxon_core::Incident::dashboard_order);
    assert_eq!(all, by_rule, "SQL order is the domain's dashboard order");
    let (page, total) = store.list_incidents(ListScope::Open, t(100), Some(5)).await.unwrap();
    assert_eq!(total, 40);
    assert_eq!(page, all[..5], "a limited list is the head of the full one");
}

#[tokio::test]
async fn settings_survive_a_reopen_and_can_be_removed() {
    let (_dir, path, store) = open().await;
    assert_eq!(store.setting::<Vec<String>>(klaxon_store::SHADOW_FOLLOW).await.unwrap(), None);
    let follow = vec!["person:sam".to_owned(), "level:default:2".to_owned()];
    store.set_setting(klaxon_store::SHADOW_FOLLOW, Some(&follow)).await.unwrap();
    store.set_setting(klaxon_store::SHADOW_FOLLOW, Some(&follow[..1].to_vec())).await.unwrap();
    store.close().await;
    let store = Store::open(&path).await.unwrap();
    assert_eq!(store.setting::<Vec<String>>(klaxon_store::SHADOW_FOLLOW).await.unwrap(), Some(follow[..1].to_vec()));
    let wrong_type = store.setting::<u32>(klaxon_store::SHADOW_FOLLOW).await.unwrap_err();
    assert!(wrong_type.to_string().contains("shadow.follow"), "{wrong_type}");
    store.set_setting::<Vec<String>>(klaxon_store::SHADOW_FOLLOW, None).await.unwrap();
    assert_eq!(store.setting::<Vec<String>>(klaxon_store::SHADOW_FOLLOW).await.unwrap(), None);
}
