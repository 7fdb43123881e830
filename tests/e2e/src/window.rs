//! The real app window for the WebDriver tests: the pager (as after login) and the window
//! tauri-driver starts on it, on an Xvfb display and a D-Bus session of their own, with helpers to
//! read and wait for what the window shows.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use crate::dbus::Session;
use crate::process::Guard;
use crate::x11::Xvfb;
use crate::{alertmanager_payload, binary, free_port, team_file, wait_until};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// How long one attempt to open a WebDriver session may take. Once, under load, WebKitWebDriver
/// never answered a new session although the window had rendered: a hang, not a failure, so each
/// attempt is bounded and retried (a stuck test would otherwise hold CI until its time limit).
const SESSION_ATTEMPT: Duration = Duration::from_secs(40);

/// A WebDriver session on the app binary `app`, once tauri-driver on `port` takes one.
pub async fn connect(port: u16, app: &std::path::Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("tauri:options".into(), json!({ "application": app }));
    let deadline = Instant::now() + Duration::from_secs(60);
    let url = format!("http://127.0.0.1:{port}");
    loop {
        let mut builder = ClientBuilder::native();
        builder.capabilities(caps.clone());
        let error = match tokio::time::timeout(SESSION_ATTEMPT, builder.connect(&url)).await {
            Ok(Ok(c)) => return c,
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {SESSION_ATTEMPT:?}"),
        };
        assert!(Instant::now() < deadline, "cannot open a WebDriver session: {error}");
        eprintln!("webdriver not ready yet: {error}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The text of the first element matching `css`.
pub async fn text_of(client: &Client, css: &str) -> Option<String> {
    let el = client.find(Locator::Css(css)).await.ok()?;
    // WebKitWebDriver reports no rendered text for elements inside a <button>; read the DOM's.
    el.prop("textContent").await.ok().flatten()
}

/// Waits until `css` reads `want` (trimmed); on failure leaves a screenshot and the page source.
pub async fn wait_text(client: &Client, css: &str, want: &str, secs: u64) {
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

/// Waits until nothing matches `css`.
pub async fn wait_gone(client: &Client, css: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if client.find(Locator::Css(css)).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{css} is still there after {secs}s");
}

/// Waits until the element matching `css` is enabled.
pub async fn wait_enabled(client: &Client, css: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if let Ok(el) = client.find(Locator::Css(css)).await
            && el.is_enabled().await.unwrap_or(false)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} is not enabled after {secs}s");
}

/// How long one App may run before its window's processes are killed.
const TEST_LIMIT: Duration = Duration::from_secs(240);

/// Kills tauri-driver and everything under it (WebKitWebDriver, the window) if the test runs past
/// its limit: a WebDriver request that never answers then fails the test instead of holding CI
/// until its time limit. Disarmed when dropped.
#[derive(Debug)]
pub struct Watchdog {
    _armed: std::sync::mpsc::Sender<()>,
}

impl Watchdog {
    fn start(driver: u32, limit: Duration) -> Self {
        let (armed, disarmed) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            if disarmed.recv_timeout(limit) == Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                eprintln!("the test ran past {limit:?}: killing tauri-driver and the window so that it fails");
                for pid in crate::process::tree(driver).into_iter().rev() {
                    let _ = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status();
                }
            }
        });
        Self { _armed: armed }
    }
}

/// The pager, as after login, and the app window tauri-driver starts on it: on a display and a
/// D-Bus session of their own. Fields drop in this order: the window before the pager, the
/// temporary directory last.
pub struct App {
    pub client: Client,
    pub driver: Guard,
    pub pager: Guard,
    pub xvfb: Xvfb,
    pub session: Session,
    pub port: u16,
    pub driver_port: u16,
    pub config: PathBuf,
    pub data: PathBuf,
    /// Kills the window's processes if the test hangs.
    pub watchdog: Watchdog,
    pub dir: tempfile::TempDir,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("port", &self.port).field("data", &self.data).finish_non_exhaustive()
    }
}

