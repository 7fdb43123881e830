//! The command probe running real processes: exit codes, output tails, a hang killed with its
//! whole process group, argv passed without a shell.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use klaxon_core::checklist::Outcome;
use klaxon_probes::command;
use std::path::Path;
use std::time::{Duration, Instant};

const GENEROUS: Duration = Duration::from_secs(10);

fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// Whether `pid` still runs (a zombie waiting for its reaper has been killed already).
fn running(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
    let state = stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().next());
    !matches!(state, Some("Z" | "X"))
}

/// Polls until `done` holds, for at most 5 s.
async fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done()
}

fn pids_in(file: &Path) -> Vec<u32> {
    std::fs::read_to_string(file).unwrap_or_default().lines().filter_map(|l| l.trim().parse().ok()).collect()
}

#[tokio::test]
async fn exit_0_passes_with_its_output() {
    let f = command(&argv(&["echo", "all good"]), false, GENEROUS).await;
    assert_eq!(f.outcome, Outcome::Pass, "{f:?}");
    assert_eq!(f.evidence.checked, "command echo all good");
    assert!(f.evidence.result.starts_with("exit 0 in ") && f.evidence.result.ends_with(" ms: all good"), "{f:?}");
    // stdin is closed: cat ends at once instead of waiting for input.
    let cat = command(&argv(&["cat"]), false, GENEROUS).await;
    assert_eq!(cat.outcome, Outcome::Pass, "{cat:?}");
}

#[tokio::test]
async fn a_failing_exit_shows_its_code_and_output_tail() {
    let script = "for i in 1 2 3 4 5; do echo line $i; done; echo oops >&2; exit 3";
    let f = command(&argv(&[script]), true, GENEROUS).await;
    assert_eq!(f.outcome, Outcome::Fail, "{f:?}");
    assert_eq!(f.evidence.checked, format!("command sh -c {script:?}"));
    let result = &f.evidence.result;
    assert!(result.starts_with("exit 3: "), "{result}");
    assert!(result.contains("oops") && result.contains("line 5") && !result.contains("line 1"), "{result}");
}

#[tokio::test]
async fn without_a_shell_nothing_is_interpreted() {
    let f = command(&argv(&["echo", "$HOME;", "echo", "x", "|", "false"]), false, GENEROUS).await;
    assert_eq!(f.outcome, Outcome::Pass, "{f:?}");
    assert!(f.evidence.result.ends_with(": $HOME; echo x | false"), "{f:?}");
    let shell = command(&argv(&["echo \"$0\"; false"]), true, GENEROUS).await;
    assert_eq!(shell.outcome, Outcome::Fail, "{shell:?}");
    assert_eq!(shell.evidence.result, "exit 1: sh");
}

#[tokio::test]
async fn a_program_that_cannot_start_says_why() {
    let f = command(&argv(&["/nonexistent/klaxon-no-such-tool", "--version"]), false, GENEROUS).await;
    assert_eq!(f.outcome, Outcome::Fail);
    assert_eq!(f.evidence.result, "cannot start: /nonexistent/klaxon-no-such-tool not found");
    assert_eq!(command(&[], false, GENEROUS).await.evidence.result, "nothing to run");
}

#[tokio::test]
async fn a_hang_is_killed_with_its_whole_process_group() {
    let dir = tempfile::tempdir().unwrap();
    let pids = dir.path().join("pids");
    // The shell starts a child shell, which starts a grandchild; each writes its pid, then all wait.
    let script = format!(
        "echo $$ >> {p}; sh -c 'sleep 300 & echo $! >> {p}; echo $$ >> {p}; wait' & echo started; wait",
        p = pids.display()
    );
    let probe = tokio::spawn(async move { command(&argv(&[&script]), true, Duration::from_secs(2)).await });
    assert!(eventually(|| pids_in(&pids).len() == 3).await, "the processes never started: {:?}", pids_in(&pids));
    let started = pids_in(&pids);
    assert!(started.iter().all(|&p| running(p)), "not all running while the probe waits: {started:?}");

    let f = probe.await.unwrap();
    assert_eq!(f.outcome, Outcome::Fail, "{f:?}");
    assert_eq!(f.evidence.result, "timed out after 2 s; process group killed; last output: started");
    assert!((2000..6000).contains(&f.evidence.took_ms), "{f:?}");
    assert!(eventually(|| started.iter().all(|&p| !running(p))).await, "still running: {started:?}");
}

#[tokio::test]
async fn what_a_finished_command_left_behind_is_killed_too() {
    // The background sleep holds the output pipe open: the probe must neither wait for it nor
    // leave it running.
    let f = command(&argv(&["sleep 300 & echo $!"]), true, GENEROUS).await;
    assert_eq!(f.outcome, Outcome::Pass, "{f:?}");
    assert!(f.evidence.took_ms < 3000, "{f:?}");
    let pid: u32 = f.evidence.result.rsplit(": ").next().unwrap().parse().unwrap();
    assert!(eventually(|| !running(pid)).await, "sleep {pid} was left running");
}
