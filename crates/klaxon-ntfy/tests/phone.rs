//! The phone path end to end on loopback: the pager engine pushes pages to an ntfy fake, a
//! simulated phone presses the push's buttons (posting their bodies to the reply topic), and the
//! reply listener hands them to the dispatcher.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use common::{Pager, REPLY, TOPIC, wait_for};
use klaxon_engine::core::IncidentStatus;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn a_page_goes_to_the_phone_and_is_acknowledged_there() {
    let pager = Pager::start("").await;
    let incident = pager.fire("Checkout is down", "sev1").await;
    let push = pager.push_for("Checkout is down").await;
    // The documented shape: loud, severity only, two http buttons to the reply topic.
    assert_eq!(push.effective_priority(), 5);
    assert_eq!(push.message, "SEV1");
    let reply_url = format!("{}/{REPLY}", pager.ntfy.url());
    let labels: Vec<_> = push.actions.iter().map(|a| (a.action.as_str(), a.label.as_str(), a.url.as_str())).collect();
    assert_eq!(labels, [("http", "Acknowledge", reply_url.as_str()), ("http", "Escalate", reply_url.as_str())]);
    assert!(push.actions.iter().all(|a| a.body.starts_with("kx1.") && a.clear), "{:?}", push.actions);
    assert!(pager.laptop.pages.lock().unwrap().iter().any(|p| p.incident.id == incident.id), "the laptop rang too");

    let ack = push.action("Acknowledge").unwrap();
    assert_eq!(pager.ntfy.press(ack).await.unwrap(), 200);
    wait_for(10, "acknowledged from the phone", || async {
        pager.incident(incident.id).await.status == IncidentStatus::Acknowledged
    })
    .await;
    wait_for(10, "the laptop stops ringing", || async { pager.laptop.answered.lock().unwrap().contains(&incident.id) })
        .await;
    let follow_up = pager
        .ntfy
        .wait_for(TOPIC, |m| m.message.contains("Acknowledged by Alex from phone"), Duration::from_secs(10))
        .await
        .expect("the follow-up");
    assert!(follow_up.effective_priority() <= 2, "the follow-up does not ring: {follow_up:?}");
    assert!(follow_up.actions.is_empty());
    let timeline = pager.timeline(incident.id).await;
    assert!(timeline.iter().any(|l| l.starts_with("Pushed to the phone via ntfy (127.0.0.1)")), "{timeline:?}");
    assert!(timeline.iter().any(|l| l == "Acknowledged from the phone (ntfy)"), "{timeline:?}");
    pager.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn escalate_from_the_phone_moves_the_page_on() {
    let pager = Pager::start("").await;
    let incident = pager.fire("Disk full", "sev2").await;
    let push = pager.push_for("Disk full").await;
    pager.ntfy.press(push.action("Escalate").unwrap()).await.unwrap();
    wait_for(10, "escalated to level 2", || async { pager.incident(incident.id).await.escalation_level == 2 }).await;
    let now = pager.incident(incident.id).await;
    assert_eq!((now.status, now.assignees.clone()), (IncidentStatus::Triggered, vec!["sam".to_owned()]));
    wait_for(10, "the laptop stops ringing", || async { pager.laptop.answered.lock().unwrap().contains(&incident.id) })
        .await;
    let follow_up = pager.ntfy.wait_for(TOPIC, |m| m.title.starts_with("Answered:"), Duration::from_secs(10)).await;
    assert!(follow_up.expect("the follow-up").message.ends_with("from phone"));
    pager.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_altered_expired_replayed_and_random_replies_change_nothing() {
    let pager = Pager::start("").await;
    let incident = pager.fire("API errors", "sev1").await;
    let push = pager.push_for("API errors").await;
    let ack = push.action("Acknowledge").unwrap().clone();
    let post = |body: String| {
        let url = pager.ntfy.topic_url(REPLY);
        async move { reqwest::Client::new().post(url).body(body).send().await.unwrap().status() }
    };
    // Altered: another incident, another action, a later expiry; forged: another key.
    let fields: Vec<&str> = ack.body.split('.').collect();
    let altered = [
        ack.body.replacen(&format!(".{}.", incident.id.0), ".999.", 1),
        ack.body.replacen(".ack.", ".esc.", 1),
        ack.body.replacen(fields[4], &(fields[4].parse::<i64>().unwrap() + 86_400).to_string(), 1),
    ];
    let forged = klaxon_engine::core::phone::Capability::verify(&ack.body, b"wrong", chrono::Utc::now());
    assert!(forged.is_err());
    for body in altered {
        assert_ne!(body, ack.body);
        assert!(post(body).await.is_success());
    }
    for i in 0..200u32 {
        let random: String = (0..(i % 97)).map(|j| char::from(b'!' + ((i * 31 + j * 7) % 90) as u8)).collect();
        post(random).await;
    }
    post(format!("kx1.ack.{}.1.9999999999.{}.{}", incident.id.0, "0".repeat(32), "00".repeat(32))).await;
    // An escalate that is genuine, to know every reply before it was looked at.
    let escalate = push.action("Escalate").unwrap();
    // The engine answered those directly too: each refused.
    let refused = pager.engine.phone_press("direct", &ack.body.replacen(".ack.", ".esc.", 1)).await;
    assert!(matches!(refused, Err(klaxon_engine::EngineError::PhoneRefused(_))), "{refused:?}");
    assert_eq!(pager.incident(incident.id).await.status, IncidentStatus::Triggered, "nothing changed");
    assert_eq!(pager.incident(incident.id).await.escalation_level, 1);

    pager.ntfy.press(escalate).await.unwrap();
    wait_for(20, "the genuine press, after 204 bad ones", || async {
        pager.incident(incident.id).await.escalation_level == 2
    })
    .await;
    let timeline = pager.timeline(incident.id).await;
    assert_eq!(timeline.iter().filter(|l| l.contains("from the phone")).count(), 1, "{timeline:?}");

    // Replayed: the same capability in another message is refused, even for a live page.
    let replay = pager.engine.phone_press("another-message", &escalate.body).await;
    assert!(
        matches!(&replay, Err(klaxon_engine::EngineError::PhoneRefused(r)) if r.contains("replayed")),
        "{replay:?}"
    );
    // Expired: the acknowledge button, 13 hours later.
    pager.clock.advance(Duration::from_secs(13 * 3600));
    let expired = pager.engine.phone_press("late", &ack.body).await;
    assert!(
        matches!(&expired, Err(klaxon_engine::EngineError::PhoneRefused(r)) if r.contains("expired")),
        "{expired:?}"
    );
    assert_eq!(pager.incident(incident.id).await.status, IncidentStatus::Triggered);
    pager.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_press_while_the_stream_is_down_is_carried_out_once_after_reconnecting() {
    let pager = Pager::start("").await;
    let incident = pager.fire("Queue backed up", "sev1").await;
    let push = pager.push_for("Queue backed up").await;
    // Something else on the reply topic first, so the listener resumes from a message id.
    reqwest::Client::new().post(pager.ntfy.topic_url(REPLY)).body("hello").send().await.unwrap();
    pager.ntfy.go_down().await;
    pager.ntfy.come_back().await.unwrap();
    assert_eq!(pager.ntfy.subscribers(REPLY), 0, "the listener is still reconnecting");
    pager.ntfy.press(push.action("Acknowledge").unwrap()).await.unwrap();
    wait_for(20, "acknowledged after reconnecting", || async {
        pager.incident(incident.id).await.status == IncidentStatus::Acknowledged
    })
    .await;
    // Cut the stream again: the resumed stream shows nothing twice.
    assert!(pager.ntfy.wait_for_subscribers(REPLY, 1, Duration::from_secs(10)).await);
    pager.ntfy.drop_subscribers();
    assert!(pager.ntfy.wait_for_subscribers(REPLY, 1, Duration::from_secs(10)).await);
    let timeline = pager.timeline(incident.id).await;
    assert_eq!(timeline.iter().filter(|l| l.contains("from the phone")).count(), 1, "{timeline:?}");
    pager.stop().await;
}
