//! Settings → Phone in the real window (tauri-driver + WebKitWebDriver under Xvfb), with the
//! engine in the pager (`klaxon watch`) on a private D-Bus session with a real keyring, and an
//! ntfy fake that only takes one access token: set up from the suggestion with the fake's
//! address and the token, saved; the QR code shows, the pager says a token is kept, the token is
//! nowhere on disk nor in the page; a test push reaches the fake (with the token, or it would
//! be refused), the "phone" presses Acknowledge (anonymously: its buttons carry no token), and
//! the window shows the round trip.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use fantoccini::{Client, Locator};
use klaxon_e2e::team_file;
use klaxon_e2e::window::{App, text_of, wait_enabled, wait_text};
use klaxon_fakes::ntfy::NtfyFake;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

const TOKEN: &str = "tk_e2e_phone_Zq7xW3";

async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

/// Replaces what the input matching `css` holds with `text`, typed.
async fn type_into(client: &Client, css: &str, text: &str) {
    let input = client.find(Locator::Css(css)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

async fn value_of(client: &Client, css: &str) -> String {
    let input = client.find(Locator::Css(css)).await.unwrap();
    input.prop("value").await.unwrap().unwrap_or_default()
}

/// Waits until `css` exists.
async fn wait_for(client: &Client, css: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while client.find(Locator::Css(css)).await.is_err() {
        assert!(Instant::now() < deadline, "{css} never showed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every file under `dir` whose bytes contain `needle`.
fn files_holding(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_holding(&path, needle));
        } else if std::fs::read(&path).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle)) {
            found.push(path.display().to_string());
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
async fn the_phone_is_set_up_in_settings_with_its_token_in_the_keyring_and_a_test_push_round_trips() {
    let ntfy = NtfyFake::start().await.unwrap();
    ntfy.set_tokens(&[TOKEN]);
    let app = App::start_with(team_file).await;
    let client = &app.client;

    click(client, "[data-testid=settings-button]").await;
    wait_for(client, "[data-testid=phone-set-up]", 30).await;
    click(client, "[data-testid=phone-set-up]").await;
    wait_for(client, "[data-testid=phone-form]", 10).await;
    let topic = value_of(client, "[data-testid=phone-topic]").await;
    assert!(topic.len() >= 20, "an unguessable topic is suggested: {topic:?}");
    type_into(client, "[data-testid=phone-server]", &ntfy.url()).await;
    type_into(client, "[data-testid=phone-token]", TOKEN).await;
    click(client, "[data-testid=phone-save]").await;

    wait_for(client, "[data-testid=phone-qr] svg", 20).await;
    let subscribe = text_of(client, "[data-testid=phone-subscribe-url]").await.unwrap();
    assert_eq!(subscribe.trim(), ntfy.topic_url(&topic));
    wait_text(client, "[data-testid=phone-token-state]", "token kept in the OS keyring", 10).await;
    assert_eq!(value_of(client, "[data-testid=phone-token]").await, "", "the token field is cleared");
    let page = client.source().await.unwrap();
    assert!(!page.contains(TOKEN), "the token is not in the page");

    // The pager (where the engine runs) sees the settings and a token in its keyring.
    let shown: Value = serde_json::from_slice(&app.klaxon(&["--json", "phone"]).stdout).unwrap();
    assert_eq!(shown["settings"]["server"], ntfy.url(), "{shown}");
    assert_eq!(shown["settings"]["topic"], topic.as_str(), "{shown}");
    assert_eq!(shown["token_set"], true, "{shown}");
    let on_disk =
        [files_holding(&app.data, TOKEN.as_bytes()), files_holding(app.dir.path(), TOKEN.as_bytes())].concat();
    assert!(on_disk.is_empty(), "the token is on disk: {on_disk:?}");

    // A test push: only taken with the token; the phone presses Acknowledge.
    wait_enabled(client, "[data-testid=phone-test]", 10).await;
    click(client, "[data-testid=phone-test]").await;
    let push = ntfy
        .wait_for(&topic, |m| m.title == "Klaxon test page", Duration::from_secs(30))
        .await
        .expect("the test push reaches ntfy");
    assert!(!push.message.contains(TOKEN));
    // The phone app's buttons carry no credentials (and the push must not carry the token): the
    // reply topic has to take anonymous posts, as an ntfy ACL would allow; the fake takes any now.
    ntfy.set_tokens(&[]);
    let status = ntfy.press(push.action("Acknowledge").expect("an Acknowledge button")).await.unwrap();
    assert!((200..300).contains(&status), "the press is taken: {status}");
    wait_for(client, "[data-testid=phone-test-result]", 60).await;
    let result = text_of(client, "[data-testid=phone-test-result]").await.unwrap();
    assert!(result.contains("push taken in") && result.contains("Acknowledge back after"), "{result:?}");
    app.screenshot("phone-e2e.png").await;
    assert!(!client.source().await.unwrap().contains(TOKEN));

    app.stop().await;
}
