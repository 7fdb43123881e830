//! The 3 a.m. test in the real window (tauri-driver + WebKitWebDriver under Xvfb): mute is for the
//! page ringing and a new page rings through it; the dashboard behind the page lists what needs me
//! first, by name, and the keyboard moves through it.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use fantoccini::Locator;
use klaxon_e2e::window::{App, PAGE_ACK, PAGE_TITLE, keyboard, press, text_of, wait_enabled, wait_gone, wait_text};
use std::time::Duration;

const MUTED: &str = "[data-testid=page-screen] [data-testid=page-muted]";

async fn click(app: &App, css: &str) {
    app.client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

/// The incident ids of the dashboard's rows, top to bottom, and the selected one.
async fn rows(app: &App) -> (Vec<String>, Option<String>) {
    let script = r#"
const rows = [...document.querySelectorAll('[data-testid=incident-row]')];
return [rows.map((r) => r.dataset.incidentId), rows.find((r) => r.getAttribute('aria-pressed') === 'true')?.dataset.incidentId ?? null];
"#;
    let v = app.client.execute(script, vec![]).await.unwrap();
    let ids = v[0].as_array().unwrap().iter().map(|i| i.as_str().unwrap().to_owned()).collect();
    (ids, v[1].as_str().map(str::to_owned))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
async fn mute_is_per_page_a_new_page_rings_through_and_the_dashboard_reads_by_name() {
    let app = App::start().await;
    let client = &app.client;
    app.fire("Disk filling on db2", "sev2").await;
    wait_text(client, PAGE_TITLE, "Disk filling on db2", 20).await;
    wait_enabled(client, PAGE_ACK, 10).await;

    // Mute, then Unmute, then mute again: the page stays on screen, muted for a time.
    click(&app, "[data-testid=page-mute]").await;
    wait_enabled(client, "[data-testid=page-unmute]", 10).await;
    let muted = text_of(client, MUTED).await.unwrap_or_default();
    assert!(muted.trim().starts_with("Muted 4:") || muted.trim().starts_with("Muted 5:"), "{muted:?}");
    click(&app, "[data-testid=page-unmute]").await;
    wait_gone(client, MUTED, 10).await;
    click(&app, "[data-testid=page-mute]").await;
    wait_enabled(client, "[data-testid=page-unmute]", 10).await;

    // A new page, even a milder one, rings through the mute (the worse one stays on screen).
    app.fire("Queue lag on worker1", "sev2").await;
    wait_text(client, "[data-testid=page-more]", "+1 more paging", 20).await;
    wait_gone(client, MUTED, 10).await;
    assert_eq!(text_of(client, PAGE_TITLE).await.as_deref().map(str::trim), Some("Disk filling on db2"));

    // Behind the page: both need me, in ring order, assigned to "you" (never the id "alex").
    click(&app, "[data-testid=page-dashboard]").await;
    wait_gone(client, "[data-testid=page-screen]", 10).await;
    wait_text(client, "[data-testid=needs-me-heading]", "Needs me (2)", 10).await;
    let assignees = client.find_all(Locator::Css("[data-testid=incident-assignees]")).await.unwrap();
    for a in assignees {
        let text = a.prop("textContent").await.unwrap().unwrap_or_default();
        assert_eq!(text.trim(), "Assigned to you", "{text:?}");
    }

    // The keyboard moves the selection (j down, k up) and the detail follows.
    let (ids, selected) = rows(&app).await;
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert_eq!(selected.as_deref(), Some(ids[0].as_str()), "the first row is selected");
    tokio::time::timeout(Duration::from_secs(5), async {
        // a/e/r wait a second after the page screen closed; j/k move at once.
        client.perform_actions(press(keyboard(), 'j')).await.unwrap();
        while rows(&app).await.1.as_deref() != Some(ids[1].as_str()) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        client.perform_actions(press(keyboard(), 'k')).await.unwrap();
        while rows(&app).await.1.as_deref() != Some(ids[0].as_str()) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("j and k move the selection");
    app.stop().await;
}
