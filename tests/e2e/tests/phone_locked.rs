//! `when_locked` through the real pager: with `after = "10m"`, a page waits on the laptop while
//! the screen is unlocked, and goes to the phone at once when the desktop's screensaver (a mock
//! `org.gnome.ScreenSaver` on the session bus) says it is locked.

use klaxon_e2e::env::Env;
use klaxon_e2e::process::Guard;
use klaxon_e2e::wait_until;
use klaxon_fakes::ntfy::NtfyFake;
use std::time::Duration;

const TOPIC: &str = "KXLOCKEDSCREENTOPIC0000000";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dbus-daemon, python3-dbusmock and gnome-keyring; run by scripts/test.sh"]
async fn a_locked_screen_sends_the_page_to_the_phone_at_once() {
    let mut env = Env::new();
    env.session.start_monitor();
    env.session.start_screensaver();
    let ntfy = NtfyFake::start().await.unwrap();
    let mut team = std::fs::read_to_string(&env.config).unwrap();
    team.push_str(&format!(
        "[phone]\nserver = \"{}\"\ntopic = \"{TOPIC}\"\nafter = \"10m\"\nwhen_locked = true\n",
        ntfy.url()
    ));
    std::fs::write(&env.config, team).unwrap();
    let mut watch = Guard::spawn(
        "klaxon watch",
        env.klaxon().arg("watch").stdout(env.log("watch.out")).stderr(env.log("watch.err")),
    );
    wait_until(30, "the intake to listen", || env.listening().then_some(()));

    assert_eq!(env.alert("At the desk", "sev1").await, 200);
    wait_until(20, "the laptop's notification", || {
        env.session.notify_calls().iter().any(|c| c.summary.contains("At the desk")).then_some(())
    });
    // The pager looks every second; three looks later, still nothing on the phone.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(ntfy.published(TOPIC).is_empty(), "unlocked: the page waits 10 min on the laptop");

    env.session.lock_screen(true);
    assert_eq!(env.alert("Away from the desk", "sev1").await, 200);
    for title in ["Away from the desk", "At the desk"] {
        let push = ntfy.wait_for(TOPIC, |m| m.title == title, Duration::from_secs(20)).await;
        assert!(push.is_some(), "locked: `{title}` goes to the phone at once");
    }
    watch.terminate(Duration::from_secs(10)).expect("watch stops on SIGTERM");
}
