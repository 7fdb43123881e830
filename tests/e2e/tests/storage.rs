//! The pager's files under bad conditions: a damaged database is refused untouched, an emptied
//! one is said out loud, files are private whatever the umask, and a full disk neither wedges
//! the intake nor pages twice.
#![allow(clippy::unwrap_used)] // test helpers: a failed step is a failed test

use klaxon_e2e::env::Env;
use klaxon_e2e::process::Guard;
use klaxon_e2e::{team_file, wait_until};
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn watch(env: &Env, name: &str) -> Guard {
    Guard::spawn(
        "klaxon watch",
        env.klaxon().arg("watch").stdout(env.log(&format!("{name}.out"))).stderr(env.log(&format!("{name}.err"))),
    )
}

fn read_log(env: &Env, name: &str) -> String {
    std::fs::read_to_string(env.dir.path().join(name)).unwrap_or_default()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

async fn post(env: &Env, token: &str, title: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("http://127.0.0.1:{}/v1/alerts", env.port))
        .bearer_auth(token)
        .json(&serde_json::json!({"title": title, "severity": "sev1"}))
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

/// Starts `klaxon watch`, sends `count` alerts, waits for their pages, and stops it cleanly.
async fn fill(env: &Env, count: usize) -> String {
    let mut pager = watch(env, "fill");
    wait_until(30, "the intake to listen", || env.listening().then_some(()));
    let token = String::from_utf8(env.run(&["intake", "token"]).stdout).unwrap().trim().to_owned();
    for n in 0..count {
        assert_eq!(post(env, &token, &format!("fill {n}")).await, 200);
    }
    wait_until(30, "the pages", || (env.session.notify_calls().len() >= count).then_some(()));
    assert!(pager.terminate(Duration::from_secs(10)).is_some_and(|s| s.success()));
    token
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dbus-daemon, python3-dbusmock and gnome-keyring; run by scripts/test.sh"]
async fn a_damaged_database_is_refused_and_left_untouched() {
    let mut env = Env::new();
    env.session.start_monitor();
    fill(&env, 40).await;
    let db = env.data.join("klaxon.db");
    let wal = std::fs::metadata(env.data.join("klaxon.db-wal")).map_or(0, |m| m.len());
    assert_eq!(wal, 0, "a clean stop checkpointed the WAL into the file");
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() >= 4 * 4096, "a database of several pages: {}", bytes.len());
    // Damage pages 2 to 4 (b-tree pages) the way a bad sector or a torn copy would.
    bytes[4096..4 * 4096].fill(0x55);
    std::fs::write(&db, &bytes).unwrap();

    let mut pager = watch(&env, "damaged");
    let status = wait_until(30, "klaxon watch to refuse", || pager.child.try_wait().unwrap());
    assert_eq!(status.code(), Some(1), "a runtime error, not a crash");
    let err = read_log(&env, "damaged.err");
    assert!(err.contains("is damaged"), "{err}");
    assert!(err.contains("left the file untouched") && err.contains(".damaged"), "says what to do: {err}");
    assert!(!env.listening(), "no intake answering 503 to every alert");
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "the file is left as it was");

    // Started as the desktop app's pager (nobody reads its output), it says so on the desktop.
    let mut tray = Guard::spawn(
        "klaxon watch --tray",
        env.klaxon().args(["watch", "--tray"]).stdout(env.log("tray.out")).stderr(env.log("tray.err")),
    );
    let status = wait_until(30, "the tray pager to refuse", || tray.child.try_wait().unwrap());
    assert_eq!(status.code(), Some(1));
    let problem = wait_until(10, "the notification that Klaxon is not paging", || {
        env.session.notify_calls().into_iter().find(|c| c.summary.starts_with("Klaxon is not paging"))
    });
    assert_eq!(problem.urgency, Some(2), "critical");
    assert!(problem.body.contains("is damaged"), "{}", problem.body);
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "still untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dbus-daemon, python3-dbusmock and gnome-keyring; run by scripts/test.sh"]
async fn an_emptied_database_is_said_out_loud_until_dismissed() {
    let mut env = Env::new();
    env.session.start_monitor();
    fill(&env, 3).await;
    std::fs::write(env.data.join("klaxon.db"), b"").unwrap();
    let _ = std::fs::remove_file(env.data.join("klaxon.db-wal"));
    let _ = std::fs::remove_file(env.data.join("klaxon.db-shm"));

    let _pager = watch(&env, "emptied");
    wait_until(30, "the intake to listen", || env.listening().then_some(()));
    let log = read_log(&env, "emptied.out") + &read_log(&env, "emptied.err");
    assert!(log.contains("the database file is empty (0 bytes)"), "{log}");
    let out = env.run(&["incidents"]);
    let warned = String::from_utf8_lossy(&out.stderr);
    assert!(warned.contains("was found empty (0 bytes)"), "the CLI says so too: {warned}");
    // Another process (the window, here the CLI) sees the same warning: it is kept in the store.
    let out = env.run(&["incidents"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("was found empty"), "still there until dismissed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dbus-daemon, python3-dbusmock and gnome-keyring; run by scripts/test.sh"]
async fn files_are_private_whatever_the_umask() {
    let env = Env::new();
    let config = env.dir.path().join("fresh-config/klaxon.toml");
    let data = env.dir.path().join("fresh/data");
    let start = |name: &str| {
        Guard::spawn(
            "klaxon watch",
            env.session
                .command("sh")
                .args(["-c", "umask 022 && exec \"$0\" watch"])
                .arg(klaxon_e2e::binary("klaxon"))
                .env("HOME", env.dir.path())
                .env("KLAXON_CONFIG", &config)
                .env("KLAXON_DATA_DIR", &data)
                .stdout(env.log(&format!("{name}.out")))
                .stderr(env.log(&format!("{name}.err"))),
        )
    };
    // First run: it writes the example team file (then may not bind its default port; no matter).
    let mut first = start("first");
    wait_until(30, "the example team file and the database", || {
        (config.exists() && data.join("klaxon.db").exists()).then_some(())
    });
    first.terminate(Duration::from_secs(10));
    assert_eq!(mode(&config), 0o600, "the team file Klaxon writes");

    // Again on a free port: the database and its WAL while it runs.
    let text = std::fs::read_to_string(&config).unwrap().replace("127.0.0.1:9797", &format!("127.0.0.1:{}", env.port));
    std::fs::write(&config, text).unwrap();
    let _pager = start("second");
    wait_until(30, "the intake and the control socket", || {
        (env.listening() && data.join("klaxon.sock").exists()).then_some(())
    });
    assert_eq!(mode(&data), 0o700, "the data dir");
    assert_eq!(mode(&data.join("klaxon.db")), 0o600, "the database");
    assert_eq!(mode(&data.join("klaxon.db-wal")), 0o600, "its WAL");
    assert_eq!(mode(&data.join("klaxon.sock")), 0o600, "the control socket");
}

/// A tmpfs of `size` mounted on `dir` for the test's life (needs root, as in CI).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Self {
        std::fs::create_dir_all(dir).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0755")])
            .arg("tmpfs")
            .arg(dir)
            .status();
        assert!(status.is_ok_and(|s| s.success()), "mounting a tmpfs needs root (CI runs as root)");
        Self(dir.to_owned())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the filesystem of `dir` with a file until it is full; returns the file.
fn fill_disk(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 4096];
    for _ in 0..1_000_000 {
        if file.write_all(&chunk).and_then(|()| file.flush()).is_err() {
            return path;
        }
    }
    panic!("the disk never filled up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root (a tmpfs), dbus-daemon, python3-dbusmock and gnome-keyring; run by scripts/test.sh"]
async fn a_full_disk_refuses_alerts_then_recovers_without_a_restart_or_a_double_page() {
    let mut env = Env::new();
    env.session.start_monitor();
    std::fs::write(&env.config, team_file(env.port) + "[pager]\nrealert_after = \"30m\"\n").unwrap();
    let disk = Tmpfs::mount(&env.dir.path().join("disk"), "4m");
    let data = disk.0.join("data");
    let start = || {
        Guard::spawn(
            "klaxon watch",
            env.klaxon()
                .arg("watch")
                .env("KLAXON_DATA_DIR", &data)
                .stdout(env.log("full.out"))
                .stderr(env.log("full.err")),
        )
    };
    let _pager = start();
    wait_until(30, "the intake to listen", || env.listening().then_some(()));
    let token = String::from_utf8(env.run(&["intake", "token"]).stdout).unwrap().trim().to_owned();
    let mut accepted = vec![];
    assert_eq!(post(&env, &token, "before the disk filled").await, 200);
    accepted.push("before the disk filled".to_owned());

    let filler = fill_disk(&disk.0);
    let mut refused = vec![];
    for n in 0..200 {
        let title = format!("while full {n}");
        match post(&env, &token, &title).await {
            200 => accepted.push(title),
            503 => refused.push(title),
            other => panic!("{title}: HTTP {other}"),
        }
        if refused.len() >= 5 {
            break;
        }
    }
    assert!(refused.len() >= 5, "a full disk refuses alerts with 503 (so senders retry)");

    std::fs::remove_file(&filler).unwrap();
    // Space is back: the same process accepts again, including what it refused (senders retry).
    for title in &refused {
        let status = post(&env, &token, title).await;
        assert_eq!(status, 200, "{title} after space came back");
        accepted.push(title.clone());
    }
    assert_eq!(post(&env, &token, "after space came back").await, 200);
    accepted.push("after space came back".to_owned());

    let count = |calls: &[klaxon_e2e::dbus::NotifyCall]| {
        let mut by_title: BTreeMap<String, usize> = BTreeMap::new();
        for c in calls {
            if let Some(t) = c.summary.strip_prefix("[SEV1] ") {
                *by_title.entry(t.to_owned()).or_default() += 1;
            }
        }
        by_title
    };
    wait_until(30, "a page for every accepted alert", || {
        let seen = count(&env.session.notify_calls());
        accepted.iter().all(|t| seen.contains_key(t)).then_some(())
    });
    // Every incident is in the store and its page recorded once the store takes writes again.
    let data_dir = data.to_str().unwrap();
    wait_until(30, "every page recorded in the timelines", || {
        let list = env.json(&["--data-dir", data_dir, "--json", "incidents"]);
        let incidents = list.as_array().unwrap();
        let stored = accepted.iter().all(|t| incidents.iter().any(|i| i["title"] == t.as_str()));
        let recorded = incidents.iter().all(|i| {
            let id = i["id"].to_string();
            let shown = env.json(&["--data-dir", data_dir, "--json", "show", &id]);
            shown["log"].as_array().unwrap().iter().filter(|l| l["kind"] == "notified").count() == 1
        });
        (stored && recorded).then_some(())
    });
    let seen = count(&env.session.notify_calls());
    for (title, n) in &seen {
        assert_eq!(*n, 1, "{title} was paged {n} times");
    }
    let err = read_log(&env, "full.err") + &read_log(&env, "full.out");
    assert!(!err.contains("non-zero transaction depth"), "no wedged connection: {err}");
}
