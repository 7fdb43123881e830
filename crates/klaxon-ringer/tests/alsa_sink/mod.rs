//! The harness of the ALSA tests: a FIFO-backed ALSA configuration, the `klaxon-ring` driver
//! process, and a reader that takes the audio at a sound card's pace and looks at it.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

pub const RATE: usize = 44_100;
pub const BYTES_PER_SECOND: usize = RATE * 2;
/// The FIFO's capacity: what the ringer can have written ahead of the reader (23 ms).
pub const PIPE_CAPACITY: usize = 4_096;
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// An ALSA configuration whose default PCM writes S16_LE mono 44.1 kHz into `fifo`.
pub fn fifo_config(fifo: &Path) -> String {
    format!(
        r#"pcm.!default {{
  type plug
  slave {{
    pcm {{ type file; slave.pcm {{ type null }}; file "{}"; format "raw" }}
    format S16_LE
    rate 44100
    channels 1
  }}
}}
"#,
        fifo.display()
    )
}

/// An ALSA configuration whose default PCM is a sound card that does not exist.
pub const MISSING_CARD_CONFIG: &str = "pcm.!default { type hw; card 42 }\n";

pub struct Setup {
    _dir: tempfile::TempDir,
    pub config: PathBuf,
    pub fifo: PathBuf,
}

pub fn setup(config: Option<&str>) -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("out.raw");
    let mode = rustix::fs::Mode::from_raw_mode(0o600);
    rustix::fs::mknodat(rustix::fs::CWD, &fifo, rustix::fs::FileType::Fifo, mode, 0).expect("mkfifo");
    let config_path = dir.path().join("asound.conf");
    let text = config.map_or_else(|| fifo_config(&fifo), str::to_string);
    std::fs::write(&config_path, text).expect("write config");
    Setup { _dir: dir, config: config_path, fifo }
}

/// Replaces the ALSA configuration the way an editor would (a new file renamed over the old
/// one), so that ALSA notices the change on its next open.
pub fn replace_config(setup: &Setup, text: &str) {
    let tmp = setup.config.with_extension("new");
    std::fs::write(&tmp, text).expect("write config");
    std::fs::rename(&tmp, &setup.config).expect("rename config");
}

/// `klaxon-ring` with ALSA pointed at the test's configuration; killed when dropped.
pub struct Driver {
    pub child: Child,
    pub stdin: Option<ChildStdin>,
    pub answers: Receiver<String>,
    pub stderr: Arc<Mutex<String>>,
}

