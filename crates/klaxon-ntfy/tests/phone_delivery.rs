//! When the phone is pushed to: at once, after `after` unanswered, at once while the screen is
//! locked, and again and again while the ntfy server is down, never holding up the laptop.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use common::{Pager, TOPIC, wait_for};
use klaxon_engine::EngineEvent;
use std::sync::atomic::Ordering;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn after_waits_for_the_laptop_unless_the_screen_is_locked() {
    let pager = Pager::start("after = \"60s\"\nwhen_locked = true").await;
    let first = pager.fire("Slow checkout", "sev2").await;
    pager.engine.ticks(3).await;
    assert!(pager.ntfy.published(TOPIC).is_empty(), "not before 60 s unanswered");
    pager.clock.advance(Duration::from_secs(45));
    pager.engine.ticks(3).await;
    assert!(pager.ntfy.published(TOPIC).is_empty(), "not at 45 s either");
    pager.clock.advance(Duration::from_secs(16));
    let push = pager.push_for("Slow checkout").await;
    assert_eq!(push.effective_priority(), 5);

    // Acknowledged on the laptop before its time: never pushed.
    let second = pager.fire("Answered on the laptop", "sev2").await;
    pager.engine.acknowledge(second.id).await.unwrap();
    pager.clock.advance(Duration::from_secs(120));
    pager.engine.ticks(3).await;
    assert!(pager.ntfy.published(TOPIC).iter().all(|m| m.title != "Answered on the laptop"));

    // Locked screen: at once.
    pager.screen.locked.store(true, Ordering::SeqCst);
    pager.fire("While away", "sev1").await;
    pager.push_for("While away").await;
    let _ = first;
    pager.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hung_screensaver_never_holds_up_the_laptop() {
    let pager = Pager::start("after = \"60s\"\nwhen_locked = true").await;
    pager.screen.hang.store(true, Ordering::SeqCst);
    // `fire` returns once the laptop's paths have run for the alert: before the phone gave up
    // on the screensaver (after 2 s), so they did not wait for it.
    let incident = pager.fire("Hung screensaver", "sev1").await;
    assert!(pager.laptop.pages.lock().unwrap().iter().any(|p| p.incident.id == incident.id));
    assert_eq!(pager.screen.abandoned.load(Ordering::SeqCst), 0, "the laptop waited for the screensaver");
    wait_for(10, "the phone still asking the screensaver", || async {
        pager.screen.asking.load(Ordering::SeqCst) >= 1
    })
    .await;
    pager.screen.hang.store(false, Ordering::SeqCst);
    pager.screen.release.notify_waiters();
    pager.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unanswered_page_rings_the_phone_again_with_the_laptops_re_alerts() {
    let pager = Pager::start("").await;
    let incident = pager.fire("Still broken", "sev1").await;
    pager.push_for("Still broken").await;
    // The server took it before the pager recorded that it did: wait for the record.
    wait_for(10, "the push recorded", || async {
        pager.timeline(incident.id).await.iter().any(|l| l.starts_with("Pushed to the phone"))
    })
    .await;
    // The laptop re-alerts every 60 s (the default): the phone rings again, with fresh buttons.
    pager.clock.advance(Duration::from_secs(61));
    let again = pager
        .ntfy
        .wait_for(TOPIC, |m| m.title == "Still broken" && m.message.contains("re-alert #1"), Duration::from_secs(10))
        .await
        .expect("the phone's re-alert");
    assert_eq!((again.effective_priority(), again.actions.len()), (5, 2));
    let first = &pager.ntfy.published(TOPIC)[0];
    assert_ne!(first.actions[0].body, again.actions[0].body, "new capabilities");
    pager.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn low_urgency_pages_push_at_priority_4_and_details_stay_off_the_phone() {
    let pager = Pager::start("").await;
    pager.fire("Certificate expires in 20 days", "sev4").await;
    let push = pager.push_for("Certificate expires in 20 days").await;
    assert_eq!(push.effective_priority(), 4);
    assert_eq!(push.message, "SEV4");
    pager.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_down_ntfy_server_fails_only_the_phone_path_and_is_retried_until_it_takes_the_page() {
    let pager = Pager::start("").await;
    let mut events = pager.engine.subscribe();
    pager.ntfy.go_down().await;
    let incident = pager.fire("Database failover", "sev1").await;
    // The laptop rang at once; the phone path failed and says so.
    assert!(pager.laptop.pages.lock().unwrap().iter().any(|p| p.incident.id == incident.id));
    let failed = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            if let Ok(EngineEvent::DeliveryFailed { path: "phone", incident: id, error }) = events.recv().await {
                return (id, error);
            }
        }
    })
    .await
    .expect("the phone path reported failed");
    assert_eq!(failed.0, incident.id);
    wait_for(10, "the failure in the timeline", || async {
        pager.timeline(incident.id).await.iter().any(|l| l.starts_with("Phone push via ntfy (127.0.0.1) failed"))
    })
    .await;
    // Tried again on its back-off: still down, still not pushed.
    pager.clock.advance(Duration::from_secs(6));
    pager.engine.ticks(3).await;
    pager.ntfy.come_back().await.unwrap();
    pager.clock.advance(Duration::from_secs(20));
    let push = pager.push_for("Database failover").await;
    assert_eq!(push.actions.len(), 2);
    wait_for(10, "the late push in the timeline", || async {
        pager
            .timeline(incident.id)
            .await
            .iter()
            .any(|l| l.starts_with("Pushed to the phone via ntfy") && l.contains("attempts"))
    })
    .await;
    assert_eq!(pager.ntfy.published(TOPIC).len(), 1, "pushed once");
    pager.stop().await;
}
