//! The first page end to end without a window: Alertmanager payload → `klaxon watch` stores it →
//! a critical D-Bus notification → `klaxon ack` → the store says acknowledged.

use klaxon_e2e::alsa::AlsaSink;
use klaxon_e2e::dbus::Session;
use klaxon_e2e::env::Env;
use klaxon_e2e::process::Guard;
use klaxon_e2e::{alertmanager_payload, binary, free_port, team_file, wait_until};
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dbus-daemon, python3-dbusmock and gnome-keyring; run by scripts/test.sh"]
async fn alert_to_notification_to_cli_ack() {
    let mut env = Env::new();
    env.session.start_monitor();
    let out_path = env.session.dir.join("watch.out");
    let mut watch = Guard::spawn(
        "klaxon watch",
        env.klaxon()
            .arg("watch")
            .stdout(std::fs::File::create(&out_path).unwrap())
            .stderr(std::fs::File::create(env.session.dir.join("watch.err")).unwrap()),
    );
    wait_until(30, "the intake to listen", || env.listening().then_some(()));

    let token = String::from_utf8(env.run(&["intake", "token"]).stdout).unwrap().trim().to_owned();
    assert_eq!(token.len(), 64, "a generated token lives in the keyring");
    let http = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{}/v1/alertmanager", env.port);
    let payload = alertmanager_payload("e2e-cli-1", "Disk full on db1");
    let resp = http.post(&url).bearer_auth(&token).json(&payload).send().await.unwrap();
    assert_eq!(resp.status(), 200);

    let call = wait_until(20, "a Notify call", || env.session.notify_calls().into_iter().next());
    assert_eq!(call.app_name, "Klaxon");
    assert_eq!(call.summary, "[SEV1] Disk full on db1");
    assert_eq!(call.urgency, Some(2), "pages are critical");
    assert!(call.hints.contains(&"sound-name".to_owned()), "{:?}", call.hints);

    let list = env.json(&["--json", "incidents"]);
    let incidents = list.as_array().unwrap();
    assert_eq!(incidents.len(), 1);
    let inc = &incidents[0];
    for field in [
        "id",
        "title",
        "status",
        "severity",
        "urgency",
        "service",
        "created_at",
        "acknowledged_at",
        "resolved_at",
        "escalation_level",
        "account",
    ] {
        assert!(inc.get(field).is_some(), "incidents --json lacks {field}: {inc}");
    }
    assert_eq!(inc["status"], "triggered");
    assert_eq!(inc["severity"], "sev1");
    assert_eq!(inc["service"], "db");
    let id = inc["id"].as_i64().unwrap().to_string();

    // The same alert again: deduplicated, no second page. Its page is begun before the intake
    // answers; another alert's, begun after it, goes out, and is the only page since.
    let resp = http.post(&url).bearer_auth(&token).json(&payload).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let other = alertmanager_payload("e2e-cli-2", "Queue stuck on mq1");
    let resp = http.post(&url).bearer_auth(&token).json(&other).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let calls = wait_until(20, "the other alert's page", || {
        let calls = env.session.notify_calls();
        calls.iter().any(|c| c.summary.contains("Queue stuck")).then_some(calls)
    });
    let summaries: Vec<&str> = calls.iter().map(|c| c.summary.as_str()).collect();
    assert_eq!(
        summaries,
        ["[SEV1] Disk full on db1", "[SEV1] Queue stuck on mq1"],
        "no second page for the same trigger"
    );

    let ack = env.run(&["ack", &id]);
    assert!(ack.status.success(), "{}", String::from_utf8_lossy(&ack.stderr));
    assert_eq!(String::from_utf8_lossy(&ack.stdout).trim(), format!("#{id} acknowledged"));
    let again = env.run(&["ack", &id]);
    assert_eq!(again.status.code(), Some(1), "acknowledging twice is refused");

    let detail = env.json(&["--json", "show", &id]);
    assert_eq!(detail["incident"]["status"], "acknowledged");
    let kinds: Vec<&str> = detail["log"].as_array().unwrap().iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["triggered", "notified", "alert_repeated", "acknowledged"]);

    // Only one engine per data dir.
    let second = env.run(&["watch"]);
    assert_eq!(second.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&second.stderr).contains("already running"));

    let status = watch.terminate(Duration::from_secs(10)).expect("watch stops on SIGTERM");
    assert!(status.success(), "watch exit status {status:?}");
    let printed = std::fs::read_to_string(&out_path).unwrap();
    assert!(printed.contains("PAGE [SEV1] Disk full on db1"), "{printed}");
}

