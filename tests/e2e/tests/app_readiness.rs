//! The Readiness view in the real window (tauri-driver + WebKitWebDriver under Xvfb): a checklist
//! file next to the team file, run from the window against a real socket; a manual item ticked;
//! the top bar's badge follows; a new hire's onboarding plan ticked there too.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use fantoccini::{Client, Locator};
use klaxon_e2e::window::{App, text_of, wait_text};

async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

const LIST: &str = "[data-testid=checklist][data-name=e2e]";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
async fn a_checklist_runs_from_the_window_a_tick_makes_it_ready_and_the_badge_follows() {
    let app = App::start().await;
    let client = &app.client;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // The pager wrote the examples on first run; this team keeps one checklist of its own.
    let dir = app.dir.path().join("checklists");
    assert!(dir.join("pre-shift.toml").exists(), "the examples are written on first run");
    for entry in std::fs::read_dir(&dir).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    std::fs::write(
        dir.join("e2e.toml"),
        format!(
            "title = \"Before my shift\"\nbefore_shift = \"30m\"\n\
             [[items]]\nid = \"vpn\"\ntitle = \"VPN reaches the internal network\"\ntcp = {{ host = \"127.0.0.1\", port = {port} }}\n\
             [[items]]\nid = \"handover\"\ntitle = \"Read the handover\"\nmanual = {{}}\n"
        ),
    )
    .unwrap();
    let start = chrono::Utc::now().date_naive();
    std::fs::write(
        dir.join("onboarding-alex.toml"),
        format!(
            "[plan]\nnew_hire = \"alex\"\nmentor = \"sam\"\nstart = {start}\n[[phases]]\ntitle = \"Week 1\"\nweeks = 1\n\
             [[phases.tasks]]\nid = \"runbooks\"\ntitle = \"Read the runbook\"\nread = [\"https://wiki.example.com/db\"]\n"
        ),
    )
    .unwrap();

    click(client, "[data-testid=readiness-button]").await;
    wait_text(client, &format!("{LIST} [data-testid=checklist-verdict]"), "Not run yet", 20).await;
    wait_text(client, "[data-testid=readiness-badge]", "not checked", 10).await;
    click(client, &format!("{LIST} [data-testid=run-checklist]")).await;
    wait_text(client, &format!("{LIST} [data-testid=checklist-verdict]"), "Waiting for you", 20).await;
    wait_text(client, "[data-testid=readiness-badge]", "1 waiting", 10).await;
    let evidence =
        text_of(client, &format!("{LIST} [data-item=vpn] [data-testid=item-evidence]")).await.unwrap_or_default();
    assert!(evidence.contains(&format!("tcp 127.0.0.1:{port} — connected")), "{evidence}");

    click(client, &format!("{LIST} [data-item=handover] [data-testid=tick-item]")).await;
    wait_text(client, &format!("{LIST} [data-testid=checklist-verdict]"), "Ready", 20).await;
    wait_text(client, "[data-testid=readiness-badge]", "ready", 10).await;
    // The new hire's plan below: a link read, ticked in the window.
    wait_text(client, "[data-testid=plan-progress]", "0 of 1 done", 10).await;
    click(client, "[data-testid=read-link]").await;
    wait_text(client, "[data-testid=plan-progress]", "1 of 1 done", 10).await;
    wait_text(client, "[data-testid=plan-next]", "All done.", 10).await;
    app.screenshot("readiness-e2e.png").await;

    // Stored: the CLI sees the same results and the tick.
    let out = app.klaxon(&["--json", "check", "history", "e2e"]);
    let runs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(runs.as_array().map(Vec::len), Some(2), "the run and the tick's re-check: {runs}");
    drop(listener);
    app.stop().await;
}
