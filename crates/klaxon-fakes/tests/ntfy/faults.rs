//! Auth, the faults tests need (down on the same port, streams cut, slow or failing publishes),
//! the test-side waits, and pressing an `http` action as the phone does.

use super::*;
use klaxon_fakes::Fault;

#[tokio::test]
async fn tokens_are_required_when_set() {
    let config = NtfyConfig { tokens: vec!["tk_pager".into()], ..NtfyConfig::default() };
    let fake = NtfyFake::start_with(config).await.unwrap();
    let post = |auth: Option<&str>| {
        let mut request = http().post(fake.topic_url("pages")).body("page");
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        request.send()
    };
    // ntfy with deny-all default access: no token is a 403, a wrong one a 401.
    let answer = post(None).await.unwrap();
    let e = ntfy_error(403, answer.json().await.unwrap());
    assert_eq!((e.code, e.error.as_str()), (40301, "forbidden"));
    let answer = post(Some("Bearer tk_wrong")).await.unwrap();
    let e = ntfy_error(401, answer.json().await.unwrap());
    assert_eq!((e.code, e.error.as_str()), (40101, "unauthorized"));
    assert_eq!(post(Some("Bearer tk_pager")).await.unwrap().status(), 200);
    // Basic with an empty user name and the token as password ("OnRrX3BhZ2Vy" is ":tk_pager").
    assert_eq!(post(Some("Basic OnRrX3BhZ2Vy")).await.unwrap().status(), 200);

    let answer = http().get(format!("{}/json", fake.topic_url("pages"))).send().await.unwrap();
    assert_eq!(ntfy_error(403, answer.json().await.unwrap()).code, 40301);
    // `?auth=` is the header's value, base64url ("QmVhcmVyIHRrX3BhZ2Vy" is "Bearer tk_pager").
    let mut stream = Stream::open(format!("{}/json?poll=1&auth=QmVhcmVyIHRrX3BhZ2Vy", fake.topic_url("pages"))).await;
    assert_eq!(stream.event().await.message, "page");

    fake.set_tokens(&["tk_rotated"]);
    assert_eq!(post(Some("Bearer tk_pager")).await.unwrap().status(), 401);
    assert_eq!(fake.published("pages").len(), 2);
}

#[tokio::test]
async fn down_refuses_connections_and_comes_back_on_the_same_port() {
    let fake = NtfyFake::start().await.unwrap();
    let url = fake.topic_url("pages");
    publish_text(&fake, "pages", "before").await;
    let mut stream = Stream::open(format!("{url}/json")).await;
    stream.event().await;

    fake.go_down().await;
    let refused = http().post(&url).body("while down").send().await.unwrap_err();
    assert!(refused.is_connect(), "{refused:?}");
    assert!(stream.next().await.is_err(), "the open stream is cut");
    assert_eq!(fake.subscribers("pages"), 0);

    fake.come_back().await.unwrap();
    assert_eq!(fake.topic_url("pages"), url);
    let after = publish_text(&fake, "pages", "after").await;
    let cached: Vec<String> = poll(&fake, "pages", "").await.into_iter().map(|m| m.message).collect();
    assert_eq!(cached, ["before", "after"], "the cache survives");
    assert_eq!(fake.published("pages").last(), Some(&after));
    fake.come_back().await.unwrap();
}

#[tokio::test]
async fn dropped_subscribers_reconnect_and_resume_from_the_cache() {
    let fake = NtfyFake::start().await.unwrap();
    let mut stream = Stream::open(format!("{}/json", fake.topic_url("pages"))).await;
    stream.event().await;
    let seen = publish_text(&fake, "pages", "one").await;
    assert_eq!(stream.message().await, seen);

    assert_eq!(fake.drop_subscribers(), 1);
    assert!(stream.next().await.is_err(), "cut mid-stream, not ended cleanly");
    assert_eq!(fake.subscribers("pages"), 0);
    let missed = publish_text(&fake, "pages", "two").await;

    let mut again = Stream::open(format!("{}/json?since={}", fake.topic_url("pages"), seen.id)).await;
    assert_eq!(again.event().await.event, "open");
    assert_eq!(again.message().await, missed);
    assert!(fake.wait_for_subscribers("pages", 1, WAIT).await);

    // A fake that is dropped cuts its streams too, as a server that goes away.
    drop(fake);
    assert!(again.next().await.is_err());
}

#[tokio::test]
async fn press_sends_an_http_action_like_the_phone_app() {
    let fake = NtfyFake::start().await.unwrap();
    let mut replies = Stream::open(format!("{}/json", fake.topic_url("replies"))).await;
    replies.event().await;
    let (status, _) = publish_json(
        &fake,
        json!({"topic": "pages", "message": "db-1 down", "actions": [
            {"action": "view", "label": "Open", "url": "https://example.invalid"},
            {"action": "http", "label": "Acknowledge", "url": fake.topic_url("replies"),
             "headers": {"X-Title": "ack", "X-Tags": "klaxon"}, "body": "ack page 42"},
        ]}),
    )
    .await;
    assert_eq!(status, 200);
    let page = fake.wait_for("pages", |m| m.message == "db-1 down", WAIT).await.unwrap();
    assert!(fake.press(page.action("Open").unwrap()).await.is_err(), "a view action is not a request");
    assert_eq!(fake.press(page.action("Acknowledge").unwrap()).await, Ok(200));

    let reply = replies.message().await;
    assert_eq!((reply.message.as_str(), reply.title.as_str()), ("ack page 42", "ack"));
    assert_eq!(reply.tags, ["klaxon"]);
    let request = fake.server.requests().into_iter().find(|r| r.path == "/replies").unwrap();
    assert_eq!(request.method, "POST", "the phone's default method");
    assert!(request.header("user-agent").unwrap().starts_with("ntfy/"));
}

#[tokio::test]
async fn waits_are_bounded_and_see_later_messages() {
    let fake = std::sync::Arc::new(NtfyFake::start().await.unwrap());
    let none = fake.wait_for("t", |_| true, Duration::from_millis(100)).await;
    assert!(none.is_none());
    assert!(!fake.wait_for_subscribers("t", 1, Duration::from_millis(100)).await);
    let publisher = fake.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        publish_text(&publisher, "t", "skip").await;
        publish_text(&publisher, "t", "wanted").await;
    });
    let found = fake.wait_for("t", |m| m.message == "wanted", WAIT).await.unwrap();
    assert_eq!(found.message, "wanted");
}

#[tokio::test]
async fn slow_and_failing_publishes() {
    let fake = NtfyFake::start().await.unwrap();
    fake.set_publish_delay(Some(Duration::from_millis(300)));
    let started = std::time::Instant::now();
    publish_text(&fake, "t", "slow").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    fake.set_publish_delay(None);

    fake.faults().push(Fault::Status(503, "down for maintenance".into()));
    let answer = http().post(fake.topic_url("t")).body("x").send().await.unwrap();
    assert_eq!(answer.status(), 503);
    assert_eq!(fake.published("t").len(), 1);
    publish_text(&fake, "t", "fine again").await;
}