#[test]
#[ignore = "needs the built klaxon binary; run by scripts/test.sh"]
fn fire_and_config_check_speak_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("klaxon.toml");
    std::fs::write(
        &config,
        "me = \"alex\"\n[[people]]\nid = \"alex\"\n[intake]\nlisten = \"127.0.0.1:1\"\ntoken = \"t\"\n",
    )
    .unwrap();
    let klaxon = |args: &[&str]| {
        Command::new(binary("klaxon"))
            .env("KLAXON_CONFIG", &config)
            .env("KLAXON_DATA_DIR", dir.path().join("data"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let ok = klaxon(&["config", "check"]);
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).contains("OK"));
    let fire = klaxon(&["fire", "--title", "x"]);
    assert_eq!(fire.status.code(), Some(1), "nothing listens on port 1");
    assert!(String::from_utf8_lossy(&fire.stderr).contains("cannot reach the intake"));

    std::fs::write(&config, "me = \"alex\"\n[[people]]\nid = \"alex\"\n[[rotations]]\nid = \"r\"\nstart = \"2026-01-01T00:00:00Z\"\nparticipants = [\"bob\"]\n").unwrap();
    let bad = klaxon(&["config", "check"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr).trim(),
        format!("klaxon: {}:7: unknown person `bob` in rotation `r`", config.display())
    );
    let usage = klaxon(&["ack"]);
    assert_eq!(usage.status.code(), Some(2), "missing ids is a usage error");
    let missing = Command::new(binary("klaxon"))
        .env("KLAXON_CONFIG", dir.path().join("none.toml"))
        .env("KLAXON_DATA_DIR", dir.path().join("data"))
        .arg("incidents")
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no team file"));
}

