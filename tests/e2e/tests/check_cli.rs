//! `klaxon check` and `klaxon config check` on checklist files, through the real binary: exit
//! codes (0 ready, 1 not ready, 2 a bad file), JSON, ticks, history, the allow-list, and the
//! examples written on first use.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use klaxon_e2e::env::Env;
use serde_json::Value;
use std::path::PathBuf;

fn checklists(env: &Env) -> PathBuf {
    env.dir.path().join("checklists")
}

fn write(env: &Env, name: &str, text: &str) -> PathBuf {
    std::fs::create_dir_all(checklists(env)).unwrap();
    let path = checklists(env).join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

fn code(env: &Env, args: &[&str]) -> (Option<i32>, String, String) {
    let out = env.run(args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
#[ignore = "needs the built klaxon binary and a D-Bus session; run by scripts/test.sh"]
fn check_exits_by_readiness_and_reports_bad_files_at_their_line() {
    let env = Env::new();
    // First use: the examples are written, and they are valid.
    let (_, _, err) = code(&env, &["check", "--help"]);
    assert!(err.is_empty(), "{err}");
    let (status, out, err) = code(&env, &["config", "check"]);
    assert_eq!(status, Some(0), "{out}\n{err}");
    let (status, _, err) = code(&env, &["check", "new-hire"]);
    assert_eq!(status, Some(1), "the example waits for ticks: {err}");
    assert!(err.contains("wrote example checklists"), "{err}");
    assert!(checklists(&env).join("pre-shift.toml").exists());

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    write(
        &env,
        "ready",
        &format!(
            "title = \"Ready\"\n[[items]]\nid = \"up\"\ntitle = \"Up\"\ntcp = {{ host = \"127.0.0.1\", port = {port} }}\n"
        ),
    );
    write(
        &env,
        "broken-net",
        &format!(
            "title = \"Down\"\n[[items]]\nid = \"down\"\ntitle = \"Down\"\ntimeout = \"2s\"\ntcp = {{ host = \"127.0.0.1\", port = {closed} }}\n"
        ),
    );
    let (status, out, err) = code(&env, &["check", "ready"]);
    assert_eq!(status, Some(0), "{out}\n{err}");
    assert!(out.contains("Ready (ready): ready"), "{out}");
    let (status, out, _) = code(&env, &["check", "broken-net"]);
    assert_eq!(status, Some(1), "{out}");
    assert!(out.contains("NOT READY: Down"), "{out}");

    let report: Value = serde_json::from_slice(&env.run(&["--json", "check", "ready"]).stdout).unwrap();
    let run = &report["runs"][0];
    assert_eq!((run["checklist"].as_str(), run["outcome"].as_str()), (Some("ready"), Some("pass")), "{report}");
    assert_eq!(run["results"][0]["evidence"]["checked"], format!("tcp 127.0.0.1:{port}"));

    // A bad file: `file:line: message`, exit 2; the good ones still run.
    let bad =
        write(&env, "bad", "title = \"Bad\"\n[[items]]\nid = \"x\"\ntitle = \"X\"\ntcp = { host = \"h\", port = 0 }\n");
    let (status, out, err) = code(&env, &["check"]);
    assert_eq!(status, Some(2), "{out}\n{err}");
    assert!(err.contains(&format!("{}:5: port must be 1 to 65535, not 0", bad.display())), "{err}");
    assert!(out.contains("Ready (ready): ready"), "the other checklists still ran: {out}");
    let (status, _, err) = code(&env, &["check", "bad"]);
    assert_eq!(status, Some(2), "{err}");
    let (status, _, err) = code(&env, &["config", "check"]);
    assert_eq!(status, Some(2), "{err}");
    assert!(err.contains("bad.toml:5:"), "{err}");
    std::fs::remove_file(&bad).unwrap();

    // Ticks, history, the allow-list.
    let (status, _, err) = code(&env, &["check", "tick", "new-hire", "phone-apps", "--note", "all three"]);
    assert_eq!(status, Some(0), "{err}");
    let (status, _, err) = code(&env, &["check", "tick", "ready", "up"]);
    assert_ne!(status, Some(0));
    assert!(err.contains("checked by its tcp probe"), "{err}");
    let history: Value = serde_json::from_slice(&env.run(&["--json", "check", "history", "ready"]).stdout).unwrap();
    assert_eq!(history.as_array().map(Vec::len), Some(3), "{history}");
    write(&env, "cmd", "title = \"Cmd\"\n[[items]]\nid = \"t\"\ntitle = \"T\"\ncommand = { argv = [\"true\"] }\n");
    let (status, out, _) = code(&env, &["check", "cmd"]);
    assert_eq!(status, Some(1), "not allowed yet: {out}");
    assert!(out.contains("is not allowed to run commands"), "{out}");
    let path = checklists(&env).join("cmd.toml");
    let (status, out, err) = code(&env, &["check", "allow", path.to_str().unwrap()]);
    assert_eq!(status, Some(0), "{out}{err}");
    let (status, out, _) = code(&env, &["check", "cmd"]);
    assert_eq!(status, Some(0), "{out}");
    drop(listener);
}

#[test]
#[ignore = "needs the built klaxon binary and a D-Bus session; run by scripts/test.sh"]
fn onboarding_shows_progress_and_takes_ticks() {
    let env = Env::new();
    let start = chrono::Utc::now().date_naive();
    write(
        &env,
        "onboarding-alex",
        &format!(
            "[plan]\nnew_hire = \"alex\"\nmentor = \"sam\"\nstart = {start}\n[[phases]]\ntitle = \"Week 1\"\nweeks = 1\n\
             [[phases.tasks]]\nid = \"runbooks\"\ntitle = \"Runbooks\"\nread = [\"https://wiki.example.com/a\"]\n\
             [[phases.tasks]]\nid = \"signoff\"\ntitle = \"Sign-off\"\nsign_off = {{}}\n"
        ),
    );
    let shown: Value = serde_json::from_slice(&env.run(&["--json", "onboarding"]).stdout).unwrap();
    let plan = &shown["plans"][0];
    assert_eq!(
        (plan["done"].as_u64(), plan["of"].as_u64(), plan["week"].as_i64()),
        (Some(0), Some(2), Some(1)),
        "{shown}"
    );
    assert_eq!(plan["next"], "Week 1: Runbooks");

    assert_eq!(code(&env, &["onboarding", "tick", "onboarding-alex", "runbooks"]).0, Some(0));
    let (status, _, err) = code(&env, &["onboarding", "tick", "onboarding-alex", "signoff"]);
    assert_ne!(status, Some(0), "I am not the mentor");
    assert!(err.contains("only the mentor"), "{err}");
    assert_eq!(code(&env, &["onboarding", "tick", "onboarding-alex", "signoff", "--by", "sam"]).0, Some(0));
    let (status, out, _) = code(&env, &["onboarding"]);
    assert_eq!(status, Some(0));
    assert!(out.contains("2 of 2 tasks done") && out.contains("All done."), "{out}");

    let bad = write(&env, "onboarding-bad", "[plan]\nnew_hire = \"x\"\nmentor = \"y\"\nstart = 2026-13-01\n");
    let (status, _, err) = code(&env, &["onboarding"]);
    assert_eq!(status, Some(2), "{err}");
    assert!(err.contains(&format!("{}:4:", bad.display())), "{err}");
}

#[test]
#[ignore = "needs the built klaxon binary and a D-Bus session; run by scripts/test.sh"]
fn a_test_page_item_pages_through_the_notification_daemon_and_waits_for_confirmation() {
    let mut env = Env::new();
    env.session.start_monitor();
    write(&env, "page", "title = \"P\"\n[[items]]\nid = \"heard\"\ntitle = \"Test page heard\"\ntest_page = {}\n");
    let (status, out, err) = code(&env, &["check", "page"]);
    assert_eq!(status, Some(1), "not confirmed yet: {out}\n{err}");
    assert!(out.contains("desktop-notification"), "the notification fired: {out}");
    klaxon_e2e::wait_until(10, "the test page's Notify on the bus", || {
        env.session.notify_calls().iter().any(|c| c.summary.contains("Klaxon test page")).then_some(())
    });

    assert_eq!(code(&env, &["check", "tick", "page", "heard"]).0, Some(0));
    let before = env.session.notify_calls().len();
    let (status, out, _) = code(&env, &["check", "page"]);
    assert_eq!(status, Some(0), "confirmed this shift: {out}");
    assert!(out.contains("you confirmed it at"), "{out}");
    assert_eq!(env.session.notify_calls().len(), before, "no second test page once confirmed");
}

/// A loopback HTTP server that answers 200 to requests bearing `token`, 401 to the others.
fn bearer_server(token: &'static str) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten().take(8) {
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]).to_lowercase();
            let ok = request.contains(&format!("authorization: bearer {}", token.to_lowercase()));
            let status = if ok { "200 OK" } else { "401 Unauthorized" };
            let _ = stream
                .write_all(format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").as_bytes());
        }
    });
    port
}

