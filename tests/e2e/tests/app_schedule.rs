//! The Schedule view in the real window (tauri-driver + WebKitWebDriver under Xvfb): a team file
//! with a layered schedule in Warsaw whose primary layer covers weekday working hours only (so
//! gaps exist); the rows, a gap, my blocks, each policy's levels and the fairness table; one of my
//! shifts handed to a colleague through the form, seen in the calendar and by `klaxon override
//! list`; an override removed from the CLI shows in the window; nothing overflows at 1100 px.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use chrono::{DateTime, Utc};
use fantoccini::{Client, Locator};
use klaxon_e2e::window::{App, text_of, wait_text};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn team(port: u16) -> String {
    format!(
        r#"
me = "alex"
[[people]]
id = "alex"
name = "Alex"
[[people]]
id = "sam"
name = "Sam"
[[people]]
id = "kim"
name = "Kim"
[[schedules]]
id = "ops"
name = "Ops"
time_zone = "Europe/Warsaw"
[[schedules.layers]]
id = "primary"
name = "Primary"
start = 2026-01-05
handoff = "mon 09:00"
participants = ["alex", "sam"]
restrictions = [{{ days = "weekdays", from = "09:00", to = "17:00" }}]
[[schedules.layers]]
id = "secondary"
name = "Secondary"
start = 2026-01-05T09:00:00
shift_length = "1w"
participants = ["sam", "alex"]
[[escalation_policies]]
id = "ops"
name = "Ops policy"
[[escalation_policies.levels]]
delay = "5m"
targets = ["schedule:ops:primary"]
[[escalation_policies.levels]]
delay = "10m"
targets = ["schedule:ops:secondary", "person:sam"]
[intake]
listen = "127.0.0.1:{port}"
"#
    )
}

async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

/// Runs `script` in the window and returns its answer.
async fn eval(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.unwrap()
}

const PRIMARY: &str = "[data-testid=schedule-group][data-schedule=ops] [data-testid=schedule-row][data-row=primary]";

/// Each block of a row: its label, classes and title.
const BLOCKS: &str = r#"
return [...document.querySelectorAll(arguments[0] + ' [data-testid=block]')]
  .map((b) => ({ label: b.textContent.trim(), class: b.className, title: b.title, start: b.dataset.start }));
"#;

async fn blocks(client: &Client, row: &str) -> Vec<Value> {
    client.execute(BLOCKS, vec![json!(row)]).await.unwrap().as_array().cloned().unwrap_or_default()
}

/// Anything in the window reaching past its right edge, and how wide the document is.
const OVERFLOW: &str = r#"
const width = document.documentElement.clientWidth;
const name = (e) => e.dataset.testid || (typeof e.className === 'string' && e.className) || e.tagName;
const outside = [...document.querySelectorAll('body *')]
  .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > width + 0.5; })
  .map(name);
const panes = [...document.querySelectorAll('main')].filter((m) => m.scrollWidth > m.clientWidth + 1).map(name);
return { width: window.innerWidth, scroll: document.documentElement.scrollWidth, outside, panes };
"#;

