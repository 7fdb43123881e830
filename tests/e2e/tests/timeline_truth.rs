//! The timeline tells the truth: on a machine without a sound card, a page's timeline entry lists
//! the ringtone as failed (with why), never as delivered.
#![allow(clippy::unwrap_used)] // test helpers: a failed step is a failed test

use klaxon_e2e::env::Env;
use klaxon_e2e::process::Guard;
use klaxon_e2e::wait_until;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dbus-daemon, python3-dbusmock and gnome-keyring; run by scripts/test.sh"]
async fn a_ringtone_without_a_sound_card_is_listed_as_failed() {
    let mut env = Env::new();
    env.session.start_monitor();
    // An ALSA configuration with no devices at all: like a machine without a sound card.
    let no_sound = env.dir.path().join("no-sound.conf");
    std::fs::write(&no_sound, "# no PCM devices\n").unwrap();
    let _pager = Guard::spawn(
        "klaxon watch",
        env.klaxon()
            .arg("watch")
            .env("ALSA_CONFIG_PATH", &no_sound)
            .stdout(env.log("watch.out"))
            .stderr(env.log("watch.err")),
    );
    wait_until(30, "the intake to listen", || env.listening().then_some(()));
    assert_eq!(env.alert("Disk full on db1", "sev1").await, 200);

    let entry = wait_until(30, "the page's timeline entry", || {
        let list = env.json(&["--json", "incidents"]);
        let id = list.as_array()?.first()?["id"].to_string();
        let shown = env.json(&["--json", "show", &id]);
        shown["log"]
            .as_array()?
            .iter()
            .find(|l| l["kind"] == "notified")
            .map(|l| l["message"].as_str().unwrap().to_owned())
    });
    assert!(entry.starts_with("Paged Alex via desktop-notification; failed: ringtone ("), "{entry}");
    assert!(!entry.contains("desktop-notification, ringtone"), "{entry}");
    assert_eq!(env.session.notify_calls().len(), 1, "the notification still went out");
}
