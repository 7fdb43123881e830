//! The phone through the real binaries: `klaxon phone setup` (QR code, settings in the store),
//! `klaxon phone token` (the OS keyring only), `klaxon watch` pushing a page to an ntfy server and
//! carrying out the phone's Acknowledge, and `klaxon phone test`'s round trip.

use klaxon_e2e::env::Env;
use klaxon_e2e::process::Guard;
use klaxon_e2e::wait_until;
use klaxon_fakes::ntfy::NtfyFake;
use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

const TOKEN: &str = "tk_e2e_phone_token_do_not_leak";

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if std::fs::read(&path).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes())) {
            found.push(path.display().to_string());
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dbus-daemon, python3-dbusmock and gnome-keyring; run by scripts/test.sh"]
async fn set_up_push_acknowledge_from_the_phone_and_test_the_round_trip() {
    let env = Env::new();
    let ntfy = NtfyFake::start().await.unwrap();
    ntfy.set_tokens(&[TOKEN]);

    let setup = env.run(&["phone", "setup", "--server", &ntfy.url()]);
    assert!(setup.status.success(), "{}", String::from_utf8_lossy(&setup.stderr));
    let printed = String::from_utf8(setup.stdout).unwrap();
    assert!(printed.contains(&format!("subscribe to {}/", ntfy.url())), "{printed}");
    assert!(printed.contains('█'), "a QR code: {printed}");
    let view = env.json(&["--json", "phone"]);
    let topic = view["settings"]["topic"].as_str().unwrap().to_owned();
    assert_eq!(topic.len(), 26, "128 random bits, base32: {topic}");
    assert_eq!(view["token_set"], false);
    assert!(view["app_link"].as_str().unwrap().starts_with("ntfy://127.0.0.1:"), "{view}");

    let mut token = env.klaxon().args(["phone", "token"]).stdin(Stdio::piped()).spawn().unwrap();
    token.stdin.take().unwrap().write_all(format!("{TOKEN}\n").as_bytes()).unwrap();
    assert!(token.wait().unwrap().success());
    assert_eq!(env.json(&["--json", "phone"])["token_set"], true);

    let mut watch = Guard::spawn(
        "klaxon watch",
        env.klaxon().arg("watch").stdout(env.log("watch.out")).stderr(env.log("watch.err")),
    );
    wait_until(30, "the intake to listen", || env.listening().then_some(()));
    let reply = format!("{topic}-reply");
    assert!(ntfy.wait_for_subscribers(&reply, 1, Duration::from_secs(20)).await, "the pager follows the reply topic");

    assert_eq!(env.alert("Checkout is down", "sev1").await, 200);
    let push = ntfy
        .wait_for(&topic, |m| m.title == "Checkout is down", Duration::from_secs(20))
        .await
        .expect("the page reached ntfy with the keyring's token");
    assert_eq!(push.effective_priority(), 5);
    // The reply topic is open to everyone's writes (the phone's buttons send no token).
    ntfy.set_tokens(&[]);
    assert_eq!(ntfy.press(push.action("Acknowledge").unwrap()).await.unwrap(), 200);
    wait_until(20, "acknowledged from the phone", || {
        let list = env.json(&["--json", "incidents"]);
        (list[0]["status"] == "acknowledged").then_some(())
    });
    ntfy.wait_for(&topic, |m| m.message.contains("from phone"), Duration::from_secs(20)).await.expect("the follow-up");

    // `klaxon phone test`, with a phone that answers.
    let test = env.klaxon().args(["phone", "test", "--timeout", "30"]).stdout(Stdio::piped()).spawn().unwrap();
    let message =
        ntfy.wait_for(&topic, |m| m.title == "Klaxon test page", Duration::from_secs(20)).await.expect("the test push");
    ntfy.press(message.action("Acknowledge").unwrap()).await.unwrap();
    let out = tokio::task::spawn_blocking(move || test.wait_with_output().unwrap()).await.unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.contains("round trip done"), "{said}");

    watch.terminate(Duration::from_secs(10)).expect("watch stops on SIGTERM");
    // Not in the data dir (database, WAL, logs), the team file or the pager's output.
    let mut leaked = files_containing(&env.data, TOKEN);
    for file in [env.config.clone(), env.dir.path().join("watch.out"), env.dir.path().join("watch.err")] {
        if std::fs::read_to_string(&file).unwrap_or_default().contains(TOKEN) {
            leaked.push(file.display().to_string());
        }
    }
    assert!(leaked.is_empty(), "the ntfy token is on disk: {leaked:?}");
    assert!(env.data.join("klaxon.db").exists(), "the scan looked at the real data dir");
}