#[test]
#[ignore = "needs dbus-daemon and python3-dbusmock; run by scripts/test.sh"]
fn test_page_reports_which_paths_fired() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("klaxon.toml");
    std::fs::write(&config, team_file(free_port())).unwrap();

    // No notification server on the bus: the path fails, and the command says so.
    let bare = Session::start(&dir.path().join("bare"));
    let out = bare.command(binary("klaxon")).env("KLAXON_CONFIG", &config).arg("test-page").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "nothing fired");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("desktop-notification: FAILED"), "{text}");
    drop(bare);

    let mut session = Session::start(dir.path());
    session.start_notification_server();
    session.start_monitor();
    let out = session.command(binary("klaxon")).env("KLAXON_CONFIG", &config).arg("test-page").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("desktop-notification: fired"));
    let call = wait_until(10, "the test page's Notify", || session.notify_calls().into_iter().next());
    assert_eq!(call.summary, "[SEV1] Klaxon test page");
    assert_eq!(call.urgency, Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dbus-daemon, python3-dbusmock and gnome-keyring; run by scripts/test.sh"]
async fn notification_buttons_act_and_unanswered_pages_realert() {
    let mut env = Env::new();
    env.session.start_monitor();
    std::fs::write(&env.config, team_file(env.port) + "[pager]\nrealert_after = \"5s\"\n").unwrap();
    let speaker = AlsaSink::start(&env.session.dir);
    let out_path = env.session.dir.join("watch.out");
    let mut watch = Guard::spawn(
        "klaxon watch",
        env.klaxon()
            .arg("watch")
            .env("ALSA_CONFIG_PATH", &speaker.config)
            .stdout(std::fs::File::create(&out_path).unwrap())
            .stderr(std::fs::File::create(env.session.dir.join("watch.err")).unwrap()),
    );
    wait_until(30, "the intake to listen", || env.listening().then_some(()));
    let token = String::from_utf8(env.run(&["intake", "token"]).stdout).unwrap().trim().to_owned();
    let http = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{}/v1/alertmanager", env.port);
    http.post(&url)
        .bearer_auth(&token)
        .json(&alertmanager_payload("buttons-1", "Disk full on db1"))
        .send()
        .await
        .unwrap();

    let first = wait_until(20, "the page", || env.session.notify_calls().into_iter().next());
    assert_eq!(first.actions, ["acknowledge", "Acknowledge", "escalate", "Escalate"]);
    wait_until(10, "the ringtone to play", || speaker.is_playing(Duration::from_millis(200)).then_some(()));
    assert_eq!(first.replaces_id, 0);

    // Unanswered: re-alerted after 5 s, replacing the same notification.
    let again = wait_until(20, "a re-alert", || env.session.notify_calls().get(1).cloned());
    assert_eq!(again.summary, "STILL UNANSWERED: [SEV1] Disk full on db1");
    assert_eq!(again.replaces_id, 1, "the re-alert replaces the page's notification");

    // "Escalate" on the notification: level 2 (alex again), so it pages anew.
    env.session.invoke_action(1, "escalate");
    let id = wait_until(20, "the escalation", || {
        let list = env.json(&["--json", "incidents"]);
        (list[0]["escalation_level"] == 2).then(|| list[0]["id"].as_i64().unwrap().to_string())
    });
    // "Acknowledge" on the notification: the store says acknowledged and the notification closes.
    env.session.invoke_action(1, "acknowledge");
    wait_until(20, "the acknowledgement", || {
        (env.json(&["--json", "show", &id])["incident"]["status"] == "acknowledged").then_some(())
    });
    wait_until(10, "the notification to close", || env.session.closed_notifications().contains(&1).then_some(()));
    wait_until(5, "the ringtone to stop", || (!speaker.is_playing(Duration::from_millis(500))).then_some(()));

    // No re-alert once acknowledged. Another page, sent after the answer, is re-alerted at a tick
    // when this one would have been due too (its last alert is older); `klaxon ack` of that page
    // is noticed after that tick (by the timer, between ticks), which closes its notification.
    let calls_after_ack = env.session.notify_calls().len();
    http.post(&url)
        .bearer_auth(&token)
        .json(&alertmanager_payload("buttons-2", "Queue stuck on mq1"))
        .send()
        .await
        .unwrap();
    let other = wait_until(20, "the other page's re-alert", || {
        let calls = env.session.notify_calls();
        calls.into_iter().find(|c| c.summary == "STILL UNANSWERED: [SEV1] Queue stuck on mq1")
    });
    let list = env.json(&["--json", "incidents"]);
    let other_id = list.as_array().unwrap().iter().find(|i| i["title"] == "Queue stuck on mq1").unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    assert!(env.run(&["ack", &other_id]).status.success());
    wait_until(10, "the other notification to close", || {
        env.session.closed_notifications().contains(&other.replaces_id).then_some(())
    });
    let since: Vec<String> = env.session.notify_calls()[calls_after_ack..].iter().map(|c| c.summary.clone()).collect();
    assert_eq!(
        since,
        ["[SEV1] Queue stuck on mq1", "STILL UNANSWERED: [SEV1] Queue stuck on mq1"],
        "no re-alert once acknowledged"
    );

    watch.terminate(Duration::from_secs(10));
    let printed = std::fs::read_to_string(&out_path).unwrap();
    assert!(printed.contains(&format!("#{id} escalated from the notification")), "{printed}");
    assert!(printed.contains(&format!("#{id} acknowledged from the notification")), "{printed}");
    assert!(printed.contains("RE-ALERT #1"), "{printed}");
}
