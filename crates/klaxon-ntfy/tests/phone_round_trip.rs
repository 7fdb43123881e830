//! `klaxon phone test` (and the checklist's `phone` probe): a test push, acknowledged on the
//! phone, timed; and what happens when nobody answers.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use common::{Pager, TOPIC};
use klaxon_engine::control::TestPhone;
use klaxon_ntfy::NtfyClient;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn the_round_trip_ends_when_the_phone_acknowledges_the_test_push() {
    let pager = Pager::start("").await;
    let ntfy = &pager.ntfy;
    let phone = async {
        let test = ntfy.wait_for(TOPIC, |m| m.title == "Klaxon test page", Duration::from_secs(10)).await.unwrap();
        assert_eq!(test.actions.len(), 1);
        ntfy.press(test.action("Acknowledge").unwrap()).await.unwrap();
    };
    let client = NtfyClient::new().unwrap();
    let secrets = pager.secrets.clone() as Arc<dyn klaxon_engine::secrets::SecretStore>;
    let trip = klaxon_engine::phone::round_trip(pager.engine.klaxon(), secrets, &client, Duration::from_secs(20));
    let (trip, ()) = tokio::join!(trip, phone);
    let trip = trip.unwrap();
    assert!(trip.publish_ms < 5_000 && trip.answer_ms < 10_000, "{trip:?}");

    // Through the dispatcher (the app's "Send a test push"), nobody answering: a clear error.
    let silent = pager.dispatcher.call(TestPhone { seconds: 1 }).await.unwrap_err();
    assert!(silent.message.contains("no Acknowledge came back within 1 s"), "{silent:?}");
    pager.stop().await;
}
