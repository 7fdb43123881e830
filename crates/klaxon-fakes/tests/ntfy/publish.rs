//! Publishing: the message event ntfy answers, its validation and error codes, text to a topic
//! with ntfy's headers and query parameters, and the paths it does not serve.

use super::*;

#[tokio::test]
async fn json_publish_answers_ntfys_message_event() {
    let fake = NtfyFake::start().await.unwrap();
    let (status, body) = publish_json(
        &fake,
        json!({
            "topic": "oncall-pages", "message": "Disk full on db-1", "title": "PAGE", "priority": 5,
            "tags": ["rotating_light", "db"], "click": "https://example.invalid/i/1", "markdown": true,
            "actions": [
                {"action": "view", "label": "Open", "url": "https://example.invalid/i/1"},
                {"action": "http", "label": "Ack", "url": "https://example.invalid/ack", "method": "put",
                 "headers": {"Authorization": "Bearer x"}, "body": "{\"ack\":1}", "clear": true},
            ],
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let now = chrono::Utc::now().timestamp();
    let id = body["id"].as_str().unwrap();
    assert!(id.len() == 12 && id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
    let time = body["time"].as_i64().unwrap();
    assert!((now - 2..=now).contains(&time));
    assert_eq!(body["expires"], time + 12 * 3600);
    assert_eq!(body["event"], "message");
    assert_eq!(body["topic"], "oncall-pages");
    assert_eq!(
        (&body["title"], &body["message"], &body["priority"]),
        (&json!("PAGE"), &json!("Disk full on db-1"), &json!(5))
    );
    assert_eq!(body["tags"], json!(["rotating_light", "db"]));
    assert_eq!(body["click"], "https://example.invalid/i/1");
    assert_eq!(body["content_type"], "text/markdown");
    let actions = body["actions"].as_array().unwrap();
    assert_eq!(actions[0]["id"].as_str().unwrap().len(), 10);
    assert_eq!(actions[0]["clear"], false, "clear is always sent");
    assert!(actions[0].get("method").is_none());
    assert_eq!(actions[1]["method"], "PUT", "upper-cased");
    assert_eq!((&actions[1]["body"], &actions[1]["clear"]), (&json!("{\"ack\":1}"), &json!(true)));
    assert_eq!(actions[1]["headers"], json!({"Authorization": "Bearer x"}));
    let typed: Message = serde_json::from_value(body).unwrap();
    assert_eq!(fake.published("oncall-pages"), vec![typed]);

    // What ntfy leaves out when unset, and its default message.
    let (status, body) = publish_json(&fake, json!({"topic": "bare"})).await;
    assert_eq!(status, 200);
    assert_eq!(body["message"], "triggered");
    for absent in ["priority", "title", "tags", "actions", "click", "content_type"] {
        assert!(body.get(absent).is_none(), "{absent} in {body}");
    }
    assert_eq!(fake.published("bare")[0].effective_priority(), 3);
}

#[tokio::test]
async fn json_publish_is_validated_like_ntfy() {
    let fake = NtfyFake::start().await.unwrap();
    let view = json!({"action": "view", "label": "Open", "url": "https://example.invalid"});
    let cases = [
        (json!({"topic": "no spaces!", "message": "x"}), 40009, "invalid request: topic invalid"),
        (json!({"message": "no topic"}), 40009, "invalid request: topic invalid"),
        (json!({"topic": "t", "priority": 6}), 40007, "invalid priority parameter"),
        (json!({"topic": "t", "priority": "high"}), 40024, "invalid request: request body must be valid JSON"),
        (
            json!({"topic": "t", "actions": [view, view, view, view]}),
            40018,
            "invalid request: actions invalid; only 3 actions allowed",
        ),
        (
            json!({"topic": "t", "actions": [{"action": "http", "label": "Ack"}]}),
            40018,
            "invalid request: actions invalid; parameter 'url' is required for action 'http'",
        ),
        (
            json!({"topic": "t", "actions": [{"action": "call", "label": "Ack"}]}),
            40018,
            "invalid request: actions invalid; parameter 'action' cannot be 'call', valid values are 'view', 'broadcast' and 'http'",
        ),
        (json!({"topic": "t", "email": "me@example.invalid"}), 40001, "e-mail notifications are not enabled"),
        (json!({"topic": "t", "message": "x".repeat(5000)}), 40014, "invalid request: attachments not allowed"),
        (json!({"topic": "v1"}), 40010, "invalid request: topic name is not allowed"),
    ];
    for (body, code, text) in cases {
        let (status, answer) = publish_json(&fake, body.clone()).await;
        assert_eq!(status, 400, "{body}");
        let e = ntfy_error(status, answer);
        assert_eq!((e.code, e.error.as_str()), (code, text), "{body}");
    }
    let (status, answer) = publish_json(&fake, json!({"topic": "t", "priority": 6})).await;
    assert_eq!(ntfy_error(status, answer).link, "https://ntfy.sh/docs/publish/#message-priority");
    let answer = http().post(fake.url()).body("{not json").send().await.unwrap();
    assert_eq!(ntfy_error(400, answer.json().await.unwrap()).code, 40024);
    assert!(fake.published("t").is_empty());
}

#[tokio::test]
async fn text_publish_reads_the_body_and_ntfys_headers() {
    let fake = NtfyFake::start().await.unwrap();
    let answer = http()
        .post(fake.topic_url("replies"))
        .header("X-Title", "Ack")
        .header("Priority", "high")
        .header("X-Tags", "a, b,,c")
        .body("  acknowledged by ann \n")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let m: Message = answer.json().await.unwrap();
    assert_eq!((m.topic.as_str(), m.message.as_str(), m.title.as_str()), ("replies", "acknowledged by ann", "Ack"));
    assert_eq!((m.priority, m.tags.clone()), (4, vec!["a".to_owned(), "b".into(), "c".into()]));

    // PUT, the short header names and query parameters work too; an empty body is "triggered".
    let answer =
        http().put(format!("{}?p=2&tags=x", fake.topic_url("replies"))).header("t", "Short").send().await.unwrap();
    let m: Message = answer.json().await.unwrap();
    assert_eq!((m.title.as_str(), m.priority, m.message.as_str()), ("Short", 2, "triggered"));
    assert_eq!(m.tags, ["x"]);
    // A proxy's RFC 9218 `Priority` header is not a ntfy priority.
    let answer = http().post(fake.topic_url("replies")).header("Priority", "u=3, i").body("b").send().await.unwrap();
    assert_eq!(answer.json::<Message>().await.unwrap().priority, 0);

    // Actions in ntfy's simple header format.
    let answer = http()
        .post(fake.topic_url("replies"))
        .header(
            "Actions",
            "http, Ack, https://example.invalid/ack, method=PUT, body=ok; view, Open, https://example.invalid",
        )
        .body("b")
        .send()
        .await
        .unwrap();
    let m: Message = answer.json().await.unwrap();
    let labels: Vec<&str> = m.actions.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels, ["Ack", "Open"]);
    assert_eq!((m.actions[0].method.as_str(), m.actions[0].body.as_str()), ("PUT", "ok"));

    let answer = http().post(fake.topic_url("replies")).header("X-Priority", "9").body("b").send().await.unwrap();
    assert_eq!(ntfy_error(400, answer.json().await.unwrap()).code, 40007);
    let answer = http().post(format!("{}/bad.topic", fake.url())).body("b").send().await.unwrap();
    assert_eq!(ntfy_error(404, answer.json().await.unwrap()).code, 40401);
    assert_eq!(fake.published("replies").len(), 4);
}

#[tokio::test]
async fn unknown_paths_answer_ntfys_404_and_health_answers() {
    let fake = NtfyFake::start().await.unwrap();
    for (method, path) in [("GET", "/nope/nope/nope"), ("DELETE", "/pages"), ("GET", "/pages/xml")] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let answer = http().request(method, format!("{}{path}", fake.url())).send().await.unwrap();
        assert_eq!(answer.status(), 404, "{path}");
        assert_eq!(
            answer.json::<Value>().await.unwrap(),
            json!({"code": 40401, "http": 404, "error": "page not found"})
        );
    }
    let health: Value = http().get(format!("{}/v1/health", fake.url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(health, json!({"healthy": true}));
    let sent: Message =
        http().get(format!("{}/publish?message=hi", fake.topic_url("t"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(sent.message, "hi");
}
