//! Opening the cache file: damaged files are refused untouched, an emptied file is said out loud
//! (until dismissed), the file is private, and a page's record goes from begun to sent.
#![allow(clippy::unwrap_used)] // test helpers: a failed step is a failed test

use chrono::Utc;
use klaxon_core::pager::PageKey;
use klaxon_core::{Alert, AlertAction, Details, IncidentId, LogEntry, LogKind, Severity, team_file};
use klaxon_store::{PageRecord, Store, StoreError};
use std::path::Path;

fn alert(n: usize) -> Alert {
    Alert {
        source: "test".into(),
        dedup_key: Some(format!("k{n}")),
        title: format!("Disk full {n} {}", "x".repeat(200)),
        severity: Severity::Sev1,
        urgency: None,
        service: Some("db".into()),
        details: Details { text: Some("y".repeat(500)), labels: Default::default() },
        web_url: None,
        action: AlertAction::Trigger,
    }
}

/// A store at `path` with `n` incidents, closed (its WAL checkpointed into the file).
async fn filled(path: &Path, n: usize) {
    let team = team_file::parse("me = \"alex\"\n[[people]]\nid = \"alex\"\n").unwrap().team;
    let store = Store::open(path).await.unwrap();
    let alerts: Vec<Alert> = (0..n).map(alert).collect();
    store.ingest_alerts(&alerts, &team, Utc::now()).await.unwrap();
    store.close().await;
}

#[tokio::test]
async fn a_damaged_file_is_refused_with_what_to_do_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klaxon.db");
    filled(&path, 60).await;
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 8 * 4096, "several pages: {}", bytes.len());
    bytes[3 * 4096..6 * 4096].fill(0xa5);
    std::fs::write(&path, &bytes).unwrap();

    let err = Store::open(&path).await.unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("is damaged") && text.contains("left the file") && text.contains(".damaged"), "{text}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "not one byte changed");

    std::fs::write(&path, b"this is not a database, just some text that is long enough........").unwrap();
    let err = Store::open(&path).await.unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "not a database at all: {err}");
}

#[tokio::test]
async fn an_emptied_file_starts_anew_and_says_so_until_dismissed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klaxon.db");
    filled(&path, 3).await;
    std::fs::write(&path, b"").unwrap();

    let store = Store::open(&path).await.unwrap();
    assert!(store.found_empty());
    let warnings = store.warnings().await.unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("was found empty (0 bytes)"), "{warnings:?}");
    store.close().await;

    // Another process opening it later (the window, the CLI) still sees the warning.
    let other = Store::open(&path).await.unwrap();
    assert!(!other.found_empty());
    assert_eq!(other.warnings().await.unwrap(), warnings);
    other.dismiss_warnings().await.unwrap();
    assert!(other.warnings().await.unwrap().is_empty());
    other.close().await;

    // A new file (none before) is nothing to warn about.
    let fresh = Store::open(&dir.path().join("new.db")).await.unwrap();
    assert!(!fresh.found_empty() && fresh.warnings().await.unwrap().is_empty());
}

#[cfg(unix)]
#[tokio::test]
async fn the_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klaxon.db");
    std::fs::write(&path, b"").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = Store::open(&path).await.unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600, "an existing file is made private");
    assert_eq!(mode(&dir.path().join("klaxon.db-wal")), 0o600, "the WAL follows");
    store.close().await;
}

#[tokio::test]
async fn a_page_is_begun_before_it_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klaxon.db");
    filled(&path, 2).await;
    let store = Store::open(&path).await.unwrap();
    let key = |id| PageKey { incident: IncidentId(id), trigger_seq: 1 };
    assert_eq!(store.page_state(key(1), "me").await.unwrap(), None);
    assert!(store.begin_page(key(1), Utc::now(), "me").await.unwrap());
    assert_eq!(store.page_state(key(1), "me").await.unwrap(), Some(PageRecord::Sending { ours: true }));
    let other = store.page_state(key(1), "a later pager").await.unwrap();
    assert_eq!(other, Some(PageRecord::Sending { ours: false }), "to another pager it was interrupted");
    assert!(store.unpaged_triggers().await.unwrap().iter().any(|i| i.id == IncidentId(1)), "begun is not paged");
    let log = LogEntry::new(Utc::now(), LogKind::Notified, "Paged Alex via x", Some("klaxon"));
    assert!(store.record_page(key(1), &log).await.unwrap());
    assert!(!store.record_page(key(1), &log).await.unwrap(), "recorded once");
    assert!(!store.begin_page(key(1), Utc::now(), "me").await.unwrap(), "a sent page is not begun again");
    let states = store.page_states(&[key(1), key(2)], "me").await.unwrap();
    assert_eq!(states.get(&key(1)), Some(&PageRecord::Sent));
    assert_eq!(states.get(&key(2)), None);
    let notified =
        store.incident_log(IncidentId(1)).await.unwrap().iter().filter(|l| l.kind == LogKind::Notified).count();
    assert_eq!(notified, 1, "one timeline entry");
    // A page whose incident is gone (its account was removed) records nothing and fails nothing.
    assert!(!store.begin_page(key(99), Utc::now(), "me").await.unwrap());
    assert!(!store.record_page(key(99), &log).await.unwrap());
    store.record_pages(&[(key(99), log.clone()), (key(2), log.clone())]).await.unwrap();
    assert_eq!(store.page_state(key(2), "me").await.unwrap(), Some(PageRecord::Sent), "the others still are");
    store.close().await;
}
