//! Team file parsing: what is accepted, and where errors point.

use super::*;
use crate::{PagerSettings, Urgency};
use chrono::NaiveTime;

const GOOD: &str = r#"
me = "alex"

[[people]]
id = "alex"
name = "Alex Doe"
email = "alex@example.com"

[[people]]
id = "sam"

[[rotations]]
id = "primary"
start = 2026-01-05T09:00:00Z
participants = ["alex", "sam"]

[[escalation_policies]]
id = "default"
repeat = 2
[[escalation_policies.levels]]
delay = "5m"
targets = ["rotation:primary"]
[[escalation_policies.levels]]
delay = "10m"
targets = ["person:sam"]

[intake]
listen = "127.0.0.1:19797"
token = "s3cret"
alertmanager_grouping = "group"

[pager]
realert_after = "2m"
realert_limit = 3
quiet_hours = { start = "22:30", end = "07:00" }
[[pager.urgency]]
service = "batch"
urgency = "low"
[[pager.urgency]]
account = "local"
severities = ["warning"]
urgency = "high"
"#;

#[test]
fn parses_a_full_file() {
    let f = parse(GOOD).unwrap();
    assert_eq!(f.team.me, "alex");
    assert_eq!(f.team.people[0].name, "Alex Doe");
    assert_eq!(f.team.people[1].name, "sam", "name defaults to id");
    let primary = &f.team.schedules[0];
    assert_eq!((primary.id.as_str(), primary.time_zone, primary.layers.len()), ("primary", chrono_tz::UTC, 1));
    let crate::Turns::Rotation(r) = &primary.layers[0].turns else { panic!("a rotation") };
    assert_eq!(r.shift_length, chrono::TimeDelta::weeks(1), "weekly unless said");
    assert_eq!(f.team.policies[0].levels[0].targets, [Target::schedule("primary")], "rotation:ID names the schedule");
    assert_eq!(f.team.policies[0].levels[1].delay, Duration::from_secs(600));
    assert_eq!(f.team.policies[0].repeat, 2);
    assert_eq!(f.team.default_policy, "default");
    assert_eq!(f.intake.listen.to_string(), "127.0.0.1:19797");
    assert_eq!(f.intake.token.as_ref().map(Secret::expose), Some("s3cret"));
    assert_eq!(f.intake.grouping, Grouping::Group);
    let p = &f.team.pager;
    assert_eq!(p.realert_after, Duration::from_secs(120));
    assert_eq!(p.realert_limit, Some(3));
    let q = p.quiet_hours.unwrap();
    assert!(q.contains(NaiveTime::from_hms_opt(23, 0, 0).unwrap()));
    assert_eq!(p.urgency_for("local", Some("batch"), Severity::Sev1), Urgency::Low);
    assert_eq!(p.urgency_for("local", Some("web"), Severity::Sev3), Urgency::High);
    assert!(format!("{f:?}").contains("<redacted>") && !format!("{f:?}").contains("s3cret"));
}

#[test]
fn minimal_file_gets_defaults() {
    let f = parse("me = \"me\"\n[[people]]\nid = \"me\"\n").unwrap();
    assert_eq!(f.intake.listen.to_string(), DEFAULT_LISTEN);
    assert!(f.intake.enabled);
    assert_eq!(f.intake.token, None);
    assert_eq!(f.team.policies.len(), 1, "a default policy pages me");
    assert_eq!(f.team.pager, PagerSettings::default(), "re-alert every 60 s until answered, no quiet hours");
    assert_eq!(f.team.policies[0].levels[0].targets, vec![Target::Person("me".into())]);
}

