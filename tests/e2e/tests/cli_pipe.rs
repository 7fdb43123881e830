//! `klaxon incidents | head`: a reader that goes away after one line ends the output quietly
//! (no "failed printing to stdout" panic, exit 0); a stdout that fails otherwise is still said.
#![allow(clippy::unwrap_used)] // test helpers: a failed step is a failed test

use klaxon_e2e::env::Env;
use klaxon_e2e::process::Guard;
use klaxon_e2e::wait_until;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

/// Incidents with long titles: every listing is far larger than a pipe's buffer (64 KiB) plus
/// what the reader takes in at once, so `klaxon` is still writing when the reader goes away.
const INCIDENTS: usize = 150;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dbus-daemon, python3-dbusmock and gnome-keyring; run by scripts/test.sh"]
async fn a_reader_that_goes_away_ends_the_output_quietly() {
    let env = Env::new();
    let _pager = Guard::spawn(
        "klaxon watch",
        env.klaxon().arg("watch").stdout(env.log("watch.out")).stderr(env.log("watch.err")),
    );
    wait_until(30, "the intake to listen", || env.listening().then_some(()));
    for n in 0..INCIDENTS {
        let title = format!("Disk full on db{n} {}", "x".repeat(1000));
        assert_eq!(env.alert(&title, "sev4").await, 200);
    }
    wait_until(30, "every incident in the store", || {
        (env.json(&["--json", "incidents"]).as_array()?.len() == INCIDENTS).then_some(())
    });

    for args in [&["incidents"][..], &["--json", "incidents"]] {
        let whole = env.run(args);
        assert!(whole.status.success(), "{args:?}: {}", String::from_utf8_lossy(&whole.stderr));
        assert!(whole.stdout.len() > 2 * 64 * 1024, "{args:?} printed only {} bytes", whole.stdout.len());

        // `klaxon ARGS | head -1`: read one line, then close the pipe.
        let mut child = env.klaxon().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        assert!(!first.trim().is_empty(), "{args:?} printed a first line");
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?} | head -1 exited {:?}: {stderr}", out.status);
        assert!(stderr.is_empty(), "{args:?} | head -1 said something on stderr: {stderr}");
    }

    // A stdout that cannot be written for another reason (a full disk) is an error, said once.
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = env.klaxon().arg("incidents").stdout(full).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("klaxon: cannot write the output:").count(), 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
