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
