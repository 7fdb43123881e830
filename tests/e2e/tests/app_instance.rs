//! One pager per data dir, and the app's window as its client (Linux): the window attaches to a
//! running pager or starts one that outlives it; a second launch only brings the window to the
//! front; started at login (`--hidden`) the app becomes the pager, without GTK or WebKit loaded,
//! and a page opens the window.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use klaxon_e2e::env::Env;
use klaxon_e2e::process::{Guard, PidGuard, lock_pid, pid_alive, tree_names};
use klaxon_e2e::wait_until;
use klaxon_e2e::x11::Xvfb;
use klaxon_engine::control::{AttachWindow, ControlClient};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `cmd` to completion (bounded) and returns its exit code, stdout and stderr.
fn finish(cmd: &mut Command, secs: u64) -> (Option<i32>, String) {
    let mut child = Guard::spawn("klaxon", cmd.stdout(Stdio::piped()).stderr(Stdio::piped()));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let status = loop {
        if let Ok(Some(status)) = child.child.try_wait() {
            break Some(status);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut out = String::new();
    if let Some(mut stdout) = child.child.stdout.take() {
        let _ = std::io::Read::read_to_string(&mut stdout, &mut out);
    }
    if let Some(mut stderr) = child.child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut stderr, &mut out);
    }
    (status.and_then(|s| s.code()), out)
}

/// Attaches as the window over the pager's control socket: true once the pager has let the
/// last window go (while one is attached, another is turned away).
fn window_slot_free(data: &Path) -> bool {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let Ok((client, _events)) = ControlClient::connect(&data.join("klaxon.sock")).await else { return false };
        client.call(AttachWindow {}).await.is_ok_and(|attached| attached.first)
    })
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_owned()
}

/// An e2e world with its own X display.
struct Desktop {
    env: Env,
    xvfb: Xvfb,
}

impl Desktop {
    fn new() -> Self {
        Self { env: Env::new(), xvfb: Xvfb::start() }
    }

    fn command(&self, name: &str) -> Command {
        let mut cmd = self.env.command(name);
        cmd.env("DISPLAY", &self.xvfb.display);
        cmd
    }

    fn spawn(&self, name: &str, args: &[&str]) -> Guard {
        Guard::spawn(name, self.command(name).args(args).stdout(Stdio::null()).stderr(Stdio::null()))
    }

    fn listening(&self) -> bool {
        self.env.listening()
    }
}

fn has_webview(pid: u32) -> bool {
    tree_names(pid).iter().any(|n| n.starts_with("WebKitWebProces"))
}

#[test]
#[ignore = "needs Xvfb, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
fn the_window_attaches_to_the_running_pager_and_a_second_launch_only_raises_it() {
    let env = Desktop::new();
    let mut watch = env.spawn("klaxon", &["watch"]);
    wait_until(60, "the pager's intake", || env.listening().then_some(()));
    let (code, out) = finish(env.command("klaxon").arg("watch"), 30);
    assert_eq!(code, Some(1), "one pager per data dir: {out}");
    assert!(out.contains("already running"), "{out}");

    let mut window = env.spawn("klaxon-app", &[]);
    wait_until(60, "the window's webview", || has_webview(window.child.id()).then_some(()));
    assert_eq!(lock_pid(&env.env.data), Some(watch.child.id()), "the window did not start an engine of its own");
    let (code, out) = finish(&mut env.command("klaxon-app"), 30);
    assert_eq!(code, Some(0), "a second launch raises the first window and exits 0: {out}");
    assert!(out.contains("already open"), "{out}");
    assert!(window.child.try_wait().unwrap().is_none(), "the first window stays");

    window.terminate(Duration::from_secs(10));
    wait_until(10, "the pager to let the closed window go", || window_slot_free(&env.env.data).then_some(()));
    assert!(watch.child.try_wait().unwrap().is_none() && env.listening(), "closing the window keeps paging");
    watch.terminate(Duration::from_secs(10));
}

