//! Does a command exit 0 within its timeout? It runs in a process group of its own, so that a
//! timeout (or the probe being dropped) kills everything it started.

mod output;

use crate::Finding;
use crate::evidence::{Check, human, timed_out};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use output::Tail;
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncRead;
use tokio::process::Command;
use tokio::task::JoinHandle;

/// How long the killed process group may take to go and close its output pipes (a process
/// that left the group may hold them open).
const DRAIN: Duration = Duration::from_secs(1);

/// Runs `argv` (through `sh -c` when `shell`: then `argv[0]` is the script) with stdin closed,
/// keeping the tail of its output. On timeout the whole process group is killed and reaped.
pub async fn command(argv: &[String], shell: bool, timeout: Duration) -> Finding {
    let check = Check::start(format!("command {}", shown(argv, shell)));
    let Some((program, args)) = argv.split_first() else {
        return check.fail("nothing to run");
    };
    let mut cmd = if shell {
        let mut sh = Command::new("sh");
        sh.arg("-c").arg(program).arg("sh").args(args);
        sh
    } else {
        let mut direct = Command::new(program);
        direct.args(args);
        direct
    };
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0).kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => return check.fail(cannot_start(&e, if shell { "sh" } else { program })),
    };
    let Some(id) = child.id().and_then(|pid| i32::try_from(pid).ok()).map(Pid::from_raw) else {
        return check.fail("cannot start: the process has no id");
    };
    let mut group = Group { id, killed: false };
    let tail = Arc::new(Mutex::new(Tail::default()));
    let mut pumps = [pump(child.stdout.take(), &tail), pump(child.stderr.take(), &tail)];

    let waited = tokio::time::timeout(timeout, child.wait()).await;
    let took = human(check.elapsed());
    // Whatever it left behind goes too: the group is killed on every path.
    group.kill();
    // Bounded: a process stuck in the kernel (a dead NFS mount) dies only when it leaves it;
    // tokio reaps it then.
    let _ = tokio::time::timeout(DRAIN, async {
        if waited.is_err() {
            let _ = child.wait().await;
        }
        for pump in &mut pumps {
            let _ = pump.await;
        }
    })
    .await;
    pumps.iter().for_each(JoinHandle::abort);
    let said = tail.lock().map(|t| t.last_lines()).unwrap_or_default();
    let with_output = |head: String| if said.is_empty() { head } else { format!("{head}: {said}") };
    match waited {
        Err(_) => {
            let head = format!("{}; process group killed", timed_out(timeout));
            check.fail(if said.is_empty() { head } else { format!("{head}; last output: {said}") })
        }
        Ok(Err(e)) => check.fail(format!("lost track of the process: {e}")),
        Ok(Ok(status)) if status.success() => check.pass(with_output(format!("exit 0 in {took}"))),
        Ok(Ok(status)) => check.fail(with_output(exit(status))),
    }
}

/// The command as evidence shows it.
fn shown(argv: &[String], shell: bool) -> String {
    if shell { format!("sh -c {:?}", argv.join(" ")) } else { argv.join(" ") }
}

/// How a process ended other than with 0.
fn exit(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit {code}"),
        (None, Some(sig)) => match Signal::try_from(sig) {
            Ok(signal) => format!("killed by {signal}"),
            Err(_) => format!("killed by signal {sig}"),
        },
        (None, None) => format!("ended: {status}"),
    }
}

fn cannot_start(err: &io::Error, program: &str) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => format!("cannot start: {program} not found"),
        io::ErrorKind::PermissionDenied => format!("cannot start: {program} is not executable"),
        _ => format!("cannot start: {err}"),
    }
}

/// Copies one output pipe into the shared tail until it closes.
fn pump(pipe: Option<impl AsyncRead + Unpin + Send + 'static>, tail: &Arc<Mutex<Tail>>) -> JoinHandle<()> {
    let tail = Arc::clone(tail);
    tokio::spawn(async move {
        use tokio::io::AsyncReadExt;
        let Some(mut pipe) = pipe else { return };
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = pipe.read(&mut buf).await {
            if let Ok(mut tail) = tail.lock() {
                tail.push(&buf[..n]);
            }
        }
    })
}

/// The command's process group, killed once: when the command has ended, or when the probe is
/// dropped half-way.
struct Group {
    id: Pid,
    killed: bool,
}

impl Group {
    fn kill(&mut self) {
        if !self.killed {
            self.killed = true;
            let _ = killpg(self.id, Signal::SIGKILL);
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_endings_read_plainly() {
        let argv = |s: &[&str]| s.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        assert_eq!(shown(&argv(&["kubectl", "auth", "can-i", "get", "pods"]), false), "kubectl auth can-i get pods");
        assert_eq!(shown(&argv(&["test -d /tmp"]), true), "sh -c \"test -d /tmp\"");
        assert_eq!(exit(ExitStatus::from_raw(3 << 8)), "exit 3");
        assert_eq!(exit(ExitStatus::from_raw(9)), "killed by SIGKILL");
    }
}
