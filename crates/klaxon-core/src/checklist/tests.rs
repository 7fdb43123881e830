use super::*;
use chrono::TimeZone;

fn t(hours: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + hours * 3600, 0).single().unwrap()
}

/// The error for `text`, as "line: message".
fn error(text: &str) -> String {
    parse("x", text).unwrap_err().to_string()
}

const EVERY_FIELD: &str = r#"
title = "  Before my shift "
description = "What we check"
before_shift = "45m"
parallelism = 4

[[items]]
id = "vpn"
title = "VPN"
help = "Connect it"
runbook = "https://wiki.example.com/vpn"
timeout = "3s"
tcp = { host = "vpn.internal", port = 443 }

[[items]]
id = "dns"
title = "DNS"
required = false
dns = { name = "db.internal", server = "127.0.0.1:5353", expect_in = ["10.0.0.0/8", "192.168.1.7"] }

[[items]]
id = "wg"
title = "Tunnel"
interface = { name = "tun*", address_in = "10.8.0.0/16" }

[[items]]
id = "grafana"
title = "Grafana"
http = { url = "https://grafana.example.com/api/health", status = [200, 204], token_key = "grafana", cert_days = 14 }

[[items]]
id = "kubectl"
title = "Cluster access"
command = { argv = ["kubectl", "auth", "can-i", "get", "pods"] }

[[items]]
id = "script"
title = "Script"
command = { argv = ["test -d /tmp"], shell = true }

[[items]]
id = "pd"
title = "PagerDuty"
provider = { account = "work" }

[[items]]
id = "people"
title = "Contacts"
contacts = { channel = "chat" }

[[items]]
id = "next"
title = "Next shift"
schedule = { within_days = 14 }

[[items]]
id = "page"
title = "Test page"
test_page = {}
timeout = "2m"

[[items]]
id = "review"
title = "Review"
recent_incidents = { days = 3 }

[[items]]
id = "slack"
title = "Slack on the phone"
manual = { valid_for = "30d" }
"#;

#[test]
fn every_field_is_read() {
    let c = parse("pre-shift", EVERY_FIELD).unwrap();
    assert_eq!(
        (c.name.as_str(), c.title.as_str(), c.description.as_deref()),
        ("pre-shift", "Before my shift", Some("What we check"))
    );
    assert_eq!((c.before_shift, c.parallelism), (Some(Duration::from_secs(45 * 60)), 4));
    let vpn = &c.items[0];
    assert_eq!(
        (vpn.id.as_str(), vpn.help.as_deref(), vpn.runbook.as_deref()),
        ("vpn", Some("Connect it"), Some("https://wiki.example.com/vpn"))
    );
    assert_eq!((vpn.required, vpn.timeout, vpn.line), (true, Duration::from_secs(3), 8));
    assert_eq!(vpn.probe, Probe::Tcp { host: "vpn.internal".into(), port: 443 });
    let dns = &c.items[1];
    assert!(!dns.required);
    assert_eq!(dns.timeout, DEFAULT_TIMEOUT);
    assert_eq!(
        dns.probe,
        Probe::Dns {
            name: "db.internal".into(),
            server: Some("127.0.0.1:5353".parse().unwrap()),
            expect_in: vec!["10.0.0.0/8".parse().unwrap(), "192.168.1.7/32".parse().unwrap()],
        }
    );
    assert_eq!(
        c.items[2].probe,
        Probe::Interface { name: "tun*".into(), address_in: Some("10.8.0.0/16".parse().unwrap()) }
    );
    assert_eq!(
        c.items[3].probe,
        Probe::Http {
            url: "https://grafana.example.com/api/health".into(),
            status: vec![200, 204],
            token_key: Some("grafana".into()),
            cert_days: 14
        }
    );
    assert_eq!(
        c.items[4].probe,
        Probe::Command {
            argv: vec!["kubectl".into(), "auth".into(), "can-i".into(), "get".into(), "pods".into()],
            shell: false
        }
    );
    assert_eq!(c.items[5].probe, Probe::Command { argv: vec!["test -d /tmp".into()], shell: true });
    assert_eq!(c.items[6].probe, Probe::Provider { account: Some("work".into()) });
    assert_eq!(c.items[7].probe, Probe::Contacts { channel: ContactChannel::Chat });
    assert_eq!(c.items[8].probe, Probe::Schedule { within_days: 14 });
    assert_eq!((&c.items[9].probe, c.items[9].timeout), (&Probe::TestPage, Duration::from_secs(120)));
    assert_eq!(c.items[10].probe, Probe::RecentIncidents { days: 3 });
    assert_eq!(c.items[11].probe, Probe::Manual { valid_for: TickValidity::Days(30) });
    let kinds: Vec<&str> = c.items.iter().map(|i| i.probe.kind()).collect();
    assert_eq!(
        kinds,
        [
            "tcp",
            "dns",
            "interface",
            "http",
            "command",
            "command",
            "provider",
            "contacts",
            "schedule",
            "test_page",
            "recent_incidents",
            "manual"
        ]
    );
}

