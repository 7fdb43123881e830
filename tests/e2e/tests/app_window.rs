//! The real app window, driven by tauri-driver + WebKitWebDriver under Xvfb on a private D-Bus
//! session: an Alertmanager payload → a critical Notify → the incident in the window → click
//! Acknowledge → the store and the UI both say acknowledged. And the 3 a.m. test: a double tap on
//! A acknowledges the page on screen, not the one that takes its place; a Sev1 takes over from a
//! ringing Sev2; the top bar fits on one line from 1100 px and nothing overflows at 800 px; the
//! window opens again where and as large as it was closed.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions (the app's setup) fail loudly

use fantoccini::actions::InputSource;
use fantoccini::{Client, Locator};
use klaxon_e2e::process::tree_names;
use klaxon_e2e::window::{
    App, PAGE_ACK, PAGE_TITLE, connect, keyboard, press, text_of, wait_enabled, wait_gone, wait_text,
};
use klaxon_e2e::x11::close_window;
use klaxon_e2e::{binary, wait_until};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
async fn page_appears_in_the_window_and_one_click_acknowledges() {
    let app = App::start().await;
    let client = &app.client;
    app.alert("e2e-app-1", "Disk full on db1").await;

    let call = wait_until(20, "a Notify call", || app.session.notify_calls().into_iter().next());
    assert_eq!(call.summary, "[SEV1] Disk full on db1");
    assert_eq!(call.urgency, Some(2), "pages are critical");

    // The page takes over the window; its Acknowledge button answers it (once it can be answered).
    wait_text(client, PAGE_TITLE, "Disk full on db1", 20).await;
    wait_enabled(client, PAGE_ACK, 10).await;
    app.screenshot("page-screen-e2e.png").await;
    wait_enabled(client, PAGE_ACK, 10).await;
    client.find(Locator::Css(PAGE_ACK)).await.unwrap().click().await.unwrap();
    wait_gone(client, "[data-testid=page-screen]", 10).await;

    // The dashboard shows the answered incident.
    wait_text(client, "[data-testid=incident-row] [data-testid=incident-title]", "Disk full on db1", 10).await;
    wait_text(client, "[data-testid=incident-row] [data-testid=incident-status]", "acknowledged", 10).await;
    client.find(Locator::Css("[data-testid=incident-row]")).await.unwrap().click().await.unwrap();
    wait_text(client, "[data-testid=detail-status]", "acknowledged", 10).await;
    app.screenshot("dashboard-e2e.png").await;

    let list = app.incidents();
    assert_eq!(list[0]["status"], "acknowledged", "the store says acknowledged: {list:?}");
    let id = list[0]["id"].as_i64().unwrap().to_string();
    let detail: Value = serde_json::from_slice(&app.klaxon(&["--json", "show", &id]).stdout).unwrap();
    let last = detail["log"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "acknowledged");
    assert_eq!(last["actor"], "alex");

    // Start at login, hidden in the tray: the app writes an XDG autostart entry with --hidden.
    let invoke = |cmd: &str, args: Value| {
        format!(
            "const done = arguments[arguments.length - 1];\
             window.__TAURI_INTERNALS__.invoke('{cmd}', {args}).then(done, e => done({{ error: e }}));"
        )
    };
    let on = client.execute_async(&invoke("set_autostart", json!({"enabled": true})), vec![]).await.unwrap();
    assert_eq!(on, json!(true), "{on}");
    let entry = std::fs::read_to_string(app.dir.path().join(".config/autostart/Klaxon.desktop")).unwrap();
    assert!(entry.lines().any(|l| l.starts_with("Exec=") && l.ends_with("--hidden")), "{entry}");
    let off = client.execute_async(&invoke("set_autostart", json!({"enabled": false})), vec![]).await.unwrap();
    assert_eq!(off, json!(false));
    assert!(!app.dir.path().join(".config/autostart/Klaxon.desktop").exists());

    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
async fn a_double_tap_acknowledges_only_the_page_on_screen() {
    let app = App::start().await;
    let client = &app.client;
    app.alert("e2e-tap-1", "Queue lag on worker1").await;
    wait_text(client, PAGE_TITLE, "Queue lag on worker1", 20).await;
    app.alert("e2e-tap-2", "Database primary down").await;
    wait_until(20, "both pages in the store", || (app.incidents().len() == 2).then_some(()));
    wait_text(client, "[data-testid=page-more]", "+1 more paging", 20).await;
    wait_enabled(client, PAGE_ACK, 10).await;

    // Two taps on A, 250 ms apart: the first answers the page on screen, the next page takes its
    // place, and the second tap finds it not answerable yet.
    let taps = press(press(keyboard(), 'a').pause(Duration::from_millis(250)), 'a');
    client.perform_actions(taps).await.unwrap();
    wait_text(client, PAGE_TITLE, "Database primary down", 10).await;
    app.screenshot("page-next-e2e.png").await;
    assert_eq!(app.status_of("Queue lag on worker1"), "acknowledged");

    // Once the moment passed, the second page is still on screen and unanswered.
    wait_enabled(client, PAGE_ACK, 10).await;
    assert_eq!(text_of(client, PAGE_TITLE).await.as_deref().map(str::trim), Some("Database primary down"));
    assert_eq!(app.status_of("Database primary down"), "triggered");

    // Now A answers it.
    client.perform_actions(press(keyboard(), 'a')).await.unwrap();
    wait_gone(client, "[data-testid=page-screen]", 10).await;
    assert_eq!(app.status_of("Database primary down"), "acknowledged");

    app.stop().await;
}

/// How the top bar lays out at the window's width: how many lines its items take, and the items
/// that reach past the bar's right edge or past their own box.
const TOP_BAR_LAYOUT: &str = r#"
const bar = document.querySelector('.topbar');
const box = bar.getBoundingClientRect();
const items = [...bar.children];
// Items centred on one line share their middle (within a pixel or two); each other middle is a line.
const middles = items.map((e) => { const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2; }).sort((a, b) => a - b);
const lines = middles.filter((m, i) => i === 0 || m - middles[i - 1] > 3).length;
const outside = items.filter((e) => e.getBoundingClientRect().right > box.right + 0.5).map((e) => e.className);
const clipped = [...bar.querySelectorAll('*')]
  .filter((e) => getComputedStyle(e).overflow === 'visible' && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
  .map((e) => e.className || e.tagName);
return { width: window.innerWidth, lines, outside, clipped };
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
async fn the_worst_page_takes_over_and_the_top_bar_fits_every_width() {
    let app = App::start().await;
    let client = &app.client;
    app.fire("Disk filling on db2", "sev2").await;
    wait_text(client, PAGE_TITLE, "Disk filling on db2", 20).await;
    app.fire("Checkout down", "sev1").await;
    wait_text(client, PAGE_TITLE, "Checkout down", 20).await;
    wait_text(client, "[data-testid=waiting-page] .title", "Disk filling on db2", 10).await;

    wait_enabled(client, PAGE_ACK, 10).await;
    app.screenshot("page-screen-e2e.png").await;

    // The dashboard stays reachable while the pages ring.
    client.find(Locator::Css("[data-testid=page-dashboard]")).await.unwrap().click().await.unwrap();
    wait_gone(client, "[data-testid=page-screen]", 10).await;
    wait_text(client, "[data-testid=still-paging] span", "Still paging: Checkout down (+1 more)", 10).await;
    for width in [800_u32, 1100, 1440] {
        client.set_window_rect(0, 0, width, 800).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let layout = loop {
            let layout = client.execute(TOP_BAR_LAYOUT, vec![]).await.unwrap();
            if layout["width"].as_u64().is_some_and(|w| w.abs_diff(u64::from(width)) <= 16) || Instant::now() > deadline
            {
                break layout;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(layout["width"].as_u64().is_some_and(|w| w.abs_diff(u64::from(width)) <= 16), "resized: {layout}");
        assert_eq!(layout["outside"], json!([]), "at {width} px: {layout}");
        assert_eq!(layout["clipped"], json!([]), "at {width} px: {layout}");
        if width >= 1100 {
            assert_eq!(layout["lines"], 1, "one line at {width} px: {layout}");
        }
    }
    app.screenshot("top-bar-1440-e2e.png").await;
    app.stop().await;
}

/// The window's outer rect (x, y, width, height) through WebDriver.
async fn window_rect(client: &Client) -> Option<(u64, u64, u64, u64)> {
    client.get_window_rect().await.ok()
}

/// Polls the window's rect until it is `want` (Xvfb runs no window manager to move or round it).
async fn wait_rect(client: &Client, want: (u64, u64, u64, u64), secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut last = None;
    while Instant::now() < deadline {
        last = window_rect(client).await;
        if last == Some(want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the window's rect never read {want:?} (last: {last:?})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
async fn the_window_opens_where_and_as_large_as_it_was_closed() {
    let mut app = App::start().await;
    let first = window_rect(&app.client).await.expect("the window has a rect");
    let moved = (123, 77, 800, 500);
    assert_ne!(first, moved);
    app.client.set_window_rect(123, 77, 800, 500).await.unwrap();
    wait_rect(&app.client, moved, 10).await;

    // Closed as a user closes it (the window manager's close button): the window's process ends,
    // the pager stays, and the state file is in the app's config dir under this test's XDG dirs.
    let driver = app.driver.child.id();
    assert!(tree_names(driver).iter().any(|n| n == "klaxon-app"), "{:?}", tree_names(driver));
    wait_until(10, "the window to take the close request", || close_window(&app.xvfb.display, "Klaxon").then_some(()));
    // Once in three loaded CI runs the window outlived its first close request (cause not found:
    // see the session notes); a request that comes too early is sent again, as a user clicks again.
    let mut asked = Instant::now();
    wait_until(30, "the window's process to end", || {
        let gone = !tree_names(driver).iter().any(|n| n == "klaxon-app");
        if !gone && asked.elapsed() > Duration::from_secs(5) {
            close_window(&app.xvfb.display, "Klaxon");
            asked = Instant::now();
        }
        gone.then_some(())
    });
    assert!(app.pager.child.try_wait().unwrap().is_none(), "the pager keeps running");
    let saved = app.session.dir.join("xdg-config/dev.klaxon.app/.window-state.json");
    let state: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!((&state["main"]["x"], &state["main"]["width"]), (&json!(123), &json!(800)), "{state}");

    // Opened again on the same dirs: it comes back where it was, as large as it was.
    let _ = app.client.clone().close().await; // the old session's window is gone already
    app.client = connect(app.driver_port, &binary("klaxon-app")).await;
    wait_rect(&app.client, moved, 10).await;
    app.screenshot("window-state-e2e.png").await;

    app.stop().await;
}
