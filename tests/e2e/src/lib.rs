//! Harness for end-to-end tests: each test gets its own D-Bus session bus, notification server,
//! Notify monitor, unlocked keyring and (for the app) its own X display. Every process started
//! here is stopped when its guard drops.

pub mod alsa;
pub mod dbus;
pub mod env;
pub mod process;
pub mod window;
pub mod x11;

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The workspace's debug binaries (built by `cargo build` before the tests run).
pub fn binary(name: &str) -> PathBuf {
    profile_binary("debug", name)
}

/// A binary of the given cargo profile directory (`debug`, `release`).
pub fn profile_binary(profile: &str, name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let path = target.join(profile).join(name);
    assert!(path.exists(), "{} is missing: build it first", path.display());
    path
}

/// Runs `klaxon` (`cmd`, with its environment set) as `accounts add pagerduty --name NAME
/// --base-url URL --token-stdin`, the token written to its stdin as a user would; fails the test
/// if the account is not added.
#[allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests
pub fn add_pagerduty_account(mut cmd: std::process::Command, name: &str, url: &str, token: &str) {
    use std::io::Write;
    use std::process::Stdio;
    let mut add = cmd
        .args(["accounts", "add", "pagerduty", "--name", name, "--base-url", url, "--token-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(token.as_bytes()).unwrap();
    let added = add.wait_with_output().unwrap();
    assert!(added.status.success(), "accounts add: {}", String::from_utf8_lossy(&added.stderr));
}

/// Polls `check` every 100 ms until it returns `Some` or `secs` pass.
pub fn wait_until<T>(secs: u64, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out after {secs}s waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(0)
}

/// A team file for tests: me = alex (levels 1 and 2), intake on `port` with the token in the OS
/// keyring. Append a `[pager]` section for other pager settings.
pub fn team_file(port: u16) -> String {
    format!(
        r#"
me = "alex"
[[people]]
id = "alex"
name = "Alex"
[[rotations]]
id = "primary"
start = 2026-01-05T09:00:00Z
participants = ["alex"]
[[escalation_policies]]
id = "default"
[[escalation_policies.levels]]
delay = "10m"
targets = ["rotation:primary"]
[[escalation_policies.levels]]
delay = "10m"
targets = ["person:alex"]
[intake]
listen = "127.0.0.1:{port}"
"#
    )
}

/// An Alertmanager webhook payload (version 4) with one firing alert.
pub fn alertmanager_payload(fingerprint: &str, summary: &str) -> serde_json::Value {
    serde_json::json!({
        "version": "4", "groupKey": "{}:{alertname=\"DiskFull\"}", "status": "firing", "receiver": "klaxon",
        "groupLabels": {"alertname": "DiskFull"}, "commonLabels": {"alertname": "DiskFull"},
        "commonAnnotations": {}, "externalURL": "http://127.0.0.1:9093", "truncatedAlerts": 0,
        "alerts": [{
            "status": "firing",
            "labels": {"alertname": "DiskFull", "severity": "critical", "service": "db", "instance": "db1"},
            "annotations": {"summary": summary}, "startsAt": "2026-11-21T00:00:00Z",
            "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://127.0.0.1:9090/graph", "fingerprint": fingerprint
        }]
    })
}
