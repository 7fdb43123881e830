//! A PagerDuty account in the real window (tauri-driver + WebKitWebDriver under Xvfb), the
//! platform a loopback fake: its page reads by name (never `U_ME`, `EP1`); the dashboard's status
//! and whose filters; note, snooze and reassign lay out without overflowing at 800, 1100 and 1440
//! px (measured from the DOM); and the reassign picker finds a colleague by name and gives them the
//! incident on the platform.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use chrono::{Duration as Days, Utc};
use fantoccini::{Client, Locator};
use klaxon_e2e::window::{App, PAGE_TITLE, text_of, wait_enabled, wait_gone, wait_text};
use klaxon_e2e::{add_pagerduty_account, binary};
use klaxon_fakes::pagerduty::PagerDutyFake;
use klaxon_fakes::{FakePolicy, FakeStatus, FakeUser};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

/// Adds the fake as account `work`, through the CLI as a user would (token on stdin).
fn add_account(app: &App, url: &str) {
    let mut cmd = app.session.command(binary("klaxon"));
    cmd.env("KLAXON_CONFIG", &app.config).env("KLAXON_DATA_DIR", &app.data);
    add_pagerduty_account(cmd, "work", url, PagerDutyFake::TOKEN);
}

/// The titles of the dashboard's rows, top to bottom.
async fn titles(client: &Client) -> Vec<String> {
    let script = "return [...document.querySelectorAll('[data-testid=incident-row] [data-testid=incident-title]')]\
                  .map((t) => t.textContent.trim());";
    let v = client.execute(script, vec![]).await.unwrap();
    v.as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned()).collect()
}