fn err(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

#[test]
fn errors_name_the_line() {
    assert_eq!(
        err("me = \"ghost\"\n[[people]]\nid = \"alex\"\n"),
        "1: `me` is `ghost`, but no [[people]] entry has that id"
    );
    let bad_target = GOOD.replace("person:sam", "person:nobody");
    let line = GOOD.lines().position(|l| l.contains("person:sam")).unwrap() + 1;
    assert_eq!(err(&bad_target), format!("{line}: unknown target `person:nobody`"));
    let bad_delay = GOOD.replace("\"10m\"", "\"ten minutes\"");
    let line = GOOD.lines().position(|l| l.contains("\"10m\"")).unwrap() + 1;
    let e = err(&bad_delay);
    assert!(e.starts_with(&format!("{line}: invalid duration `ten minutes`")), "{e}");
    let bad_listen = GOOD.replace("127.0.0.1:19797", "localhost");
    let line = GOOD.lines().position(|l| l.contains("listen")).unwrap() + 1;
    assert!(err(&bad_listen).starts_with(&format!("{line}: invalid listen address")));
}

#[test]
fn shadow_targets_are_checked() {
    let f = parse(&format!("{GOOD}\n[shadow]\nfollow = [\"person:sam\", \"level:default:2\"]\n")).unwrap();
    assert_eq!(
        f.team.shadow,
        [ShadowTarget::Person("sam".into()), ShadowTarget::Level { policy: "default".into(), level: 2 }]
    );
    let e = err(&format!("{GOOD}\n[shadow]\nfollow = [\"person:alex\"]\n"));
    assert!(e.contains("cannot shadow `person:alex`"), "shadowing myself makes no sense: {e}");
    let e = err(&format!("{GOOD}\n[shadow]\nfollow = [\"level:default:3\"]\n"));
    assert!(e.contains("cannot shadow"), "{e}");
    let e = err(&format!("{GOOD}\n[shadow]\nfollow = [\"sam\"]\n"));
    assert!(e.contains("expected person:ID"), "{e}");
}

#[test]
fn pager_errors_name_the_line() {
    let bad = GOOD.replace("\"22:30\"", "\"10pm\"");
    let line = GOOD.lines().position(|l| l.contains("quiet_hours")).unwrap() + 1;
    assert_eq!(err(&bad), format!("{line}: invalid time `10pm` (expected HH:MM, e.g. \"22:00\")"));
    let bad = GOOD.replace("urgency = \"low\"", "urgency = \"meh\"");
    let line = GOOD.lines().position(|l| l.contains("urgency = \"low\"")).unwrap() + 1;
    assert!(err(&bad).starts_with(&format!("{line}: unknown urgency `meh`")), "{}", err(&bad));
    let bad = GOOD.replace("\"2m\"", "\"1s\"");
    assert!(err(&bad).contains("at least 5 seconds"));
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn escalation_that_would_spam_is_refused() {
    let bad = GOOD.replace("\"5m\"", "\"0s\"");
    let line = line_of(GOOD, "\"5m\"");
    assert_eq!(err(&bad), format!("{line}: escalation `delay` must be at least 1 minute (got `0s`)"));
    assert!(err(&GOOD.replace("\"5m\"", "\"59s\"")).contains("at least 1 minute"));
    assert!(parse(&GOOD.replace("\"5m\"", "\"60s\"")).is_ok(), "one minute is allowed");
    let bad = GOOD.replace("repeat = 2", "repeat = 100000");
    assert_eq!(err(&bad), format!("{}: `repeat` must be at most 9 (got 100000)", line_of(GOOD, "repeat = 2")));
    assert_eq!(parse(&GOOD.replace("repeat = 2", "repeat = 9")).unwrap().team.policies[0].repeat, 9);
}

#[test]
fn listening_beyond_loopback_must_be_allowed() {
    let line = line_of(GOOD, "listen");
    for addr in ["0.0.0.0:9797", "[::]:9797", "192.168.1.20:9797"] {
        let bad = GOOD.replace("127.0.0.1:19797", addr);
        let e = err(&bad);
        assert!(e.starts_with(&format!("{line}: `listen = \"{}\"` accepts alerts from other machines", addr)), "{e}");
        assert!(e.contains("allow_remote = true"), "{e}");
        let ok = parse(&bad.replace("[intake]\n", "[intake]\nallow_remote = true\n")).unwrap();
        assert!(ok.intake.allow_remote && ok.intake.is_remote(), "{addr}");
    }
    let ipv6_loopback = parse(&GOOD.replace("127.0.0.1:19797", "[::1]:9797")).unwrap();
    assert!(!ipv6_loopback.intake.is_remote());
}

#[test]
fn a_blank_token_is_an_error() {
    let line = line_of(GOOD, "token");
    for blank in ["", "   ", "\\t"] {
        let e = err(&GOOD.replace("\"s3cret\"", &format!("\"{blank}\"")));
        assert!(e.starts_with(&format!("{line}: `token` is blank")), "{e}");
    }
}

#[test]
fn unknown_alert_severity_is_configurable_and_loud_by_default() {
    assert_eq!(parse(GOOD).unwrap().intake.unknown_severity, Severity::Sev2);
    let f = parse(&GOOD.replace("[intake]\n", "[intake]\nunknown_severity = \"critical\"\n")).unwrap();
    assert_eq!(f.intake.unknown_severity, Severity::Sev1);
    let e = err(&GOOD.replace("[intake]\n", "[intake]\nunknown_severity = \"loud\"\n"));
    assert!(e.contains("unknown severity `loud`"), "{e}");
}

#[test]
fn syntax_and_unknown_keys_are_located() {
    let e = err("me = \"a\"\n[[people]]\nid = \"a\"\nnmae = \"x\"\n");
    assert!(e.starts_with("4: unknown field `nmae`"), "{e}");
    let e = err("me = \"a\"\n\n[[people]\n");
    assert!(e.starts_with("3: "), "{e}");
    let e = err("[[people]]\nid = \"a\"\n");
    assert!(e.contains("missing field `me`"), "{e}");
}

#[test]
fn rejects_duplicates_and_bad_references() {
    let e = err("me = \"a\"\n[[people]]\nid = \"a\"\n[[people]]\nid = \"a\"\n");
    assert_eq!(e, "5: duplicate person id `a`");
    let e = err(
        "me = \"a\"\n[[people]]\nid = \"a\"\n[[rotations]]\nid = \"r\"\nstart = \"2026-01-01T00:00:00Z\"\nparticipants = [\"a\", \"b\"]\n",
    );
    assert_eq!(e, "7: unknown person `b` in rotation `r`");
    let e = err("me = \"a\"\ndefault_escalation_policy = \"x\"\n[[people]]\nid = \"a\"\n");
    assert_eq!(e, "2: unknown escalation policy `x`");
    let e = err(
        "me = \"a\"\n[[people]]\nid = \"a\"\n[[rotations]]\nid = \"r\"\nstart = \"monday\"\nparticipants = [\"a\"]\n",
    );
    assert!(e.starts_with("6: invalid `start` `monday`"), "{e}");
}

const MINIMAL: &str = "me = \"me\"\n[[people]]\nid = \"me\"\n";

#[test]
fn the_phone_section_reads_and_names_bad_lines() {
    assert_eq!(parse(MINIMAL).unwrap().phone, None);
    let text = format!(
        "{MINIMAL}[phone]\nserver = \"https://ntfy.example.com/\"\ntopic = \"KX3Q2\"\nafter = \"60s\"\nwhen_locked = true\n"
    );
    let phone = parse(&text).unwrap().phone.unwrap();
    assert_eq!(phone.server, "https://ntfy.example.com", "no trailing slash");
    assert_eq!((phone.topic.as_str(), phone.after_secs, phone.when_locked, phone.details), ("KX3Q2", 60, true, false));
    let at_once = parse(&format!("{MINIMAL}[phone]\nserver = \"http://127.0.0.1:8080\"\ntopic = \"t\"\n")).unwrap();
    assert_eq!(at_once.phone.unwrap().after_secs, 0);

    let token = text.replace("when_locked = true", "token = \"tk_abc\"");
    let e = err(&token);
    assert!(e.starts_with(&format!("{}: the ntfy access token is kept in the OS keyring", line_of(&token, "token"))));
    assert!(!e.contains("tk_abc"), "{e}");
    let bad_topic = text.replace("KX3Q2", "has/slash");
    assert!(err(&bad_topic).starts_with(&format!("{}: `topic` `/` is not allowed", line_of(&bad_topic, "topic"))));
    let bad_server = text.replace("https://ntfy.example.com/", "ntfy.example.com");
    assert!(err(&bad_server).starts_with(&format!("{}: `server`:", line_of(&bad_server, "server"))));
    let long = text.replace("\"60s\"", "\"2h\"");
    assert!(err(&long).starts_with(&format!("{}: `after` must be at most 1 hour", line_of(&long, "after"))));
}