#[test]
#[ignore = "needs Xvfb, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
fn a_window_without_a_pager_starts_one_that_outlives_it() {
    let env = Desktop::new();
    let mut window = env.spawn("klaxon-app", &[]);
    wait_until(60, "the pager's intake", || env.listening().then_some(()));
    let pager = wait_until(10, "the pager's pid", || lock_pid(&env.env.data));
    let _stop = PidGuard(pager);
    assert_ne!(pager, window.child.id());
    assert_eq!(comm(pager), "klaxon", "the engine runs in `klaxon watch --tray`");
    assert!(env.env.data.join("pager.log").exists(), "its output goes to pager.log");
    wait_until(60, "the window's webview", || has_webview(window.child.id()).then_some(()));
    window.terminate(Duration::from_secs(10));
    wait_until(10, "the pager to let the closed window go", || window_slot_free(&env.env.data).then_some(()));
    assert!(pid_alive(pager) && env.listening(), "the pager outlives the window");

    let (code, out) = finish(env.command("klaxon").arg("stop"), 30);
    assert_eq!(code, Some(0), "{out}");
    wait_until(5, "`klaxon stop` to stop the pager", || (!pid_alive(pager) && !env.listening()).then_some(()));
    let (code, out) = finish(env.command("klaxon").arg("stop"), 30);
    assert_eq!(code, Some(1), "nothing left to stop: {out}");
    assert!(out.contains("no pager is running"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
async fn started_hidden_the_app_is_the_pager_without_gtk_and_a_page_opens_the_window() {
    let env = Desktop::new();
    let mut pager = env.spawn("klaxon-app", &["--hidden"]);
    let pid = pager.child.id();
    wait_until(60, "the pager's intake", || env.listening().then_some(()));
    assert_eq!(comm(pid), "klaxon", "--hidden became the pager");
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    for lib in ["libwebkit2gtk", "libgtk-3", "libjavascriptcoregtk"] {
        assert!(!maps.contains(lib), "{lib} is not loaded while idle in the tray");
    }
    assert_eq!(tree_names(pid), ["klaxon"], "one process while idle");

    assert_eq!(env.env.alert("Site down", "sev1").await, 200);
    wait_until(60, "a page to open the window (klaxon-app with a webview)", || {
        let names = tree_names(pid);
        (names.iter().any(|n| n == "klaxon-app") && has_webview(pid)).then_some(())
    });
    // Quitting the pager closes its window too.
    let window: Vec<u32> = klaxon_e2e::process::tree(pid).into_iter().filter(|p| comm(*p) == "klaxon-app").collect();
    assert_eq!(pager.terminate(Duration::from_secs(15)).map(|s| s.success()), Some(true));
    wait_until(15, "the window to close with the pager", || window.iter().all(|p| !pid_alive(*p)).then_some(()));
}

/// `klaxon-app` processes working on `data` (found by their environment).
fn windows_on(data: &Path) -> Vec<u32> {
    let needle = format!("KLAXON_DATA_DIR={}", data.display());
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_string_lossy().parse::<u32>().ok())
        .filter(|pid| comm(*pid) == "klaxon-app" && pid_alive(*pid))
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes()))
        })
        .collect()
}

#[test]
#[ignore = "needs Xvfb, dbus, dbusmock, gnome-keyring; run by scripts/test.sh"]
fn a_killed_pager_is_started_again_by_its_window() {
    let env = Desktop::new();
    let mut window = env.spawn("klaxon-app", &[]);
    wait_until(60, "the pager's intake", || env.listening().then_some(()));
    let first = wait_until(10, "the pager's pid", || lock_pid(&env.env.data));
    wait_until(60, "the window's webview", || has_webview(window.child.id()).then_some(()));

    let _ = Command::new("kill").args(["-KILL", &first.to_string()]).status();
    let second = wait_until(60, "a new pager", || {
        lock_pid(&env.env.data).filter(|p| *p != first && pid_alive(*p) && env.listening())
    });
    let _stop = PidGuard(second);
    assert_eq!(window.child.wait().ok().and_then(|s| s.code()), Some(1), "the old window made way");
    wait_until(60, "a new window", || windows_on(&env.env.data).into_iter().find(|p| has_webview(*p)));
    let (code, out) = finish(&mut env.command("klaxon-app"), 30);
    assert_eq!(code, Some(0), "the new window is attached to the new pager: {out}");

    let (code, out) = finish(env.command("klaxon").arg("stop"), 30);
    assert_eq!(code, Some(0), "{out}");
    wait_until(15, "the window to close with its pager", || windows_on(&env.env.data).is_empty().then_some(()));
}