#[test]
fn defaults_fill_what_is_left_out() {
    let c = parse("p", "title = \"T\"\n[[items]]\nid = \"a\"\ntitle = \"A\"\nmanual = {}\n[[items]]\nid = \"b\"\ntitle = \"B\"\nhttp = { url = \"http://x\" }\n[[items]]\nid = \"c\"\ntitle = \"C\"\ncontacts = {}\n").unwrap();
    assert_eq!((c.before_shift, c.parallelism), (None, DEFAULT_PARALLELISM));
    assert_eq!(c.items[0].probe, Probe::Manual { valid_for: TickValidity::Shift });
    assert_eq!(c.items[1].probe, Probe::Http { url: "http://x".into(), status: vec![], token_key: None, cert_days: 7 });
    assert_eq!(c.items[2].probe, Probe::Contacts { channel: ContactChannel::Phone });
}

#[test]
fn every_error_names_its_line() {
    let item = |body: &str| format!("title = \"T\"\n[[items]]\nid = \"a\"\ntitle = \"A\"\n{body}\n");
    let cases = [
        ("title = \"\"".to_owned(), "1: title must not be empty"),
        ("title = \"T\"\nparallelism = 0".to_owned(), "2: parallelism must be 1 to 64, not 0"),
        ("title = \"T\"\nbefore_shift = \"soon\"".to_owned(), "2: before_shift: invalid duration"),
        ("title = \"T\"\ncolour = \"red\"".to_owned(), "2: unknown field `colour`"),
        (item(""), "3: item `a` names no probe"),
        (item("manual = {}\ntcp = { host = \"h\", port = 1 }"), "6: item `a` has a second probe `tcp`"),
        (item("tcp = { host = \"h\", port = 70000 }"), "5: port must be 1 to 65535, not 70000"),
        (item("tcp = { host = \" \", port = 1 }"), "5: tcp host must not be empty"),
        (
            item("dns = { name = \"x\", expect_in = [\"10.0.0.0/33\"] }"),
            "5: expect_in: `10.0.0.0/33` is no address range",
        ),
        (item("dns = { name = \"x\", server = \"dns.google\" }"), "5: server `dns.google` must be an IP address"),
        (item("interface = { name = \"wg[\" }"), "5: interface name `wg[` is no valid pattern"),
        (item("http = { url = \"ftp://x\" }"), "5: url must start with http:// or https://"),
        (item("http = { url = \"https://x\", status = [99] }"), "5: status must be 100 to 599, not 99"),
        (item("command = { argv = [] }"), "5: argv needs the program to run"),
        (item("command = { argv = [\"a\", \"b\"], shell = true }"), "5: with shell = true, argv is one string"),
        (item("contacts = { channel = \"pigeon\" }"), "5: channel `pigeon`: use phone, email or chat"),
        (item("schedule = { within_days = 0 }"), "5: within_days must be 1 to 90, not 0"),
        (item("manual = { valid_for = \"a while\" }"), "5: valid_for `a while`: use \"shift\""),
        (item("manual = {}\ntimeout = \"20m\""), "6: timeout must be 1s to 10m"),
        (item("manual = {}\nrunbook = \"wiki/vpn\""), "6: runbook must be an http(s) link"),
        (item("tcp = { host = \"h\", port = 1, proto = \"udp\" }"), "5: unknown field `proto`"),
        (
            format!("{}[[items]]\nid = \"a\"\ntitle = \"B\"\nmanual = {{}}\n", item("manual = {}")),
            "7: duplicate item id `a`",
        ),
        (item("manual = {}").replace("id = \"a\"", "id = \"a b\""), "3: item id `a b` must be letters"),
    ];
    for (text, want) in cases {
        let got = error(&text);
        assert!(got.starts_with(want), "for\n{text}\ngot {got:?}, wanted it to start with {want:?}");
    }
    assert!(parse("bad name", "title = \"T\"").unwrap_err().to_string().contains("no checklist name"));
}

