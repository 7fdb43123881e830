//! JSON streams and the cache: `open` then live messages, `since=` and `poll=1`, expiry,
//! keepalives and delayed delivery.

use super::*;

#[tokio::test]
async fn stream_opens_then_sends_messages_in_order() {
    let fake = NtfyFake::start().await.unwrap();
    let mut stream = Stream::open(format!("{}/json", fake.topic_url("pages"))).await;
    let open = stream.event().await;
    assert_eq!((open.event.as_str(), open.topic.as_str(), open.id.len()), ("open", "pages", 12));
    assert!(fake.wait_for_subscribers("pages", 1, WAIT).await);
    publish_text(&fake, "other", "not mine").await;
    let sent = [publish_text(&fake, "pages", "one").await, publish_text(&fake, "pages", "two").await];
    publish_json(&fake, json!({"topic": "pages", "message": "three", "priority": 5})).await;
    assert_eq!(stream.message().await, sent[0]);
    assert_eq!(stream.message().await, sent[1]);
    let third = stream.message().await;
    assert_eq!((third.message.as_str(), third.priority), ("three", 5));

    // Several topics at once; the open event names them all.
    let mut both = Stream::open(format!("{}/a,b/json", fake.url())).await;
    assert_eq!(both.event().await.topic, "a,b");
    publish_text(&fake, "b", "from b").await;
    publish_text(&fake, "a", "from a").await;
    assert_eq!(both.message().await.message, "from b");
    assert_eq!(both.message().await.message, "from a");
    assert_eq!((fake.subscribers("a"), fake.subscribers("pages")), (1, 1));
}

#[tokio::test]
async fn since_and_poll_send_the_cached_messages() {
    let fake = NtfyFake::start().await.unwrap();
    let first = publish_text(&fake, "t", "one").await;
    let second = publish_text(&fake, "t", "two").await;
    let third = publish_text(&fake, "t", "three").await;
    publish_text(&fake, "elsewhere", "x").await;
    let texts = |ms: Vec<Message>| ms.into_iter().map(|m| m.message).collect::<Vec<_>>();

    assert_eq!(texts(poll(&fake, "t", "").await), ["one", "two", "three"], "poll without since is all");
    assert_eq!(texts(poll(&fake, "t", "since=all").await), ["one", "two", "three"]);
    assert_eq!(texts(poll(&fake, "t", &format!("since={}", first.id)).await), ["two", "three"]);
    assert_eq!(texts(poll(&fake, "t", &format!("since={}", third.id)).await), Vec::<String>::new());
    assert_eq!(texts(poll(&fake, "t", &format!("since={}", first.time)).await), ["one", "two", "three"]);
    assert_eq!(texts(poll(&fake, "t", &format!("since={}", first.time + 3600)).await), Vec::<String>::new());
    assert_eq!(texts(poll(&fake, "t", "since=10m").await), ["one", "two", "three"]);
    assert_eq!(texts(poll(&fake, "t", "since=latest").await), ["three"]);
    assert_eq!(texts(poll(&fake, "t", "since=all&message=two").await), ["two"], "filters");
    let answer = http().get(format!("{}/json?since=yesterday", fake.topic_url("t"))).send().await.unwrap();
    assert_eq!(ntfy_error(400, answer.json().await.unwrap()).code, 40008);

    // A stream sends the cached ones after `open`, then live ones, none twice.
    let mut stream = Stream::open(format!("{}/json?since={}", fake.topic_url("t"), first.id)).await;
    assert_eq!(stream.event().await.event, "open");
    assert_eq!(stream.message().await, second);
    assert_eq!(stream.message().await, third);
    let fourth = publish_text(&fake, "t", "four").await;
    assert_eq!(stream.message().await, fourth);
    // Without `since`, a stream sends only what comes next.
    let mut fresh = Stream::open(format!("{}/json", fake.topic_url("t"))).await;
    fresh.event().await;
    publish_text(&fake, "t", "five").await;
    assert_eq!(fresh.message().await.message, "five");
}

#[tokio::test]
async fn cached_messages_expire() {
    // Two seconds: the poll right after publishing cannot straddle the expiry's whole second.
    let config = NtfyConfig { cache_duration: Duration::from_secs(2), ..NtfyConfig::default() };
    let fake = NtfyFake::start_with(config).await.unwrap();
    let m = publish_text(&fake, "t", "short-lived").await;
    assert_eq!(m.expires, m.time + 2);
    let uncached = http().post(format!("{}?cache=no", fake.topic_url("t"))).body("x").send().await.unwrap();
    assert_eq!(uncached.json::<Value>().await.unwrap().get("expires"), None);
    assert_eq!(poll(&fake, "t", "").await.len(), 1, "uncached messages are not polled");
    while chrono::Utc::now().timestamp() < m.expires {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(poll(&fake, "t", "").await.is_empty());
    assert_eq!(fake.published("t").len(), 2, "the test log keeps everything");
}

#[tokio::test]
async fn keepalives_come_at_the_configured_interval() {
    let config = NtfyConfig { keepalive: Duration::from_millis(150), ..NtfyConfig::default() };
    let fake = NtfyFake::start_with(config).await.unwrap();
    let mut stream = Stream::open(format!("{}/a,b/json", fake.url())).await;
    assert_eq!(stream.event().await.event, "open");
    let started = tokio::time::Instant::now();
    let keepalive = stream.event().await;
    assert_eq!((keepalive.event.as_str(), keepalive.topic.as_str()), ("keepalive", "a,b"));
    assert!(keepalive.message.is_empty() && keepalive.expires == 0);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(stream.event().await.event, "keepalive");
}

#[tokio::test]
async fn delayed_messages_are_delivered_at_their_time() {
    let config = NtfyConfig { delay_min: Duration::from_secs(1), ..NtfyConfig::default() };
    let fake = NtfyFake::start_with(config).await.unwrap();
    let mut stream = Stream::open(format!("{}/json", fake.topic_url("t"))).await;
    stream.event().await;
    let before = chrono::Utc::now().timestamp();
    let (status, body) = publish_json(&fake, json!({"topic": "t", "message": "later", "delay": "1s"})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["time"].as_i64().unwrap() > before, "the time is the delivery time");
    assert!(poll(&fake, "t", "").await.is_empty(), "not before its time");
    assert_eq!(poll(&fake, "t", "scheduled=1").await.len(), 1);
    assert_eq!(stream.message().await.message, "later");
    assert_eq!(poll(&fake, "t", "").await.len(), 1);

    let (status, body) = publish_json(&fake, json!({"topic": "t", "delay": "tomorrow, 10am"})).await;
    assert_eq!(ntfy_error(status, body).code, 40004);
    let (status, body) = publish_json(&fake, json!({"topic": "t", "delay": "4d"})).await;
    assert_eq!(ntfy_error(status, body).code, 40006);
}
