//! A platform incident answered from the phone: the action goes to the platform through the
//! outbox, exactly once, however often the press is seen.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use chrono::Utc;
use common::{Pager, REPLY, wait_for};
use klaxon_engine::core::{AccountKind, OutboxState, Secret};
use klaxon_engine::{Credentials, NewAccount};
use klaxon_fakes::pagerduty::PagerDutyFake;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn a_phone_acknowledge_reaches_pagerduty_once_through_the_outbox() {
    let pd = PagerDutyFake::start(Utc::now()).await.unwrap();
    let remote = pd.state.trigger("Payments 5xx", &["U_ME"], Utc::now());
    let pager = Pager::start("").await;
    pager
        .engine
        .add_account(NewAccount {
            name: "pd".into(),
            kind: AccountKind::PagerDuty,
            base_url: Some(pd.url()),
            credentials: Credentials::Token(Secret::new(PagerDutyFake::TOKEN)),
            poll_secs: None,
        })
        .await
        .unwrap();
    let push = pager.push_for("Payments 5xx").await;
    let ack = push.action("Acknowledge").unwrap();
    pager.ntfy.press(ack).await.unwrap();
    let writes = || pd.state.writes().iter().filter(|w| w.incident == remote && w.action == "acknowledge").count();
    wait_for(20, "the acknowledge on PagerDuty", || async { writes() == 1 }).await;
    wait_for(20, "the outbox entry done", || async {
        let all = pager.engine.klaxon().store().outbox(true).await.unwrap();
        all.len() == 1 && all[0].state == OutboxState::Done
    })
    .await;
    // Pressed again (the phone sent it twice), and the stream resumed: still once.
    pager.ntfy.press(ack).await.unwrap();
    pager.ntfy.drop_subscribers();
    assert!(pager.ntfy.wait_for_subscribers(REPLY, 1, Duration::from_secs(10)).await);
    let again = pager.engine.phone_press("sent-twice", &ack.body).await;
    assert!(matches!(again, Err(klaxon_engine::EngineError::PhoneRefused(_))), "{again:?}");
    pager.engine.poll_once("pd", false).await.unwrap();
    assert_eq!(writes(), 1);
    assert_eq!(pager.engine.klaxon().store().outbox(true).await.unwrap().len(), 1);
    pager.stop().await;
}