#[test]
fn the_examples_parse() {
    let pre = parse("pre-shift", PRE_SHIFT_EXAMPLE).unwrap();
    assert_eq!(pre.before_shift, Some(Duration::from_secs(30 * 60)));
    let kinds: HashSet<&str> = pre.items.iter().map(|i| i.probe.kind()).collect();
    for kind in ["tcp", "dns", "http", "provider", "contacts", "schedule", "test_page", "recent_incidents", "manual"] {
        assert!(kinds.contains(kind), "the pre-shift example shows {kind}");
    }
    let hire = parse("new-hire", NEW_HIRE_EXAMPLE).unwrap();
    assert!(hire.items.len() >= 8 && hire.before_shift.is_none());
}

use std::collections::HashSet;

fn item(id: &str, required: bool) -> Item {
    Item {
        id: id.into(),
        title: id.into(),
        help: None,
        runbook: None,
        required,
        timeout: DEFAULT_TIMEOUT,
        probe: Probe::Manual { valid_for: TickValidity::Forever },
        line: 1,
    }
}

fn result(id: &str, outcome: Outcome) -> ItemResult {
    ItemResult {
        item: id.into(),
        outcome,
        evidence: Evidence { checked: id.into(), result: String::new(), took_ms: 1 },
        at: t(0),
    }
}

#[test]
fn a_checklist_is_as_good_as_its_worst_required_item() {
    let c = Checklist {
        name: "c".into(),
        title: "C".into(),
        description: None,
        before_shift: None,
        parallelism: 1,
        items: vec![item("a", true), item("b", false), item("c", true)],
    };
    let all_pass = [result("a", Outcome::Pass), result("b", Outcome::Pass), result("c", Outcome::Pass)];
    assert_eq!(summarize(&c, &all_pass).0, Outcome::Pass);
    let optional_fails = [result("a", Outcome::Pass), result("b", Outcome::Fail), result("c", Outcome::Pass)];
    let (worst, failing) = summarize(&c, &optional_fails);
    assert_eq!((worst, failing.len()), (Outcome::Warn, 0), "an optional item only warns");
    let (worst, failing) = summarize(&c, &[result("a", Outcome::Fail), result("b", Outcome::Pass)]);
    assert_eq!(worst, Outcome::Fail);
    assert_eq!(failing.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["a"]);
    let (worst, _) = summarize(&c, &[result("a", Outcome::Pass), result("b", Outcome::Pass)]);
    assert_eq!(worst, Outcome::NeedsYou, "an item without a result waits for me");
}

#[test]
fn ticks_last_as_long_as_they_say() {
    let ticked = t(0);
    assert!(TickValidity::Shift.still_valid(ticked, Some(t(8)), t(7)));
    assert!(!TickValidity::Shift.still_valid(ticked, Some(t(8)), t(8)));
    assert!(TickValidity::Shift.still_valid(ticked, None, t(23)), "off shift: a day");
    assert!(!TickValidity::Shift.still_valid(ticked, None, t(24)));
    assert!(TickValidity::Days(7).still_valid(ticked, None, t(7 * 24 - 1)));
    assert!(!TickValidity::Days(7).still_valid(ticked, None, t(7 * 24)));
    assert!(TickValidity::Forever.still_valid(ticked, None, t(100_000)));
    assert!(!TickValidity::Forever.still_valid(t(5), None, t(4)), "a tick from the future counts for nothing");
}

#[test]
fn a_phone_item_waits_two_minutes_for_a_person_unless_told() {
    let text = "title = \"t\"\n[[items]]\nid = \"p\"\ntitle = \"Phone\"\nphone = {}\n";
    let list = parse("phone", text).unwrap();
    assert_eq!((&list.items[0].probe, list.items[0].timeout), (&Probe::Phone, PHONE_TIMEOUT));
    assert!(list.items[0].probe.needs_a_person());
    let quick = parse("phone", &format!("{text}timeout = \"30s\"\n")).unwrap();
    assert_eq!(quick.items[0].timeout, Duration::from_secs(30));
}
