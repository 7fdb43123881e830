//! The interface probe against real virtual interfaces (a veth pair and a tun device), made in a
//! private network namespace: the outer test re-runs this binary under `unshare -n` for the inner
//! one, so the machine's own interfaces are never touched. Needs root (CI is root).
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use ipnet::IpNet;
use klaxon_core::checklist::Outcome;
use klaxon_probes::{Finding, interface};
use std::process::Command;
use std::time::{Duration, Instant};

/// Set in the re-run inside the namespace.
const INSIDE: &str = "KLAXON_PROBES_IN_PRIVATE_NETNS";

#[test]
fn interfaces_up_and_down_in_a_private_network_namespace() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIPPED: making a network namespace and interfaces needs root (CI runs as root)");
        return;
    }
    let me = std::env::current_exe().unwrap();
    let output = Command::new("unshare")
        .args(["--net", "--"])
        .arg(me)
        .args(["--exact", "inside_the_namespace", "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1")
        .output()
        .expect("unshare (util-linux) runs");
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the checks inside the namespace failed:\n{said}");
    assert!(said.contains("1 passed"), "the inner test did not run:\n{said}");
}

/// The checks proper; does nothing unless re-run by the test above inside its namespace.
#[tokio::test]
async fn inside_the_namespace() {
    if std::env::var_os(INSIDE).is_none() {
        return;
    }
    ip(&["link", "add", "kx0", "type", "veth", "peer", "name", "kx1"]);
    let both_down = interface("kx*", None).await;
    assert_eq!(both_down.outcome, Outcome::Fail);
    assert_eq!(both_down.evidence.checked, "interface kx*");
    assert_eq!(both_down.evidence.result, "kx0 is down; kx1 is down");

    ip(&["addr", "add", "10.8.0.2/24", "dev", "kx0"]);
    ip(&["link", "set", "kx0", "up"]);
    ip(&["link", "set", "kx1", "up"]);
    let range: IpNet = "10.8.0.0/16".parse().unwrap();
    let up = until(|| interface("kx0", Some(range)), |f| f.outcome == Outcome::Pass).await;
    assert_eq!(up.evidence.result, "kx0 is up with 10.8.0.2");
    // Of several matches, the one that does wins.
    let any = interface("kx*", Some(range)).await;
    assert_eq!((any.outcome, any.evidence.result.as_str()), (Outcome::Pass, "kx0 is up with 10.8.0.2"));
    let elsewhere = interface("kx0", Some("10.9.0.0/16".parse().unwrap())).await;
    assert_eq!(
        (elsewhere.outcome, elsewhere.evidence.result.as_str()),
        (Outcome::Fail, "kx0 has no address in 10.9.0.0/16")
    );
    let bare = interface("kx1", None).await;
    assert_eq!((bare.outcome, bare.evidence.result.as_str()), (Outcome::Pass, "kx1 is up"));

    // Its peer down, kx0 stays up but loses its carrier.
    ip(&["link", "set", "kx1", "down"]);
    let lost = until(|| interface("kx0", Some(range)), |f| f.outcome == Outcome::Fail).await;
    assert_eq!(lost.evidence.result, "kx0 is up but has no carrier");
    ip(&["link", "set", "kx0", "down"]);
    let down = interface("kx0", Some(range)).await;
    assert_eq!((down.outcome, down.evidence.result.as_str()), (Outcome::Fail, "kx0 is down"));

    // A tun device up without the program that would drive it has no carrier either.
    ip(&["tuntap", "add", "dev", "tun7", "mode", "tun"]);
    ip(&["link", "set", "tun7", "up"]);
    let tun = interface("tun*", None).await;
    assert_eq!((tun.outcome, tun.evidence.result.as_str()), (Outcome::Fail, "tun7 is up but has no carrier"));

    let none = interface("wg*", None).await;
    assert_eq!((none.outcome, none.evidence.result.as_str()), (Outcome::Fail, "no interface matches wg*"));
    let invalid = interface("wg[", None).await;
    assert!(invalid.evidence.result.starts_with("`wg[` is not a valid name pattern"), "{invalid:?}");
}

/// Runs `ip ARGS`, failing the test if it fails.
fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("ip (iproute2) runs");
    assert!(out.status.success(), "ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
}

/// Probes until `done` holds (the kernel reports carrier changes a moment later), for at most 5 s;
/// the last finding either way.
async fn until<F: Future<Output = Finding>>(probe: impl Fn() -> F, done: impl Fn(&Finding) -> bool) -> Finding {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let f = probe().await;
        if done(&f) || Instant::now() > deadline {
            return f;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
