//! Never twice, never lost: `klaxon watch` is SIGKILLed in the middle of bursts of alerts from 8
//! parallel senders, again and again. Counting the `Notify` calls on D-Bus per incident
//! afterwards: every accepted alert was notified, none more than twice, and a notification after
//! the first only ever for a page that was in flight at a kill — and it says "re-sent after a
//! restart".
#![allow(clippy::unwrap_used)] // test helpers: a failed step is a failed test

use klaxon_e2e::env::Env;
use klaxon_e2e::process::Guard;
use klaxon_e2e::{team_file, wait_until};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SENDERS: usize = 8;
const PER_SENDER: usize = 8;
const ROUNDS: usize = 4;
/// Accepted alerts of a round after which the pager is killed (mid-burst).
const KILL_AFTER: usize = 20;

fn watch(env: &Env, round: usize) -> Guard {
    Guard::spawn(
        "klaxon watch",
        env.klaxon()
            .arg("watch")
            .stdout(env.log(&format!("watch-{round}.out")))
            .stderr(env.log(&format!("watch-{round}.err"))),
    )
}

/// The first notifications (not re-alerts) per alert title, with their bodies.
fn notified(env: &Env) -> BTreeMap<String, Vec<String>> {
    let mut by_title: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for call in env.session.notify_calls() {
        if let Some(title) = call.summary.strip_prefix("[SEV1] ") {
            by_title.entry(title.to_owned()).or_default().push(call.body);
        }
    }
    by_title
}

/// Sends one round's burst: `SENDERS` tasks posting `PER_SENDER` alerts each, one after another.
/// Returns the titles the intake accepted (200). A request cut off by the kill counts as not
/// accepted (a real sender retries it).
async fn burst(
    env: &Env,
    token: &str,
    round: usize,
    accepted: Arc<Mutex<Vec<String>>>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let url = format!("http://127.0.0.1:{}/v1/alerts", env.port);
    (0..SENDERS)
        .map(|sender| {
            let (url, token, accepted) = (url.clone(), token.to_owned(), accepted.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                for n in 0..PER_SENDER {
                    let title = format!("burst r{round} s{sender} n{n}");
                    let body = serde_json::json!({"title": title, "severity": "sev1", "dedup_key": title});
                    match http.post(&url).bearer_auth(&token).json(&body).send().await {
                        Ok(r) if r.status() == 200 => accepted.lock().unwrap().push(title),
                        _ => return,
                    }
                }
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs dbus-daemon, python3-dbusmock and gnome-keyring; run by scripts/test.sh"]
async fn killed_mid_burst_it_re_sends_only_pages_in_flight_and_says_so() {
    let mut env = Env::new();
    env.session.start_monitor();
    // No re-alerts while the test runs: only first notifications are counted.
    std::fs::write(&env.config, team_file(env.port) + "[pager]\nrealert_after = \"30m\"\n").unwrap();
    let mut accepted_all = BTreeSet::new();
    let mut token = String::new();
    for round in 0..ROUNDS {
        let mut pager = watch(&env, round);
        wait_until(30, "the intake to listen", || env.listening().then_some(()));
        if token.is_empty() {
            token = String::from_utf8(env.run(&["intake", "token"]).stdout).unwrap().trim().to_owned();
        }
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let senders = burst(&env, &token, round, accepted.clone()).await;
        let deadline = Instant::now() + Duration::from_secs(60);
        while accepted.lock().unwrap().len() < KILL_AFTER {
            assert!(Instant::now() < deadline, "round {round}: the burst stalled");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        pager.child.kill().unwrap(); // SIGKILL
        pager.child.wait().unwrap();
        for s in senders {
            s.await.unwrap();
        }
        accepted_all.extend(accepted.lock().unwrap().iter().cloned());
    }

    // One last start pages whatever was accepted and never (or not completely) paged.
    let _pager = watch(&env, ROUNDS);
    wait_until(60, "a notification for every accepted alert", || {
        let seen = notified(&env);
        accepted_all.iter().all(|t| seen.contains_key(t)).then_some(())
    });
    // Then nothing more comes: the counts hold still for 3 s.
    let mut last = notified(&env);
    let mut still_since = Instant::now();
    wait_until(60, "the notifications to settle", || {
        let now = notified(&env);
        if now != last {
            last = now;
            still_since = Instant::now();
        }
        (still_since.elapsed() >= Duration::from_secs(3)).then_some(())
    });

    let mut resent = 0;
    for (title, bodies) in &last {
        // A page in flight at a kill may have reached the bus before it (then it comes again) or
        // not (then only the re-sent one comes); either way every one after the first says so.
        // Only a kill during its delivery re-sends a page: at most once per kill.
        let marked = |b: &String| b.contains("re-sent after a restart");
        assert!(bodies.len() <= 1 + ROUNDS, "{title} was notified {} times: {bodies:?}", bodies.len());
        assert!(bodies.iter().skip(1).all(marked), "{title}: a repeat without the re-sent mark: {bodies:?}");
        resent += usize::from(bodies.len() > 1);
    }
    println!("{} alerts accepted over {ROUNDS} kills; {resent} pages re-sent after a restart", accepted_all.len());
}
