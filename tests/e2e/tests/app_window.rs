//! The real app window, driven by tauri-driver + WebKitWebDriver under Xvfb on a private D-Bus
//! session: an Alertmanager payload → a critical Notify → the incident in the window → click
//! Acknowledge → the store and the UI both say acknowledged.

use fantoccini::{Client, ClientBuilder, Locator};
use klaxon_e2e::dbus::Session;
use klaxon_e2e::process::Guard;
use klaxon_e2e::x11::Xvfb;
use klaxon_e2e::{alertmanager_payload, binary, free_port, team_file, wait_until};
use serde_json::{Value, json};
use std::process::Stdio;
use std::time::{Duration, Instant};

async fn connect(port: u16, app: &std::path::Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("tauri:options".into(), json!({ "application": app }));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match ClientBuilder::native().capabilities(caps.clone()).connect(&format!("http://127.0.0.1:{port}")).await {
            Ok(c) => return c,
            Err(e) if Instant::now() < deadline => {
                eprintln!("webdriver not ready yet: {e}");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => panic!("cannot open a WebDriver session: {e}"),
        }
    }
}

async fn text_of(client: &Client, css: &str) -> Option<String> {
    let el = client.find(Locator::Css(css)).await.ok()?;
    // WebKitWebDriver reports no rendered text for elements inside a <button>; read the DOM's.
    el.prop("textContent").await.ok().flatten()
}

async fn wait_text(client: &Client, css: &str, want: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut last = None;
    while Instant::now() < deadline {
        last = text_of(client, css).await;
        if last.as_deref().map(str::trim) == Some(want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Leave evidence for whoever reads the failure.
    let evidence = binary("klaxon").with_file_name("app-window-failure");
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(evidence.with_extension("png"), png);
    }
    if let Ok(html) = client.source().await {
        let _ = std::fs::write(evidence.with_extension("html"), html);
    }
    panic!("{css} never read {want:?} (last: {last:?}); see {}.png/.html", evidence.display());
}

async fn wait_gone(client: &Client, css: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if client.find(Locator::Css(css)).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{css} is still there after {secs}s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
async fn page_appears_in_the_window_and_one_click_acknowledges() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(dir.path());
    session.start_keyring();
    session.start_notification_server();
    session.start_monitor();
    let xvfb = Xvfb::start();
    let port = free_port();
    let config = dir.path().join("klaxon.toml");
    std::fs::write(&config, team_file(port)).unwrap();
    let data = dir.path().join("data");

    // The pager runs first, as after login; the window tauri-driver starts attaches to it.
    let mut pager = Guard::spawn(
        "klaxon watch --tray",
        session
            .command(binary("klaxon"))
            .args(["watch", "--tray"])
            .env("DISPLAY", &xvfb.display)
            .env("KLAXON_CONFIG", &config)
            .env("KLAXON_DATA_DIR", &data)
            .env("HOME", dir.path())
            .stdout(std::fs::File::create(dir.path().join("pager.out")).unwrap())
            .stderr(std::fs::File::create(dir.path().join("pager.err")).unwrap()),
    );
    wait_until(60, "the pager's intake", || std::net::TcpStream::connect(("127.0.0.1", port)).ok());

    let (driver_port, native_port) = (free_port(), free_port());
    let mut driver = Guard::spawn(
        "tauri-driver",
        session
            .command("tauri-driver")
            .args(["--port", &driver_port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", &xvfb.display)
            .env("KLAXON_CONFIG", &config)
            .env("KLAXON_DATA_DIR", &data)
            .env("HOME", dir.path())
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .env("LIBGL_ALWAYS_SOFTWARE", "1")
            .stdout(std::fs::File::create(dir.path().join("driver.out")).unwrap())
            .stderr(std::fs::File::create(dir.path().join("driver.err")).unwrap()),
    );
    wait_until(30, "tauri-driver's port", || std::net::TcpStream::connect(("127.0.0.1", driver_port)).ok());
    let client = connect(driver_port, &binary("klaxon-app")).await;
    let klaxon = |args: &[&str]| {
        session
            .command(binary("klaxon"))
            .env("KLAXON_CONFIG", &config)
            .env("KLAXON_DATA_DIR", &data)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let token = String::from_utf8(klaxon(&["intake", "token"]).stdout).unwrap().trim().to_owned();
    let resp = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/v1/alertmanager"))
        .bearer_auth(&token)
        .json(&alertmanager_payload("e2e-app-1", "Disk full on db1"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    let call = wait_until(20, "a Notify call", || session.notify_calls().into_iter().next());
    assert_eq!(call.summary, "[SEV1] Disk full on db1");
    assert_eq!(call.urgency, Some(2), "pages are critical");

    // The page takes over the window; its Acknowledge button answers it.
    wait_text(&client, "[data-testid=page-screen] [data-testid=page-title]", "Disk full on db1", 20).await;
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(binary("klaxon").with_file_name("page-screen-e2e.png"), png);
    }
    client.find(Locator::Css("[data-testid=page-ack]")).await.unwrap().click().await.unwrap();
    wait_gone(&client, "[data-testid=page-screen]", 10).await;

    // The dashboard shows the answered incident.
    wait_text(&client, "[data-testid=incident-row] [data-testid=incident-title]", "Disk full on db1", 10).await;
    wait_text(&client, "[data-testid=incident-row] [data-testid=incident-status]", "acknowledged", 10).await;
    client.find(Locator::Css("[data-testid=incident-row]")).await.unwrap().click().await.unwrap();
    wait_text(&client, "[data-testid=detail-status]", "acknowledged", 10).await;
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(binary("klaxon").with_file_name("dashboard-e2e.png"), png);
    }

    let out = klaxon(&["--json", "incidents"]);
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["status"], "acknowledged", "the store says acknowledged: {list}");
    let id = list[0]["id"].as_i64().unwrap().to_string();
    let detail: Value = serde_json::from_slice(&klaxon(&["--json", "show", &id]).stdout).unwrap();
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
    let entry = std::fs::read_to_string(dir.path().join(".config/autostart/Klaxon.desktop")).unwrap();
    assert!(entry.lines().any(|l| l.starts_with("Exec=") && l.ends_with("--hidden")), "{entry}");
    let off = client.execute_async(&invoke("set_autostart", json!({"enabled": false})), vec![]).await.unwrap();
    assert_eq!(off, json!(false));
    assert!(!dir.path().join(".config/autostart/Klaxon.desktop").exists());

    client.close().await.unwrap();
    driver.terminate(Duration::from_secs(10));
    let status = pager.terminate(Duration::from_secs(10)).expect("the pager stops on SIGTERM");
    assert!(status.success(), "{status:?}");
    drop(xvfb);
}
