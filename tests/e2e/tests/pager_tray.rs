//! The pager's tray on a real D-Bus session: its menu, clicked as a tray host does (dbusmenu
//! `Event`), acknowledges every ringing page through the engine; its tooltip says what of the
//! pre-shift checklist fails; and Quit stops the pager.

use klaxon_e2e::env::Env;
use klaxon_e2e::process::Guard;
use klaxon_e2e::wait_until;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dbus-daemon, python3-dbusmock and gnome-keyring; run by scripts/test.sh"]
async fn the_tray_menu_acknowledges_all_and_quits_the_pager() {
    let env = Env::new();
    // No display here: the window the pager opens for a page is a stand-in that exits at once.
    let mut pager = Guard::spawn(
        "klaxon watch --tray",
        env.klaxon()
            .args(["watch", "--tray"])
            .env("KLAXON_APP", "/bin/true")
            .stdout(env.log("pager.out"))
            .stderr(env.log("pager.err")),
    );
    wait_until(30, "the intake", || env.listening().then_some(()));
    for title in ["db down", "api down"] {
        assert_eq!(env.alert(title, "sev1").await, 200);
    }
    let statuses = || -> Vec<String> {
        let list = env.json(&["--json", "incidents"]);
        list.as_array().unwrap().iter().map(|i| i["status"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(statuses(), ["triggered", "triggered"]);

    assert!(env.session.click_tray_item("Acknowledge all"), "the tray's menu is on the bus");
    wait_until(10, "both acknowledged from the tray", || {
        (statuses() == ["acknowledged", "acknowledged"]).then_some(())
    });

    // Readiness shows in the tooltip once a checklist ran (here from the CLI, another process).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let lists = env.dir.path().join("checklists");
    for entry in std::fs::read_dir(&lists).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    let list = format!(
        "title = \"Before my shift\"\nbefore_shift = \"30m\"\n[[items]]\nid = \"vpn\"\ntitle = \"VPN\"\n\
         timeout = \"2s\"\ntcp = {{ host = \"127.0.0.1\", port = {closed} }}\n"
    );
    std::fs::write(lists.join("pre-shift.toml"), list).unwrap();
    assert_eq!(env.run(&["check"]).status.code(), Some(1));
    wait_until(15, "the tray to say what fails", || {
        env.session.tray_tooltip().filter(|t| t.contains("not ready: 1 failing")).map(drop)
    });

    assert!(env.session.click_tray_item("Quit"));
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = pager.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the pager did not quit from the tray");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    assert!(!env.data.join("klaxon.sock").exists(), "quitting removes the control socket");
}
