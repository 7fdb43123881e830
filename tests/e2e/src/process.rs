//! Child processes that are always stopped: SIGTERM, then SIGKILL after a grace period.

use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

/// A child process stopped on drop.
#[derive(Debug)]
pub struct Guard {
    pub child: Child,
    pub name: String,
}

impl Guard {
    /// Spawns `cmd`, panicking with a clear message if it cannot start.
    pub fn spawn(name: &str, cmd: &mut Command) -> Self {
        let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {name}: {e} (run scripts/install-deps.sh)"));
        Self { child, name: name.to_owned() }
    }

    /// Sends SIGTERM and waits up to `grace` for the exit status.
    pub fn terminate(&mut self, grace: Duration) -> Option<ExitStatus> {
        if let Ok(Some(status)) = self.child.try_wait() {
            return Some(status);
        }
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        self.child.wait().ok();
        None
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.terminate(Duration::from_secs(3));
    }
}

/// `root` and all its descendant pids (from /proc).
pub fn tree(root: u32) -> Vec<u32> {
    let mut parent = std::collections::HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // Fields after the command (which may contain spaces) start after the last ')'.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) {
            parent.insert(pid, ppid);
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        out.extend(parent.iter().filter(|(_, pp)| **pp == p).map(|(c, _)| *c));
        i += 1;
    }
    out
}

/// The command names (`comm`) of `root` and its descendants.
pub fn tree_names(root: u32) -> Vec<String> {
    tree(root)
        .iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/comm")).ok())
        .map(|n| n.trim().to_owned())
        .collect()
}

/// Whether `pid` is a running process (a zombie, which has exited but not been reaped, is not).
pub fn pid_alive(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
    // The state is the first field after the command (which may contain spaces and parentheses).
    let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next());
    !matches!(state, None | Some("Z" | "X"))
}

/// The pid written in `data_dir`'s lock file (`klaxon.lock`: the process that owns the engine
/// there), if that process is still running. The file keeps the pid of the last holder after it
/// exits, so a pid that no longer runs gives `None`.
pub fn lock_pid(data_dir: &std::path::Path) -> Option<u32> {
    let pid = std::fs::read_to_string(data_dir.join("klaxon.lock")).ok()?.trim().parse().ok()?;
    pid_alive(pid).then_some(pid)
}

/// Stops a process that need not be our child (e.g. a pager a window started): SIGTERM, wait up
/// to `grace` for it to exit, then SIGKILL and wait up to 5 s more. True if it ended on SIGTERM
/// within `grace` (or was not running); false if it needed SIGKILL or is still running.
pub fn terminate_pid(pid: u32, grace: Duration) -> bool {
    let gone_within = |limit: Duration| {
        let deadline = Instant::now() + limit;
        loop {
            if !pid_alive(pid) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    if !pid_alive(pid) {
        return true;
    }
    let signal = |sig: &str| {
        let _ = Command::new("kill").arg(sig).arg(pid.to_string()).stderr(std::process::Stdio::null()).status();
    };
    signal("-TERM");
    if gone_within(grace) {
        return true;
    }
    signal("-KILL");
    gone_within(Duration::from_secs(5));
    false
}

/// A process this test did not spawn itself (a pager a window started), stopped on drop with
/// [`terminate_pid`].
#[derive(Debug)]
pub struct PidGuard(pub u32);

impl Drop for PidGuard {
    fn drop(&mut self) {
        terminate_pid(self.0, Duration::from_secs(10));
    }
}
