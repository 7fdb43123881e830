//! Imported calendars as schedule layers: fetched over loopback HTTP with conditional requests
//! and from a file beside the team file, kept offline; a broken feed keeps the last good copy.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::{Router, extract::State, routing::get};
use chrono::{Duration as Days, Utc};
use common::Setup;
use klaxon_engine::calendars::Refreshed;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Feed {
    body: String,
    etag: String,
    asked: Vec<Option<String>>,
}

fn ics(events: &[(chrono::DateTime<Utc>, chrono::DateTime<Utc>)]) -> String {
    let mut out = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    for (i, (s, e)) in events.iter().enumerate() {
        out += &format!(
            "BEGIN:VEVENT\r\nUID:e{i}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:On Call - Alex - Vendor\r\nDTSTART:{}\r\nDTEND:{}\r\nEND:VEVENT\r\n",
            s.format("%Y%m%dT%H%M%SZ"),
            e.format("%Y%m%dT%H%M%SZ")
        );
    }
    out + "END:VCALENDAR\r\n"
}

async fn serve(State(feed): State<Arc<Mutex<Feed>>>, headers: HeaderMap) -> axum::response::Response {
    let mut feed = feed.lock().unwrap();
    let asked = headers.get(header::IF_NONE_MATCH).map(|v| v.to_str().unwrap().to_owned());
    feed.asked.push(asked.clone());
    if asked.as_deref() == Some(feed.etag.as_str()) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    ([(header::CONTENT_TYPE, "text/calendar"), (header::ETAG, feed.etag.as_str())], feed.body.clone()).into_response()
}

#[tokio::test]
async fn a_feed_layer_is_fetched_conditionally_and_a_bad_feed_keeps_the_last_good_copy() {
    let now = Utc::now();
    let shift = ((now + Days::days(2)).date_naive().and_hms_opt(9, 0, 0).unwrap().and_utc(), now + Days::days(3));
    let feed = Arc::new(Mutex::new(Feed { body: ics(&[shift]), etag: "\"v1\"".into(), asked: Vec::new() }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().route("/feed.ics", get(serve)).with_state(feed.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let layers = format!(
        "[[schedules]]\nid = \"vendor\"\n[[schedules.layers]]\nid = \"pd\"\ncalendar = \"http://{addr}/feed.ics\"\n\
         [[schedules.layers]]\nid = \"file\"\ncalendar = \"local.ics\"\nperson = \"sam\"\n"
    );
    let setup = Setup::with_extra("5m", &layers);
    let sam_shift = (now + Days::days(5), now + Days::days(6));
    std::fs::write(setup.dir.path().join("local.ics"), ics(&[sam_shift])).unwrap();
    let k = setup.klaxon().await;
    let fetcher = klaxon_ical::Fetcher::new().unwrap();

    let first = k.refresh_calendars(&fetcher, now).await.unwrap();
    assert_eq!(
        first,
        [(format!("http://{addr}/feed.ics"), Refreshed::Fresh(1)), ("local.ics".into(), Refreshed::Fresh(1))]
    );
    let mine = k.my_shifts(now, now + Days::days(7)).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].0.timestamp(), mine[0].1.timestamp()),
        (shift.0.timestamp(), shift.1.timestamp()),
        "the feed's event is my shift"
    );
    let view = k.schedule_view(now, now + Days::days(7)).await.unwrap();
    let file_row = &view.schedules[0].rows[1];
    assert!(file_row.spans.iter().any(|s| s.who.as_ref().is_some_and(|w| w.id == "sam")), "{file_row:?}");

    // Asked again: a conditional request, answered 304.
    let again = k.refresh_calendars(&fetcher, now + Days::minutes(15)).await.unwrap();
    assert_eq!(again[0].1, Refreshed::NotModified);
    assert_eq!(feed.lock().unwrap().asked, [None, Some("\"v1\"".to_owned())]);

    // The feed breaks: the error is shown, the last good copy stays.
    {
        let mut f = feed.lock().unwrap();
        f.body = "<html>maintenance</html>".into();
        f.etag = "\"v2\"".into();
    }
    let broken = k.refresh_calendars(&fetcher, now + Days::minutes(30)).await.unwrap();
    assert!(matches!(&broken[0].1, Refreshed::Failed(e) if !e.is_empty()), "{broken:?}");
    let kept = k.store().calendars().await.unwrap();
    let pd = kept.iter().find(|c| c.source.ends_with("feed.ics")).unwrap();
    assert_eq!((pd.events, pd.etag.as_deref()), (1, Some("\"v1\"")));
    assert!(pd.error.is_some());
    assert_eq!(k.my_shifts(now, now + Days::days(7)).await.unwrap().len(), 1, "still on call from the kept copy");
}
