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