impl App {
    /// Starts the pager and the window on a display and a D-Bus session of their own.
    pub async fn start() -> Self {
        Self::start_with(team_file).await
    }

    /// [`App::start`] with the team file `team` writes for the intake's port.
    pub async fn start_with(team: impl FnOnce(u16) -> String) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut session = Session::start(dir.path());
        session.start_keyring();
        session.start_notification_server();
        session.start_monitor();
        let xvfb = Xvfb::start();
        let port = free_port();
        let config = dir.path().join("klaxon.toml");
        std::fs::write(&config, team(port)).unwrap();
        let data = dir.path().join("data");

        // The pager runs first, as after login; the window tauri-driver starts attaches to it.
        let pager = Guard::spawn(
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
        let driver = Guard::spawn(
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
        let watchdog = Watchdog::start(driver.child.id(), TEST_LIMIT);
        let client = connect(driver_port, &binary("klaxon-app")).await;
        Self { client, driver, pager, xvfb, session, port, driver_port, config, data, dir, watchdog }
    }

    /// Runs the `klaxon` CLI on this pager's files.
    pub fn klaxon(&self, args: &[&str]) -> Output {
        self.session
            .command(binary("klaxon"))
            .env("KLAXON_CONFIG", &self.config)
            .env("KLAXON_DATA_DIR", &self.data)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Sends an Alertmanager alert to the pager's intake.
    pub async fn alert(&self, fingerprint: &str, summary: &str) {
        let token = String::from_utf8(self.klaxon(&["intake", "token"]).stdout).unwrap().trim().to_owned();
        let resp = reqwest::Client::new()
            .post(format!("http://127.0.0.1:{}/v1/alertmanager", self.port))
            .bearer_auth(&token)
            .json(&alertmanager_payload(fingerprint, summary))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }

    /// Sends a plain JSON alert to the pager's intake.
    pub async fn fire(&self, title: &str, severity: &str) {
        let token = String::from_utf8(self.klaxon(&["intake", "token"]).stdout).unwrap().trim().to_owned();
        let resp = reqwest::Client::new()
            .post(format!("http://127.0.0.1:{}/v1/alerts", self.port))
            .bearer_auth(&token)
            .json(&json!({"title": title, "severity": severity}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }

    /// The store's incidents (`klaxon --json incidents`).
    pub fn incidents(&self) -> Vec<Value> {
        let out = self.klaxon(&["--json", "incidents"]);
        let list: Value = serde_json::from_slice(&out.stdout).unwrap();
        list.as_array().cloned().unwrap_or_default()
    }

    /// The status the store gives the incident titled `title`.
    pub fn status_of(&self, title: &str) -> String {
        let list = self.incidents();
        let found = list.iter().find(|i| i["title"] == title).unwrap_or_else(|| panic!("no {title:?} in {list:?}"));
        found["status"].as_str().unwrap().to_owned()
    }

    pub async fn screenshot(&self, name: &str) {
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(binary("klaxon").with_file_name(name), png);
        }
    }

    pub async fn stop(mut self) {
        self.client.clone().close().await.unwrap();
        self.driver.terminate(Duration::from_secs(10));
        let status = self.pager.terminate(Duration::from_secs(10)).expect("the pager stops on SIGTERM");
        assert!(status.success(), "{status:?}");
    }
}

/// An empty run of key actions.
pub fn keyboard() -> KeyActions {
    KeyActions::new("keyboard".into())
}

/// `keys`, then a press of `key`.
pub fn press(keys: KeyActions, key: char) -> KeyActions {
    keys.then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key })
}

pub const PAGE_TITLE: &str = "[data-testid=page-screen] [data-testid=page-title]";
/// The page screen's Acknowledge: disabled for a moment whenever a page comes on screen.
pub const PAGE_ACK: &str = "[data-testid=page-screen] [data-testid=page-ack]";