async fn wait_titles(client: &Client, want: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = titles(client).await;
        if got == want {
            return;
        }
        assert!(Instant::now() < deadline, "rows {got:?}, wanted {want:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until some element matching `css` reads `want` (trimmed).
async fn wait_any_text(client: &Client, css: &str, want: &str, secs: u64) {
    let script = "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent.trim());";
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let texts = client.execute(script, vec![json!(css)]).await.unwrap();
        if texts.as_array().is_some_and(|t| t.iter().any(|t| t == want)) {
            return;
        }
        assert!(Instant::now() < deadline, "no {css} reads {want:?}: {texts}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Raw platform ids anywhere in the window's text.
async fn raw_ids(client: &Client) -> Vec<String> {
    let text = client.execute("return document.body.innerText;", vec![]).await.unwrap();
    let text = text.as_str().unwrap_or_default().to_owned();
    ["U_ME", "U_OTHER", "PSAM", "EP1", "EP2", "S_PRIMARY"]
        .iter()
        .filter(|id| text.contains(*id))
        .map(|id| (*id).to_owned())
        .collect()
}

/// How the incident detail lays out: its width, the secondary controls shown, and any element
/// reaching past the detail's right edge or past its own box.
const DETAIL_LAYOUT: &str = r#"
const detail = document.querySelector('[data-testid=incident-detail]');
const box = detail.getBoundingClientRect();
const secondary = detail.querySelector('[data-testid=secondary-actions]');
const all = [...secondary.querySelectorAll('*')];
const name = (e) => e.dataset.testid || e.className || e.tagName;
const outside = all.filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > box.right + 0.5 || r.left < box.left - 0.5); }).map(name);
const clipped = all
  .filter((e) => getComputedStyle(e).overflow === 'visible' && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
  .map(name);
const controls = ['note-input', 'note-button', 'snooze-minutes', 'snooze-button', 'reassign-input', 'reassign-button']
  .filter((id) => { const e = secondary.querySelector(`[data-testid=${id}]`); return e && e.getBoundingClientRect().width >= 24; });
return { width: window.innerWidth, outside, clipped, controls };
"#;

async fn layout_at(client: &Client, width: u32) -> Value {
    client.set_window_rect(0, 0, width, 900).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let layout = client.execute(DETAIL_LAYOUT, vec![]).await.unwrap();
        let resized = layout["width"].as_u64().is_some_and(|w| w.abs_diff(u64::from(width)) <= 16);
        if resized || Instant::now() > deadline {
            assert!(resized, "resized to {width}: {layout}");
            return layout;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
async fn a_pagerduty_incident_reads_by_name_filters_lays_out_and_is_reassigned_from_the_picker() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    {
        let mut p = fake.state.lock();
        p.users.push(FakeUser {
            id: "PSAM".into(),
            name: "Sam Lee".into(),
            email: "sam@example.com".into(),
            phone: None,
        });
        p.policies.push(FakePolicy {
            id: "EP2".into(),
            name: "Database".into(),
            levels: vec![(5, vec!["user:PSAM".into()])],
            repeat: 0,
        });
    }
    let cert = fake.state.trigger("Cert expiring on api", &["U_ME"], Utc::now() - Days::minutes(30));
    fake.state.update(&cert, |i| {
        i.status = FakeStatus::Acknowledged;
        i.acknowledged_at = Some(Utc::now() - Days::minutes(20));
    });
    let checkout = fake.state.trigger("Checkout 5xx", &["U_ME"], Utc::now() - Days::minutes(2));

    let app = App::start().await;
    let client = &app.client;
    add_account(&app, &fake.url());

    // The platform's page: its source, by name.
    wait_text(client, PAGE_TITLE, "Checkout 5xx", 60).await;
    wait_text(client, "[data-testid=page-screen] [data-testid=page-source]", "work", 10).await;
    assert_eq!(raw_ids(client).await, Vec::<String>::new(), "the page screen names people");
    wait_enabled(client, "[data-testid=page-dashboard]", 10).await;
    click(client, "[data-testid=page-dashboard]").await;
    wait_gone(client, "[data-testid=page-screen]", 10).await;

    // The dashboard: what needs me first; the filters narrow it.
    wait_text(client, "[data-testid=needs-me-heading]", "Needs me (1)", 20).await;
    wait_titles(client, &["Checkout 5xx", "Cert expiring on api"]).await;
    click(client, "[data-testid=filter-acknowledged]").await;
    wait_titles(client, &["Cert expiring on api"]).await;
    click(client, "[data-testid=filter-triggered]").await;
    wait_titles(client, &["Checkout 5xx"]).await;
    click(client, "[data-testid=filter-all]").await;
    click(client, "[data-testid=filter-mine]").await;
    wait_titles(client, &["Checkout 5xx", "Cert expiring on api"]).await;
    click(client, "[data-testid=filter-everyone]").await;
    wait_titles(client, &["Checkout 5xx", "Cert expiring on api"]).await;
    assert_eq!(raw_ids(client).await, Vec::<String>::new(), "the dashboard names people");

    // Note, snooze and reassign fit at every width (PagerDuty can do all three).
    wait_text(client, "[data-testid=incident-detail] h2", "Checkout 5xx", 10).await;
    wait_text(client, "[data-testid=escalate-button]", "Escalate to Other Person E", 10).await;
    for width in [800_u32, 1100, 1440] {
        let layout = layout_at(client, width).await;
        assert_eq!(layout["outside"], json!([]), "at {width} px: {layout}");
        assert_eq!(layout["clipped"], json!([]), "at {width} px: {layout}");
        assert_eq!(
            layout["controls"],
            json!([
                "note-input",
                "note-button",
                "snooze-minutes",
                "snooze-button",
                "reassign-input",
                "reassign-button"
            ]),
            "at {width} px: {layout}"
        );
    }

    // The picker finds Sam by name and gives Sam the incident on PagerDuty.
    let input = client.find(Locator::Css("[data-testid=reassign-input]")).await.unwrap();
    input.click().await.unwrap();
    input.send_keys("sam").await.unwrap();
    wait_text(client, "[data-testid=reassign-option] .name", "Sam Lee", 20).await;
    let layout = client.execute(DETAIL_LAYOUT, vec![]).await.unwrap();
    assert_eq!(layout["outside"], json!([]), "the open picker fits: {layout}");
    app.screenshot("reassign-picker-e2e.png").await;
    click(client, "[data-testid=reassign-option]").await;
    wait_text(client, "[data-testid=reassign-button]", "Reassign to Sam Lee", 10).await;
    click(client, "[data-testid=reassign-button]").await;
    wait_any_text(client, "[data-testid=log-said]", "Reassigned to Sam Lee by you", 10).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while !fake.state.writes().iter().any(|w| w.incident == checkout && w.action == "reassign") {
        assert!(Instant::now() < deadline, "the reassignment never reached PagerDuty: {:?}", fake.state.writes());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(fake.state.incident(&checkout).unwrap().assignees, ["PSAM"]);
    let detail = text_of(client, "[data-testid=incident-detail]").await.unwrap_or_default();
    assert!(!detail.contains("PSAM"), "{detail}");
    app.stop().await;
}
