//! `klaxon phone test` (and the checklist's `phone` probe): a test push, acknowledged on the
//! phone, timed; and what happens when nobody answers.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use common::{Pager, TOPIC};
use klaxon_engine::control::{RunChecklist, TestPhone};
use klaxon_engine::core::checklist::Outcome;
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

#[tokio::test(flavor = "multi_thread")]
async fn the_checklists_phone_probe_runs_the_round_trip() {
    let pager = Pager::start("").await;
    let dir = pager.engine.klaxon().checklists_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let list = "title = \"Phone\"\n[[items]]\nid = \"phone\"\ntitle = \"My phone rings and answers\"\nphone = {}\ntimeout = \"20s\"\n";
    std::fs::write(dir.join("phone.toml"), list).unwrap();
    let ntfy = &pager.ntfy;
    let phone = async {
        let test = ntfy.wait_for(TOPIC, |m| m.title == "Klaxon test page", Duration::from_secs(15)).await.unwrap();
        ntfy.press(test.action("Acknowledge").unwrap()).await.unwrap();
    };
    let (view, ()) = tokio::join!(pager.dispatcher.call(RunChecklist { name: "phone".into() }), phone);
    let view = view.unwrap();
    let result = view.items[0].result.clone().expect("a result");
    assert_eq!((view.items[0].kind.as_str(), result.outcome), ("phone", Outcome::Pass), "{result:?}");
    assert!(result.evidence.result.contains("Acknowledge back"), "{:?}", result.evidence);

    // Nobody at the phone: the probe fails and says why.
    let quick = list.replace("20s", "1s");
    std::fs::write(dir.join("phone.toml"), quick).unwrap();
    let view = pager.dispatcher.call(RunChecklist { name: "phone".into() }).await.unwrap();
    let result = view.items[0].result.clone().unwrap();
    assert_eq!(result.outcome, Outcome::Fail);
    assert!(result.evidence.result.contains("no Acknowledge came back"), "{:?}", result.evidence);
    pager.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_phone_set_up_by_another_process_is_followed_without_a_restart() {
    let ntfy = klaxon_fakes::ntfy::NtfyFake::start().await.unwrap();
    let url = ntfy.url();
    let without_phone = common::team(&url, "").split("[phone]").next().unwrap().to_owned();
    let pager = Pager::start_with(ntfy, &without_phone).await;
    pager.fire("Before the phone", "sev1").await;
    // `klaxon phone setup` in another process: the same store, another connection.
    let cli = klaxon_engine::Klaxon::open(pager.paths(), false).await.unwrap();
    let settings = klaxon_engine::core::phone::PhoneSettings {
        server: url,
        topic: TOPIC.into(),
        after_secs: 0,
        when_locked: false,
        details: false,
    };
    cli.set_phone_settings(Some(settings)).await.unwrap();
    cli.close().await;
    assert!(pager.ntfy.wait_for_subscribers(common::REPLY, 1, Duration::from_secs(10)).await, "the pager follows it");
    let incident = pager.fire("After the phone", "sev1").await;
    let push = pager.push_for("After the phone").await;
    pager.ntfy.press(push.action("Acknowledge").unwrap()).await.unwrap();
    common::wait_for(10, "acknowledged from the phone", || async {
        pager.incident(incident.id).await.status == klaxon_engine::core::IncidentStatus::Acknowledged
    })
    .await;
    assert!(pager.ntfy.published(TOPIC).iter().all(|m| m.title != "Before the phone"), "pages before it stay off");
    pager.stop().await;
}
