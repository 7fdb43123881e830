//! The PagerDuty adapter against PagerDuty's own OpenAPI description: Prism (`prism proxy
//! --errors`) sits between the adapter and the stateful fake, rejects any request that breaks the
//! spec (422) and any fake answer that breaks it, and logs every violation. Every adapter method
//! and every kind of write goes through it; not one request may be rejected or logged as a
//! violation; schedule overrides (covers) included. Needs `npm ci --prefix tests/prism`.

use chrono::{Duration, DurationRound, Utc};
use klaxon_core::remote::ScheduleCover;
use klaxon_core::{Action, RemoteUser, Secret};
use klaxon_fakes::FakePolicy;
use klaxon_fakes::pagerduty::PagerDutyFake;
use klaxon_providers::pagerduty::PagerDuty;
use klaxon_providers::{Connection, HttpOptions, Provider};
use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration as StdDuration, Instant};

/// Longest wait for Prism to load the 2.7 MB spec and listen.
const START_LIMIT: StdDuration = StdDuration::from_secs(60);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running Prism, killed with everything it spawned when dropped (also on panic).
struct Prism {
    child: Child,
    log: PathBuf,
    addr: SocketAddr,
}

impl Prism {
    fn start(upstream: &str) -> (Self, StdDuration) {
        let bin = repo().join("tests/prism/node_modules/.bin/prism");
        assert!(bin.exists(), "Prism is not installed at {}: run npm ci --prefix tests/prism", bin.display());
        let spec = repo().join("tests/prism/pagerduty-rest-openapiv3.json");
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let log = std::env::temp_dir().join(format!("klaxon-prism-{}-{port}.log", std::process::id()));
        let out = File::create(&log).expect("a log file in the temp dir");
        let started = Instant::now();
        let child = Command::new(&bin)
            .args([
                "proxy",
                spec.to_str().expect("a UTF-8 path"),
                upstream,
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "--errors",
            ])
            .env("SCARF_ANALYTICS", "false")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("the log file twice"))
            .stderr(out)
            .process_group(0) // its own group, so the whole tree can be killed at once
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut prism = Prism { child, log, addr };
        prism.wait_until_up(started);
        (prism, started.elapsed())
    }

    fn wait_until_up(&mut self, started: Instant) {
        while started.elapsed() < START_LIMIT {
            if let Some(status) = self.child.try_wait().expect("Prism's status") {
                panic!("Prism exited ({status}) before listening:\n{}", self.output());
            }
            if std::net::TcpStream::connect_timeout(&self.addr, StdDuration::from_millis(200)).is_ok() {
                return;
            }
            std::thread::sleep(StdDuration::from_millis(100));
        }
        panic!("Prism did not listen within {START_LIMIT:?}:\n{}", self.output());
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Log lines where Prism reports a request or response that breaks the spec.
    fn violations(&self) -> Vec<String> {
        self.output()
            .lines()
            .filter(|l| l.contains("Violation") || l.contains("did not pass the validation") || l.contains("✖"))
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // The group id is the child's pid (process_group(0)); kill the group, then reap the child.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The value, or a failure that shows what Prism said about the request.
fn ok<T, E: std::fmt::Display>(prism: &Prism, what: &str, r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| {
        std::thread::sleep(StdDuration::from_millis(500)); // let Prism finish writing its log
        panic!("{what}: {e}\nPrism said:\n{}", prism.output())
    })
}

fn me() -> RemoteUser {
    RemoteUser {
        id: "U_ME".into(),
        name: "Me Myself".into(),
        email: Some("me@example.com".into()),
        contact_methods: vec![],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Prism (npm); run by scripts/test.sh"]
async fn every_request_and_answer_fits_pagerdutys_openapi_spec() {
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let now = Utc::now();
    let a = fake.state.trigger("Disk full", &["U_ME"], now - Duration::minutes(9));
    let b = fake.state.trigger("CPU hot", &["U_ME"], now - Duration::minutes(8));
    let c = fake.state.trigger("Queue stuck", &["U_ME"], now - Duration::minutes(7));
    let d = fake.state.trigger("Cert expiring", &["U_ME"], now - Duration::minutes(6));
    let e = fake.state.trigger("Replica lag", &["U_ME"], now - Duration::minutes(5));
    fake.state.trigger("Someone else's", &["U_OTHER"], now - Duration::minutes(5));
    fake.state.lock().policies.push(FakePolicy {
        id: "EP2".into(),
        name: "Database".into(),
        levels: vec![(5, vec!["user:U_OTHER".into()])],
        repeat: 0,
    });

    let upstream = fake.url();
    let (prism, took) = tokio::task::spawn_blocking(move || Prism::start(&upstream)).await.unwrap();
    eprintln!("Prism {} listened after {:.1} s", prism.url(), took.as_secs_f64());

    let pd = PagerDuty::new(Connection {
        base_url: prism.url(),
        token: Secret::new(PagerDutyFake::TOKEN),
        http: HttpOptions::default(),
    })
    .unwrap();
    let since = now - Duration::hours(1);

    // Reads.
    let user = ok(&prism, "current_user", pd.current_user().await);
    assert_eq!(user.id, "U_ME");
    assert_eq!(ok(&prism, "my_incidents", pd.my_incidents(&me(), Some(since)).await).len(), 5);
    assert!(!ok(&prism, "on_call", pd.on_call().await).is_empty());
    let shifts = pd.shifts(now - Duration::days(3), now + Duration::days(3)).await;
    assert!(!ok(&prism, "shifts", shifts).is_empty());
    assert_eq!(ok(&prism, "escalation_policies", pd.escalation_policies().await).len(), 2);
    let users: Vec<String> = ok(&prism, "users", pd.users().await).into_iter().map(|u| u.name).collect();
    assert_eq!(users, ["Me Myself", "Other Person"]);

    // Every kind of write, each followed by the check that it took effect.
    let steps = [
        (&a, Action::Acknowledge),
        (&a, Action::Snooze { minutes: 15 }),
        (&a, Action::Resolve),
        (&b, Action::Escalate { to_level: 2 }),
        (&c, Action::Reassign { to: klaxon_core::ReassignTo::Users(vec!["U_OTHER".into()]) }),
        (&d, Action::Note { text: "Renewing it".into() }),
        (&e, Action::Reassign { to: klaxon_core::ReassignTo::Policy { escalation_policy: "EP2".into() } }),
        (&d, Action::Resolve),
    ];
    for (id, action) in &steps {
        let taken = Utc::now();
        let what = format!("{action:?}");
        assert!(!ok(&prism, &what, pd.already_applied(&me(), id, action, taken).await), "{what} not yet applied");
        ok(&prism, &what, pd.perform(&me(), id, action).await);
        assert!(ok(&prism, &what, pd.already_applied(&me(), id, action, taken).await), "{what} applied");
    }
    // Not `a`'s log: the spec cannot describe an acknowledgement's log entry (its
    // AcknowledgeLogEntry wants type `acknowledgement_log_entry`, which its LogEntry base forbids;
    // PagerDuty sends `acknowledge_log_entry`), so Prism refuses every log that holds one.
    for (id, least) in [(&b, 2), (&c, 2), (&d, 3)] {
        assert!(ok(&prism, "log_entries", pd.log_entries(id).await).len() >= least);
    }
    assert!(!ok(&prism, "my_incidents", pd.my_incidents(&me(), Some(since)).await).is_empty());
    assert_eq!(fake.state.writes().len(), steps.len());

    // A cover: the override request and its per-override answer, then the final schedule with it.
    // Not `cover_exists` (`GET /schedules/{id}/overrides`): the spec documents that answer as
    // 201 where PagerDuty answers 200, so Prism refuses every one; it is asked of the fake itself.
    let start = (now + Duration::hours(1)).duration_trunc(Duration::minutes(1)).unwrap();
    let cover = ScheduleCover {
        schedule_id: "S_PRIMARY".into(),
        user_id: "U_OTHER".into(),
        start,
        end: start + Duration::hours(2),
    };
    let direct = PagerDuty::new(Connection {
        base_url: fake.url(),
        token: Secret::new(PagerDutyFake::TOKEN),
        http: HttpOptions::default(),
    })
    .unwrap();
    assert!(!direct.cover_exists(&me(), &cover).await.unwrap(), "no cover yet");
    assert!(!ok(&prism, "create_cover", pd.create_cover(&me(), &cover).await).is_empty());
    assert!(direct.cover_exists(&me(), &cover).await.unwrap(), "the cover is there");
    let covered = ok(&prism, "shifts", pd.shifts(start, cover.end).await);
    assert!(!covered.is_empty() && covered.iter().all(|s| s.person_id == "U_OTHER"), "{covered:?}");

    let violations = prism.violations();
    assert!(violations.is_empty(), "Prism logged violations:\n{}", violations.join("\n"));
    let proxied = fake.server.request_count();
    assert!(proxied >= 25, "every call reached the fake through Prism ({proxied})");

    // The check can fail: a write without `From` breaks the spec and is refused before the fake.
    let response = reqwest::Client::new()
        .put(format!("{}/incidents/{c}", prism.url()))
        .header("Authorization", format!("Token token={}", PagerDutyFake::TOKEN))
        .header("Accept", "application/vnd.pagerduty+json;version=2")
        .header("Content-Type", "application/json")
        .body(r#"{"incident":{"type":"incident_reference","status":"acknowledged"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().await.unwrap().contains("from"));
    assert_eq!(fake.server.request_count(), proxied, "Prism did not pass the bad request on");
    // Prism writes its log a moment after answering (later still on a busy machine).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while prism.violations().is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!prism.violations().is_empty(), "and logged it as a violation");
}