async fn overflow_at(client: &Client, width: u32) -> Value {
    client.set_window_rect(0, 0, width, 900).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let layout = eval(client, OVERFLOW).await;
        let resized = layout["width"].as_u64().is_some_and(|w| w.abs_diff(u64::from(width)) <= 16);
        if resized || Instant::now() > deadline {
            assert!(resized, "resized to {width}: {layout}");
            return layout;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn assert_fits(layout: &Value, what: &str) {
    assert_eq!(layout["outside"], json!([]), "{what}: {layout}");
    assert_eq!(layout["panes"], json!([]), "{what}: {layout}");
    assert!(layout["scroll"].as_u64() <= layout["width"].as_u64(), "{what}: {layout}");
}

fn instant(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap().with_timezone(&Utc)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
async fn the_schedule_view_shows_rows_gaps_and_levels_and_covers_my_shift_with_a_colleague() {
    let app = App::start_with(team).await;
    let client = &app.client;
    click(client, "[data-testid=schedule-button]").await;
    wait_text(client, &format!("{PRIMARY} .name"), "Primary", 30).await;
    let heading = text_of(client, "[data-testid=schedule-group][data-schedule=ops] h4").await.unwrap();
    assert!(heading.contains("Ops") && heading.contains("Europe/Warsaw"), "{heading}");

    // The calendar: 28 days, one group with both layers; gaps outside 09:00–17:00, mine highlighted.
    let days = eval(client, "return document.querySelectorAll('[data-testid=day]').length;").await;
    assert_eq!(days, 28);
    let rows = eval(client, "return [...document.querySelectorAll('[data-schedule=ops] [data-testid=schedule-row]')].map((r) => r.dataset.row);").await;
    assert_eq!(rows, json!(["primary", "secondary"]));
    let primary = blocks(client, PRIMARY).await;
    let gap =
        primary.iter().find(|b| b["class"].as_str().unwrap().contains("gap")).expect("a gap in the primary layer");
    assert_eq!(gap["label"], "gap", "{gap}");
    assert!(gap["title"].as_str().unwrap().starts_with("nobody on call · "), "{gap}");
    let mine: Vec<&Value> = primary.iter().filter(|b| b["class"].as_str().unwrap().contains("mine")).collect();
    assert!(!mine.is_empty(), "I hold primary in two of the four weeks: {primary:?}");
    assert!(mine.iter().all(|b| b["label"] == "you" && b["title"].as_str().unwrap().starts_with("you · ")), "{mine:?}");
    let sams = primary.iter().filter(|b| b["label"] == "Sam").count();
    assert!(sams > 0, "{primary:?}");
    let now_lines = eval(client, "return document.querySelectorAll('[data-testid=now-line]').length;").await;
    assert!(now_lines.as_u64() >= Some(2), "{now_lines}");

    // On call now: each level, its targets and delay, who holds it — as the CLI says.
    let level = |n: u32, part: &str| {
        format!("[data-testid=policy][data-policy='Ops policy'] [data-level='{n}'] [data-testid={part}]")
    };
    wait_text(client, &level(1, "level-targets"), "Ops · Primary", 10).await;
    wait_text(client, &level(1, "level-delay"), "next level after 5 min", 10).await;
    wait_text(client, &level(2, "level-targets"), "Ops · Secondary, Sam", 10).await;
    wait_text(client, &level(2, "level-delay"), "next level after 10 min", 10).await;
    let oncall: Value = serde_json::from_slice(&app.klaxon(&["--json", "oncall"]).stdout).unwrap();
    let holders = |n: u64| -> Vec<String> {
        let entries = oncall["entries"].as_array().unwrap();
        let mut names: Vec<String> = entries
            .iter()
            .filter(|e| e["policy"] == "Ops policy" && e["level"] == n)
            .map(|e| {
                if e["person_id"] == "alex" { "you".to_owned() } else { e["person_name"].as_str().unwrap().to_owned() }
            })
            .collect();
        names.dedup();
        names
    };
    let level1 = text_of(client, &level(1, "level-now")).await.unwrap();
    let want = holders(1);
    assert_eq!(level1.trim(), if want.is_empty() { "nobody".to_owned() } else { want.join(", ") }, "{oncall}");
    let level2 = text_of(client, &level(2, "level-now")).await.unwrap();
    assert!(level2.contains("Sam"), "{level2}");

    // Fairness over the next 12 weeks: both of us carry some.
    let fairness = eval(client, "return [...document.querySelectorAll('[data-testid=fairness-row]')].map((r) => [...r.children].map((c) => c.textContent.trim()));").await;
    let names: Vec<&str> = fairness.as_array().unwrap().iter().map(|r| r[0].as_str().unwrap()).collect();
    assert!(names.contains(&"Alex (you)") && names.contains(&"Sam"), "{fairness}");
    assert!(
        fairness.as_array().unwrap().iter().all(|r| r[1].as_str().unwrap().parse::<f64>().unwrap() > 0.0),
        "{fairness}"
    );

    // Nothing overflows at 1100 px, with the cover form open too.
    assert_fits(&overflow_at(client, 1100).await, "the Schedule view at 1100 px");
    let shift = "[data-testid=my-shift][data-schedule=ops][data-row=primary]";
    let el = client.find(Locator::Css(shift)).await.unwrap();
    let (start, end) = (el.attr("data-start").await.unwrap().unwrap(), el.attr("data-end").await.unwrap().unwrap());
    click(client, &format!("{shift} [data-testid=cover-button]")).await;
    assert_fits(&eval(client, OVERFLOW).await, "the open cover form at 1100 px");
    app.screenshot("schedule-e2e.png").await;

    // Kim covers that shift, through the form: the block becomes Kim's, marked as an override.
    let person = client.find(Locator::Css("[data-testid=cover-person]")).await.unwrap();
    person.select_by_value("kim").await.unwrap();
    click(client, "[data-testid=cover-submit]").await;
    let block = format!("{PRIMARY} [data-testid=block][data-start='{start}']");
    wait_text(client, &block, "Kim", 20).await;
    let class = client.find(Locator::Css(&block)).await.unwrap().attr("class").await.unwrap().unwrap_or_default();
    assert!(class.contains("overridden") && !class.contains("mine"), "{class}");
    wait_text(client, "[data-testid=override] strong", "Kim", 10).await;
    assert!(client.find(Locator::Css("[data-testid=cover-error]")).await.is_err(), "no error shown");

    // The real CLI on the same data dir sees it.
    let out = app.klaxon(&["--json", "override", "list"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let covers = list.as_array().unwrap();
    assert_eq!(covers.len(), 1, "{list}");
    let cover = &covers[0]["cover"];
    assert_eq!(
        (&cover["schedule"], &cover["layer"], &cover["person"]),
        (&json!("ops"), &json!("primary"), &json!("kim"))
    );
    assert_eq!((instant(&cover["start"]), instant(&cover["end"])), (instant(&json!(start)), instant(&json!(end))));

    // Removed from the CLI (another process): the window follows, the shift is mine again.
    let id = cover["id"].as_i64().unwrap().to_string();
    let removed = app.klaxon(&["override", "remove", &id]);
    assert!(removed.status.success(), "{}", String::from_utf8_lossy(&removed.stderr));
    wait_text(client, &block, "you", 20).await;
    wait_text(client, "[data-testid=no-overrides]", "None.", 10).await;
    app.stop().await;
}