#[test]
#[ignore = "needs the built klaxon binary and a D-Bus session with a keyring; run by scripts/test.sh"]
fn an_http_probe_sends_the_token_kept_in_the_keyring_and_never_shows_it() {
    use std::io::Write;
    let env = Env::new();
    let port = bearer_server("s3cret-grafana");
    write(
        &env,
        "web",
        &format!(
            "title = \"W\"\n[[items]]\nid = \"grafana\"\ntitle = \"Grafana\"\nhttp = {{ url = \"http://127.0.0.1:{port}/api/health\", token_key = \"grafana\" }}\n"
        ),
    );
    let (status, out, _) = code(&env, &["check", "web"]);
    assert_eq!(status, Some(1), "no token yet: {out}");
    assert!(out.contains("no token `grafana` in the OS keyring"), "{out}");

    let mut add = env
        .klaxon()
        .args(["check", "token", "grafana", "--token-stdin"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(b"s3cret-grafana\n").unwrap();
    assert!(add.wait().unwrap().success());
    let (status, out, err) = code(&env, &["check", "web"]);
    assert_eq!(status, Some(0), "{out}\n{err}");
    assert!(out.contains("answered 200"), "{out}");
    let history = env.run(&["--json", "check", "history"]);
    for text in [out, err, String::from_utf8_lossy(&history.stdout).into_owned()] {
        assert!(!text.contains("s3cret"), "the token leaked: {text}");
    }
    for entry in std::fs::read_dir(&env.data).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        assert!(!bytes.windows(6).any(|w| w == b"s3cret"), "the token is in the data dir");
    }
}
