//! Readiness checklists in the engine, on real files, a real SQLite file and real sockets on
//! loopback: a run takes about as long as its slowest probe; command probes only from allowed,
//! unchanged files; items answered by hand; the pre-shift run happens once per shift, also across
//! a restart, and its notice names what fails.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use chrono::{SecondsFormat, Utc};
use common::{Recorder, Setup};
use klaxon_engine::PageDelivery;
use klaxon_engine::core::checklist::{Outcome, RunTrigger};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn write_list(setup: &Setup, name: &str, text: &str) -> std::path::PathBuf {
    let dir = setup.dir.path().join("checklists");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_probes_of_which_ten_hang_take_the_longest_timeout_not_the_sum() {
    let setup = Setup::new("5m");
    // A server that accepts what connects, as a real one does (a listener that never accepts
    // stops completing handshakes after a few, whatever its backlog says: seen in the benchmark).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            drop(stream);
        }
    });
    let mut text = String::from("title = \"Fifty\"\n");
    for n in 0..40 {
        write!(text, "[[items]]\nid = \"tcp{n}\"\ntitle = \"TCP {n}\"\ntimeout = \"2s\"\ntcp = {{ host = \"127.0.0.1\", port = {port} }}\n").unwrap();
    }
    for n in 0..10 {
        write!(text, "[[items]]\nid = \"hang{n}\"\ntitle = \"Hangs {n}\"\ntimeout = \"2s\"\ncommand = {{ argv = [\"sleep\", \"60\"] }}\n").unwrap();
    }
    let path = write_list(&setup, "fifty", &text);
    let engine = setup.engine(vec![]).await;
    engine.klaxon().allow_checklist(&path).await.unwrap();

    let began = Instant::now();
    let report = engine.run_checklist("fifty").await.unwrap();
    let took = began.elapsed();
    assert!(took < Duration::from_secs(3), "longest timeout (2 s) plus a second at most: {took:?}");
    assert!(took >= Duration::from_secs(2), "the hanging ones were waited for: {took:?}");
    let count = |o| report.results.iter().filter(|r| r.outcome == o).count();
    assert_eq!((report.results.len(), count(Outcome::Pass), count(Outcome::Fail)), (50, 40, 10), "{report:?}");
    assert_eq!(report.outcome, Outcome::Fail);
    assert_eq!(report.failing.len(), 10);
    assert_eq!(report.results[0].item, "tcp0", "in the checklist's order");
    assert_eq!(engine.klaxon().store().latest_results("fifty").await.unwrap().len(), 50);
    server.abort();
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_probes_run_only_from_files_allowed_as_they_are() {
    let setup = Setup::new("5m");
    let text = "title = \"C\"\n[[items]]\nid = \"ok\"\ntitle = \"OK\"\ncommand = { argv = [\"true\"] }\n";
    let path = write_list(&setup, "cmds", text);
    let engine = setup.engine(vec![]).await;
    let not_allowed = engine.run_checklist("cmds").await.unwrap();
    assert_eq!(not_allowed.results[0].outcome, Outcome::NeedsYou);
    assert!(not_allowed.results[0].evidence.result.contains("is not allowed to run commands"), "{not_allowed:?}");

    engine.klaxon().allow_checklist(&path).await.unwrap();
    let allowed = engine.run_checklist("cmds").await.unwrap();
    assert_eq!(allowed.results[0].outcome, Outcome::Pass, "{allowed:?}");

    std::fs::write(&path, text.replace("\"true\"", "\"false\"")).unwrap();
    let changed = engine.run_checklist("cmds").await.unwrap();
    assert_eq!(changed.results[0].outcome, Outcome::NeedsYou);
    assert!(changed.results[0].evidence.result.contains("changed since it was allowed"), "{changed:?}");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_answered_by_hand_pass_once_ticked() {
    let setup = Setup::new("5m");
    let port = closed_port();
    write_list(
        &setup,
        "hire",
        &format!(
            "title = \"H\"\n[[items]]\nid = \"apps\"\ntitle = \"Apps\"\nmanual = {{ valid_for = \"forever\" }}\n\
             [[items]]\nid = \"page\"\ntitle = \"Test page\"\ntest_page = {{}}\n\
             [[items]]\nid = \"vpn\"\ntitle = \"VPN\"\nrequired = false\ntcp = {{ host = \"127.0.0.1\", port = {port} }}\n"
        ),
    );
    let sound = Recorder::new("ringtone", false);
    let engine = setup.engine(vec![sound.clone() as Arc<dyn PageDelivery>]).await;
    let first = engine.run_checklist("hire").await.unwrap();
    let outcomes: Vec<Outcome> = first.results.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [Outcome::NeedsYou, Outcome::NeedsYou, Outcome::Warn], "{first:?}");
    assert!(first.results[2].evidence.result.to_lowercase().contains("refused"), "{first:?}");
    assert_eq!(sound.count(), 1, "the test page went through the delivery path");
    assert!(sound.pages.lock().unwrap()[0].test);

    assert!(engine.tick_item("hire", "vpn", true, None).await.is_err(), "a probe's item is not ticked by hand");
    assert!(engine.tick_item("hire", "nope", true, None).await.is_err());
    engine.tick_item("hire", "apps", true, Some("Slack, Zoom, PagerDuty".into())).await.unwrap();
    engine.tick_item("hire", "page", true, None).await.unwrap();
    let second = engine.run_checklist("hire").await.unwrap();
    let outcomes: Vec<Outcome> = second.results.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [Outcome::Pass, Outcome::Pass, Outcome::Warn], "{second:?}");
    assert!(second.results[0].evidence.result.ends_with("— Slack, Zoom, PagerDuty"), "{second:?}");
    assert_eq!(second.outcome, Outcome::Warn, "an optional item only warns");
    assert_eq!(sound.count(), 1, "a confirmed test page is not sent again this shift");

    engine.tick_item("hire", "apps", false, None).await.unwrap();
    let third = engine.run_checklist("hire").await.unwrap();
    assert_eq!(third.results[0].outcome, Outcome::NeedsYou, "the tick was taken back");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pre_shift_run_happens_once_per_shift_even_across_a_restart() {
    // My shift starts in two hours; the checklist runs 30 minutes before it.
    let start = (Utc::now() + chrono::Duration::minutes(120)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let rotation = format!(
        "[[rotations]]\nid = \"primary\"\nstart = {start}\nshift_length = \"1d\"\nparticipants = [\"alex\", \"sam\"]\n\
         [reminders]\nbefore = []\nat_start = false\nat_end = false\n" // only the checklist's notices here
    );
    let setup = Setup::with_extra("5m", &rotation);
    let port = closed_port();
    write_list(
        &setup,
        "pre-shift",
        &format!(
            "title = \"Before my shift\"\nbefore_shift = \"30m\"\n[[items]]\nid = \"vpn\"\ntitle = \"VPN\"\n\
             tcp = {{ host = \"127.0.0.1\", port = {port} }}\n"
        ),
    );
    write_list(&setup, "other", "title = \"Not before shifts\"\n[[items]]\nid = \"m\"\ntitle = \"M\"\nmanual = {}\n");
    let desktop = Recorder::new("desktop-notification", false);
    let engine = setup.engine(vec![desktop.clone() as Arc<dyn PageDelivery>]).await;
    engine.ticks(3).await;
    assert!(engine.klaxon().store().checklist_runs(None, 10).await.unwrap().is_empty(), "not yet: 2 h ahead");
    assert!(desktop.notices.lock().unwrap().is_empty());
    setup.clock.advance(Duration::from_secs(100 * 60)); // 20 minutes before the shift
    engine.ticks(3).await;
    let runs = engine.klaxon().store().checklist_runs(None, 10).await.unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!((runs[0].checklist.as_str(), runs[0].trigger), ("pre-shift", RunTrigger::PreShift));
    let notices = desktop.notices.lock().unwrap().clone();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].summary.starts_with("Not ready for your "), "{notices:?}");
    assert!(notices[0].summary.contains(&format!("VPN (tcp 127.0.0.1:{port}")), "{notices:?}");
    assert!(desktop.pages.lock().unwrap().is_empty(), "a notice, never a page");
    engine.shutdown().await.unwrap();
    drop(engine);

    let again = Recorder::new("desktop-notification", false);
    let engine = setup.engine(vec![again.clone() as Arc<dyn PageDelivery>]).await;
    engine.ticks(3).await;
    assert_eq!(engine.klaxon().store().checklist_runs(None, 10).await.unwrap().len(), 1, "not run again");
    assert!(again.notices.lock().unwrap().is_empty(), "not notified again");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_probe_asks_each_account_for_a_way_to_reach_my_phone() {
    use klaxon_engine::core::{AccountKind, Secret};
    use klaxon_engine::{Credentials, NewAccount};
    use klaxon_fakes::pagerduty::PagerDutyFake;

    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let setup = Setup::new("5m");
    write_list(
        &setup,
        "accounts",
        "title = \"A\"\n[[items]]\nid = \"pd\"\ntitle = \"Paging accounts\"\nprovider = {}\n",
    );
    let engine = setup.engine(vec![]).await;
    let new = NewAccount {
        name: "work".into(),
        kind: AccountKind::PagerDuty,
        base_url: Some(fake.url()),
        credentials: Credentials::Token(Secret::new(PagerDutyFake::TOKEN)),
        poll_secs: None,
    };
    engine.add_account(new).await.unwrap();

    let with_phone = engine.run_checklist("accounts").await.unwrap();
    assert_eq!(with_phone.results[0].outcome, Outcome::Pass, "{with_phone:?}");
    assert!(with_phone.results[0].evidence.result.contains("reaches you by phone"), "{with_phone:?}");

    fake.state.lock().users.iter_mut().for_each(|u| u.phone = None);
    let email_only = engine.run_checklist("accounts").await.unwrap();
    assert_eq!(email_only.results[0].outcome, Outcome::Fail, "{email_only:?}");
    assert!(
        email_only.results[0]
            .evidence
            .result
            .contains("work: token works (Me Myself), but no phone or push contact method"),
        "{email_only:?}"
    );

    fake.state.lock().token = "revoked".into();
    let revoked = engine.run_checklist("accounts").await.unwrap();
    assert_eq!(revoked.results[0].outcome, Outcome::Fail, "{revoked:?}");
    assert!(!revoked.results[0].evidence.result.contains(PagerDutyFake::TOKEN), "no token in the evidence");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_review_item_lists_the_incidents_and_passes_once_reviewed() {
    let setup = Setup::new("5m");
    write_list(
        &setup,
        "shift",
        "title = \"S\"\n[[items]]\nid = \"review\"\ntitle = \"Reviewed\"\nrecent_incidents = { days = 7 }\n",
    );
    let engine = setup.engine(vec![]).await;
    let alert = common::alert("Database primary down", klaxon_engine::core::Severity::Sev1);
    let team = engine.klaxon().team().clone();
    engine.klaxon().store().ingest_alert(&alert, &team, Utc::now()).await.unwrap();

    let first = engine.run_checklist("shift").await.unwrap();
    assert_eq!(first.results[0].outcome, Outcome::NeedsYou, "{first:?}");
    assert!(first.results[0].evidence.result.starts_with("1 incidents (1 open) to review"), "{first:?}");
    let view = engine.readiness().await.unwrap();
    let item = &view.checklists[0].items[0];
    let listed: Vec<&str> = item.incidents.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(listed, ["Database primary down"]);

    engine.tick_item("shift", "review", true, None).await.unwrap();
    let view = engine.readiness().await.unwrap();
    let result = view.checklists[0].items[0].result.clone().unwrap();
    assert_eq!(result.outcome, Outcome::Pass, "{result:?}");
    assert!(result.evidence.result.contains("reviewed"), "{result:?}");
    engine.shutdown().await.unwrap();
}
