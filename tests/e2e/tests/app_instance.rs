//! One pager per data dir: a second app launch hands over to the first (which stays the only
//! pager) and exits 0; the app and `klaxon watch` refuse each other with a clear error.

use klaxon_e2e::dbus::Session;
use klaxon_e2e::process::{Guard, tree_names};
use klaxon_e2e::x11::Xvfb;
use klaxon_e2e::{binary, free_port, team_file, wait_until};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn listening(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// Runs `cmd` to completion (bounded) and returns its exit code and stderr.
fn finish(mut cmd: Command, secs: u64) -> (Option<i32>, String) {
    let mut child = Guard::spawn("klaxon", cmd.stdout(Stdio::null()).stderr(Stdio::piped()));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let status = loop {
        if let Ok(Some(status)) = child.child.try_wait() {
            break Some(status);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut err = String::new();
    if let Some(mut stderr) = child.child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
    }
    (status.and_then(|s| s.code()), err)
}

#[test]
#[ignore = "needs Xvfb, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
fn a_second_launch_hands_over_and_app_and_watch_refuse_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(dir.path());
    session.start_keyring();
    session.start_notification_server();
    let xvfb = Xvfb::start();
    let port = free_port();
    let config = dir.path().join("klaxon.toml");
    std::fs::write(&config, team_file(port)).unwrap();
    let data = dir.path().join("data");
    let app = |name: &str| {
        let mut cmd = session.command(binary(name));
        cmd.env("DISPLAY", &xvfb.display)
            .env("KLAXON_CONFIG", &config)
            .env("KLAXON_DATA_DIR", &data)
            .env("HOME", dir.path())
            .stdin(Stdio::null());
        cmd
    };

    let mut first = Guard::spawn("klaxon-app", app("klaxon-app").stdout(Stdio::null()).stderr(Stdio::null()));
    wait_until(60, "the first app's intake", || listening(port).then_some(()));

    let (code, err) = finish(app("klaxon-app"), 30);
    assert_eq!(code, Some(0), "a second launch hands over to the first and exits 0: {err}");
    assert!(first.child.try_wait().unwrap().is_none(), "the first app keeps running");
    assert!(listening(port), "and keeps paging");

    let mut watch = app("klaxon");
    watch.arg("watch");
    let (code, err) = finish(watch, 30);
    assert_eq!(code, Some(1));
    assert!(err.contains("already running"), "{err}");

    first.terminate(Duration::from_secs(10));
    wait_until(10, "the port to close", || (!listening(port)).then_some(()));
    let mut watch =
        Guard::spawn("klaxon watch", app("klaxon").arg("watch").stdout(Stdio::null()).stderr(Stdio::null()));
    wait_until(30, "watch's intake", || listening(port).then_some(()));
    let (code, err) = finish(app("klaxon-app"), 30);
    assert_eq!(code, Some(1), "the app refuses a data dir that `klaxon watch` owns");
    assert!(err.contains("already running"), "{err}");
    watch.terminate(Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
async fn hidden_in_the_tray_there_is_no_webview_until_a_page_opens_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(dir.path());
    session.start_keyring();
    session.start_notification_server();
    let xvfb = Xvfb::start();
    let port = free_port();
    let config = dir.path().join("klaxon.toml");
    std::fs::write(&config, team_file(port)).unwrap();
    let app = Guard::spawn(
        "klaxon-app",
        session
            .command(binary("klaxon-app"))
            .arg("--hidden")
            .env("DISPLAY", &xvfb.display)
            .env("KLAXON_CONFIG", &config)
            .env("KLAXON_DATA_DIR", dir.path().join("data"))
            .env("HOME", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_until(60, "the app's intake", || listening(port).then_some(()));
    std::thread::sleep(Duration::from_secs(2));
    let pid = app.child.id();
    let names = tree_names(pid);
    assert!(!names.iter().any(|n| n.starts_with("WebKitWebProces")), "no webview while hidden: {names:?}");

    let token = String::from_utf8(
        session
            .command(binary("klaxon"))
            .env("KLAXON_CONFIG", &config)
            .env("KLAXON_DATA_DIR", dir.path().join("data"))
            .args(["intake", "token"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_owned();
    let resp = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/v1/alerts"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"title": "Site down", "severity": "sev1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    wait_until(30, "a page to open the window (a web process appears)", || {
        tree_names(pid).iter().any(|n| n.starts_with("WebKitWebProces")).then_some(())
    });
}