impl Driver {
    pub fn spawn(setup: &Setup, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_klaxon-ring"))
            .args(args)
            .env("ALSA_CONFIG_PATH", &setup.config)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn klaxon-ring");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
        let (tx, answers) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut child_stderr = child.stderr.take().expect("stderr");
        let sink = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = child_stderr.read(&mut buf) {
                sink.lock().expect("stderr").push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Self { child, stdin, answers, stderr }
    }

    /// Sends one command and returns its answer; fails the test if none comes in time.
    pub fn ask(&mut self, command: &str) -> String {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{command}").expect("write command");
        stdin.flush().expect("flush command");
        match self.answers.recv_timeout(ANSWER_TIMEOUT) {
            Ok(answer) => answer,
            Err(e) => panic!("no answer to {command:?} ({e}); stderr:\n{}", self.stderr()),
        }
    }

    pub fn volume(&mut self) -> f32 {
        let state = self.ask("state");
        let volume = state.strip_prefix("ringing page ");
        let volume = volume.and_then(|v| v.parse().ok());
        volume.unwrap_or_else(|| panic!("expected ringing page, got {state:?}"))
    }

    /// Says `quit` and waits (bounded) for a clean exit.
    pub fn quit(mut self) {
        self.ask_no_answer("quit");
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "klaxon-ring exited with {status}: {}", self.stderr());
                return;
            }
            assert!(Instant::now() < deadline, "klaxon-ring hangs on quit: {}", self.stderr());
            thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn ask_no_answer(&mut self, command: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{command}").expect("write command");
        drop(self.stdin.take());
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr").clone()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One opening of the FIFO by the ringer (ALSA opens it with the device, closes it with it).
#[derive(Debug, Default, Clone)]
pub struct Session {
    pub bytes: Vec<u8>,
    /// When the writer closed it.
    pub ended: Option<Instant>,
}

/// Reads the FIFO at a sound card's pace, session after session, until dropped.
pub struct Capture {
    pub fifo: PathBuf,
    pub sessions: Arc<Mutex<Vec<Session>>>,
    pub done: Arc<AtomicBool>,
    /// A second (idle) reader that keeps the pipe, and so its small buffer, between sessions.
    _keep: rustix::fd::OwnedFd,
}

impl Capture {
    pub fn start(fifo: &Path) -> Self {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let keep = rustix::fs::open(fifo, flags, Mode::empty()).expect("open the FIFO");
        rustix::pipe::fcntl_setpipe_size(&keep, PIPE_CAPACITY).expect("shrink the FIFO");
        assert_eq!(rustix::pipe::fcntl_getpipe_size(&keep).expect("pipe size"), PIPE_CAPACITY);
        let sessions = Arc::new(Mutex::new(Vec::new()));
        let done = Arc::new(AtomicBool::new(false));
        let (path, log, stop) = (fifo.to_path_buf(), Arc::clone(&sessions), Arc::clone(&done));
        thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                // Blocks until a writer opens it (or `Drop` below does).
                let Ok(mut file) = File::open(&path) else { return };
                let index = {
                    let mut log = log.lock().expect("log");
                    log.push(Session::default());
                    log.len() - 1
                };
                let began = Instant::now();
                let mut total = 0usize;
                let mut buf = [0u8; BYTES_PER_SECOND / 100];
                loop {
                    match file.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            total += n;
                            log.lock().expect("log")[index].bytes.extend_from_slice(&buf[..n]);
                        }
                    }
                    let due = began + Duration::from_secs_f64(total as f64 / BYTES_PER_SECOND as f64);
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        thread::sleep(wait);
                    }
                }
                log.lock().expect("log")[index].ended = Some(Instant::now());
            }
        });
        Self { fifo: fifo.to_path_buf(), sessions, done, _keep: keep }
    }

    pub fn sessions(&self) -> Vec<Session> {
        self.sessions.lock().expect("log").clone()
    }

    /// Waits (bounded) until `ready` holds for the sessions so far.
    pub fn wait_for(&self, what: &str, timeout: Duration, ready: impl Fn(&[Session]) -> bool) {
        let deadline = Instant::now() + timeout;
        while !ready(&self.sessions()) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}: {:?}", self.summary());
            thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn summary(&self) -> Vec<(usize, bool)> {
        self.sessions().iter().map(|s| (s.bytes.len(), s.ended.is_some())).collect()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
        // Opening a FIFO read-write never blocks, and it releases a reader blocked in `open`.
        let _ = OpenOptions::new().read(true).write(true).open(&self.fifo);
    }
}

pub fn samples(bytes: &[u8]) -> Vec<i16> {
    bytes.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect()
}

pub fn peak(samples: &[i16]) -> i32 {
    samples.iter().map(|s| i32::from(*s).abs()).max().unwrap_or(0)
}

pub fn seconds(bytes: usize) -> f64 {
    bytes as f64 / BYTES_PER_SECOND as f64
}

/// Where each repetition of the page tone starts: sound after a silence of at least 200 ms
/// (the tone ends with 300 ms of silence and has no other gap), not counting the first start.
pub fn loop_starts(samples: &[i16]) -> Vec<usize> {
    const WINDOW: usize = RATE / 100;
    let loud: Vec<bool> = samples.chunks(WINDOW).map(|w| peak(w) > 300).collect();
    let mut starts = Vec::new();
    let mut heard = false;
    let mut quiet = 0;
    for (i, &loud) in loud.iter().enumerate() {
        if loud {
            if heard && quiet >= 20 {
                starts.push(i * WINDOW);
            }
            heard = true;
            quiet = 0;
        } else {
            quiet += 1;
        }
    }
    starts
}
