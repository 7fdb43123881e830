//! Schedules through the real `klaxon` binary: who is on call at each layer (gaps shown), and
//! overrides kept in the real SQLite file, with bad input refused by field.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use klaxon_e2e::binary;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const TEAM: &str = r#"
me = "alex"
[[people]]
id = "alex"
name = "Alex"
[[people]]
id = "sam"
name = "Sam"
[[schedules]]
id = "ops"
name = "Ops"
time_zone = "Europe/Warsaw"
[[schedules.layers]]
id = "primary"
start = 2026-01-05
handoff = "mon 09:00"
participants = ["alex", "sam"]
restrictions = [{ days = "weekdays", from = "09:00", to = "17:00" }]
[[schedules.layers]]
id = "secondary"
start = 2026-01-05T09:00:00
shift_length = "1w"
participants = ["sam", "alex"]
[[escalation_policies]]
id = "default"
[[escalation_policies.levels]]
delay = "5m"
targets = ["schedule:ops:primary"]
[[escalation_policies.levels]]
delay = "5m"
targets = ["schedule:ops"]
[intake]
listen = "127.0.0.1:0"
"#;

fn klaxon(config: &Path, args: &[&str]) -> Output {
    Command::new(binary("klaxon"))
        .env("KLAXON_CONFIG", config)
        .env("KLAXON_DATA_DIR", config.with_extension("data"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn json(config: &Path, args: &[&str]) -> Value {
    let out = klaxon(config, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
#[ignore = "needs the built klaxon binary; run by scripts/test.sh"]
fn oncall_at_a_time_names_each_layer_and_overrides_change_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("klaxon.toml");
    std::fs::write(&config, TEAM).unwrap();

    // Tuesday 6 January 2026, 10:00 in Warsaw: alex holds primary (its window), sam secondary.
    let at = ["oncall", "--json", "--at", "2026-01-06T09:00:00Z"];
    let v = json(&config, &at);
    let levels: Vec<(u64, &str)> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["level"].as_u64().unwrap(), e["person_id"].as_str().unwrap()))
        .collect();
    assert_eq!(levels, [(1, "alex"), (2, "alex")], "{v}");
    assert_eq!(v["schedules"][0]["layers"][1]["now"]["person"], "sam");
    // 20:00 local: primary is a gap, shown as one; the schedule falls to secondary.
    let v = json(&config, &["oncall", "--json", "--at", "2026-01-06T19:00:00Z"]);
    assert_eq!(v["schedules"][0]["layers"][0]["now"]["person"], Value::Null, "{v}");
    assert_eq!(v["schedules"][0]["now"]["person"], "sam");
    let text =
        String::from_utf8_lossy(&klaxon(&config, &["oncall", "--at", "2026-01-06T19:00:00Z"]).stdout).into_owned();
    assert!(text.contains("nobody (gap) until"), "{text}");

    // Sam covers primary from 09:00 to 12:00 UTC that day.
    let added = json(
        &config,
        &[
            "override",
            "add",
            "ops",
            "--who",
            "sam",
            "--from",
            "2026-01-06T09:00:00Z",
            "--to",
            "2026-01-06T12:00:00Z",
            "--json",
        ],
    );
    let id = added["cover"]["id"].as_i64().unwrap();
    let v = json(&config, &at);
    assert_eq!(v["entries"][0]["person_id"], "sam", "the override decides level 1: {v}");
    assert_eq!(v["schedules"][0]["layers"][0]["now"]["overridden"], true);
    let schedules = json(&config, &["schedules", "--json"]);
    assert_eq!(schedules[0]["definition"][0]["restrictions"][0], "Mon,Tue,Wed,Thu,Fri 09:00–17:00");

    // Bad input is refused by field; nothing is kept.
    for (args, field) in [
        (
            vec![
                "override",
                "add",
                "nope",
                "--who",
                "sam",
                "--from",
                "2026-01-06T09:00:00Z",
                "--to",
                "2026-01-06T12:00:00Z",
            ],
            "schedule:",
        ),
        (
            vec![
                "override",
                "add",
                "ops",
                "--who",
                "kim",
                "--from",
                "2026-01-06T09:00:00Z",
                "--to",
                "2026-01-06T12:00:00Z",
            ],
            "who:",
        ),
        (vec!["override", "add", "ops", "--who", "sam", "--from", "tomorrow", "--to", "2026-01-06T12:00:00Z"], "from:"),
        (
            vec![
                "override",
                "add",
                "ops",
                "--who",
                "sam",
                "--from",
                "2026-01-06T12:00:00Z",
                "--to",
                "2026-01-06T09:00:00Z",
            ],
            "to:",
        ),
    ] {
        let out = klaxon(&config, &args);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success() && err.contains(field), "{args:?}: {err}");
    }
    let removed = klaxon(&config, &["override", "remove", &id.to_string()]);
    assert!(removed.status.success(), "{}", String::from_utf8_lossy(&removed.stderr));
    assert_eq!(json(&config, &at)["entries"][0]["person_id"], "alex", "back to the rotation");
    let gone = klaxon(&config, &["override", "remove", &id.to_string()]);
    assert!(String::from_utf8_lossy(&gone.stderr).contains(&format!("no override {id}")));
}

#[test]
#[ignore = "needs the built klaxon binary; run by scripts/test.sh"]
fn shifts_merge_every_layer_and_export_as_ical_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("klaxon.toml");
    std::fs::write(&config, TEAM).unwrap();
    let mine = json(&config, &["shifts", "--days", "14", "--who", "me", "--json"]);
    let mine = mine.as_array().unwrap();
    assert!(!mine.is_empty() && mine.iter().all(|s| s["me"] == true && s["account"] == "local"), "{mine:?}");
    assert!(mine.iter().any(|s| s["layer"] == "primary") || mine.iter().any(|s| s["layer"] == "secondary"));
    let everyone = json(&config, &["shifts", "--days", "14", "--json"]);
    assert!(everyone.as_array().unwrap().iter().any(|s| s["person_id"] == "sam"), "all by default");

    let out = klaxon(&config, &["shifts", "--days", "14", "--ics"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.contains("PRODID:"), "{text}");
    let now = chrono::Utc::now();
    let events = klaxon_ical::parse_feed(
        &text,
        now - chrono::Duration::days(40),
        now + chrono::Duration::days(60),
        chrono_tz::UTC,
    )
    .unwrap();
    let starts: Vec<String> = events.iter().map(|e| e.start.to_rfc3339()).collect();
    let want: Vec<String> = mine
        .iter()
        .map(|s| {
            chrono::DateTime::parse_from_rfc3339(s["start"].as_str().unwrap())
                .unwrap()
                .with_timezone(&chrono::Utc)
                .to_rfc3339()
        })
        .collect();
    assert_eq!(starts, want, "export → import gives my shifts back");

    let fair = json(&config, &["shifts", "--fairness", "--json"]);
    let names: Vec<&str> = fair.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Alex") && names.contains(&"Sam"), "{fair}");
    assert!(fair[0]["minutes"].as_u64().unwrap() > 0);
}
