//! The outbox under the worst crash: `klaxon watch` is SIGKILLed again and again while it replays
//! queued acknowledgements and notes to a PagerDuty fake, each time right after the platform
//! applied one but before its answer arrived. Afterwards every action reached the platform exactly
//! once: none lost, none doubled (a note sent twice would show twice). And the account's token is
//! nowhere in the data dir or the logs.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use chrono::Utc;
use klaxon_e2e::dbus::Session;
use klaxon_e2e::process::Guard;
use klaxon_e2e::{add_pagerduty_account, binary, free_port, team_file, wait_until};
use klaxon_fakes::pagerduty::PagerDutyFake;
use klaxon_fakes::{FakeStatus, Fault, Shared};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const INCIDENTS: usize = 12;

struct Env {
    session: Session,
    config: PathBuf,
    data: PathBuf,
    logs: PathBuf,
    _dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut session = Session::start(dir.path());
        session.start_keyring();
        session.start_notification_server();
        let config = dir.path().join("klaxon.toml");
        std::fs::write(&config, team_file(free_port())).unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        Self { session, config, data: dir.path().join("data"), logs, _dir: dir }
    }

    fn klaxon(&self) -> Command {
        let mut cmd = self.session.command(binary("klaxon"));
        cmd.env("KLAXON_CONFIG", &self.config).env("KLAXON_DATA_DIR", &self.data).env("KLAXON_LOG", "debug");
        cmd
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.klaxon().args(args).output().unwrap();
        assert!(out.status.success(), "klaxon {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn watch(&self, round: usize) -> Guard {
        Guard::spawn(
            "klaxon watch",
            self.klaxon()
                .arg("watch")
                .stdout(std::fs::File::create(self.logs.join(format!("watch-{round}.out"))).unwrap())
                .stderr(std::fs::File::create(self.logs.join(format!("watch-{round}.err"))).unwrap()),
        )
    }

    fn outbox(&self) -> Vec<Value> {
        self.json(&["--json", "outbox"]).as_array().cloned().unwrap_or_default()
    }
}

fn kill9(guard: &mut Guard) {
    guard.child.kill().unwrap(); // SIGKILL: no shutdown code runs
    guard.child.wait().unwrap();
}

fn applied(state: &Shared) -> usize {
    state.writes().len()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(files_under(&path)) } else { out.push(path) }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dbus-daemon, python3-dbusmock and gnome-keyring; run by scripts/test.sh"]
async fn sigkill_during_replay_loses_nothing_and_doubles_nothing() {
    let env = Env::new();
    let fake = PagerDutyFake::start(Utc::now()).await.unwrap();
    let remote_ids = fake.state.trigger_many(INCIDENTS, Utc::now());

    // The token goes in on stdin and lands in the real keyring only.
    add_pagerduty_account(env.klaxon(), "pd", &fake.url(), PagerDutyFake::TOKEN);

    let mut watch = env.watch(0);
    let ids: Vec<String> = wait_until(30, "the platform's incidents in the cache", || {
        let list = env.json(&["--json", "incidents"]);
        let ids: Vec<String> = list
            .as_array()?
            .iter()
            .filter(|i| i["account"] == "pd")
            .map(|i| i["id"].as_i64().unwrap().to_string())
            .collect();
        (ids.len() == INCIDENTS).then_some(ids)
    });

    // Offline: every action is queued, none is lost.
    let (addr, state) = (fake.server.addr(), fake.state.clone());
    drop(fake);
    for id in &ids {
        env.json(&["--json", "note", id, &format!("note for {id}")]);
        env.json(&["--json", "ack", id]);
    }
    assert_eq!(env.outbox().len(), 2 * INCIDENTS);

    // Back online, but every answer is slow: the platform applies each action, then holds its
    // answer; the engine is killed inside that window, again and again.
    let fake = PagerDutyFake::start_on(addr, state.clone()).await.unwrap();
    fake.server.faults().push_n(Fault::HoldAfterHandling(Duration::from_millis(700)), 10_000);
    for round in 1..=6 {
        let before = applied(&state);
        wait_until(60, "an action applied whose answer is still on its way", || {
            (applied(&state) > before).then_some(())
        });
        kill9(&mut watch);
        watch = env.watch(round);
    }
    fake.server.faults().clear();
    wait_until(90, "the outbox to drain", || env.outbox().is_empty().then_some(()));
    watch.terminate(Duration::from_secs(5));

    for id in &remote_ids {
        let actions: Vec<String> = state.writes().into_iter().filter(|w| &w.incident == id).map(|w| w.action).collect();
        assert_eq!(actions, ["note", "acknowledge"], "incident {id}: once each, in order");
        let incident = state.incident(id).unwrap();
        assert_eq!(incident.status, FakeStatus::Acknowledged);
        assert_eq!(incident.notes.len(), 1, "incident {id}: {:?}", incident.notes);
    }
    assert_eq!(applied(&state), 2 * INCIDENTS);
    let done = env.json(&["--json", "outbox", "--all"]);
    assert_eq!(done.as_array().unwrap().len(), 2 * INCIDENTS, "one outbox entry per action");

    // The token is in no file Klaxon wrote and in no log line (debug level).
    let token = PagerDutyFake::TOKEN.as_bytes();
    let files: Vec<PathBuf> = files_under(&env.data).into_iter().chain(files_under(&env.logs)).collect();
    assert!(files.iter().any(|f| f.ends_with("klaxon.db")), "{files:?}");
    assert!(files.iter().any(|f| f.extension().is_some_and(|e| e == "err")), "{files:?}");
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(!bytes.windows(token.len()).any(|w| w == token), "the token leaked into {}", file.display());
    }
    let logged: usize =
        files.iter().filter(|f| f.starts_with(&env.logs)).map(|f| std::fs::metadata(f).unwrap().len() as usize).sum();
    assert!(logged > 0, "debug logs were written (so the grep means something)");
}
