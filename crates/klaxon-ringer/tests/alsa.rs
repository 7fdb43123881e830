//! Plays the ringtones through a real ALSA device, without a sound card.
//!
//! Each test runs `klaxon-ring` (this crate's driver binary) as a child process with
//! `ALSA_CONFIG_PATH` pointing at a configuration of its own, which replaces the system one
//! entirely. Its default PCM converts whatever the ringer sends to S16_LE mono 44.1 kHz (`plug`)
//! and writes it (`file`) into a FIFO that the test reads at the pace of a sound card (88,200
//! bytes a second), so the ringer fills it in real time, blocks when it is full, and the FIFO
//! reaches end-of-file when the ringer closes the device. The FIFO's buffer is shrunk to 4 KiB
//! (23 ms), so that what the reader gets is close to what a speaker would play at that moment.
//! The test then looks at the audio itself.
#![cfg(target_os = "linux")]

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const RATE: usize = 44_100;
const BYTES_PER_SECOND: usize = RATE * 2;
/// The FIFO's capacity: what the ringer can have written ahead of the reader (23 ms).
const PIPE_CAPACITY: usize = 4_096;
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// An ALSA configuration whose default PCM writes S16_LE mono 44.1 kHz into `fifo`.
fn fifo_config(fifo: &Path) -> String {
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
const MISSING_CARD_CONFIG: &str = "pcm.!default { type hw; card 42 }\n";

struct Setup {
    _dir: tempfile::TempDir,
    config: PathBuf,
    fifo: PathBuf,
}

fn setup(config: Option<&str>) -> Setup {
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
fn replace_config(setup: &Setup, text: &str) {
    let tmp = setup.config.with_extension("new");
    std::fs::write(&tmp, text).expect("write config");
    std::fs::rename(&tmp, &setup.config).expect("rename config");
}

/// `klaxon-ring` with ALSA pointed at the test's configuration; killed when dropped.
struct Driver {
    child: Child,
    stdin: Option<ChildStdin>,
    answers: Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl Driver {
    fn spawn(setup: &Setup, args: &[&str]) -> Self {
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
    fn ask(&mut self, command: &str) -> String {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{command}").expect("write command");
        stdin.flush().expect("flush command");
        match self.answers.recv_timeout(ANSWER_TIMEOUT) {
            Ok(answer) => answer,
            Err(e) => panic!("no answer to {command:?} ({e}); stderr:\n{}", self.stderr()),
        }
    }

    fn volume(&mut self) -> f32 {
        let state = self.ask("state");
        let volume = state.strip_prefix("ringing page ");
        let volume = volume.and_then(|v| v.parse().ok());
        volume.unwrap_or_else(|| panic!("expected ringing page, got {state:?}"))
    }

    /// Says `quit` and waits (bounded) for a clean exit.
    fn quit(mut self) {
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

    fn ask_no_answer(&mut self, command: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{command}").expect("write command");
        drop(self.stdin.take());
    }

    fn stderr(&self) -> String {
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
struct Session {
    bytes: Vec<u8>,
    /// When the writer closed it.
    ended: Option<Instant>,
}

/// Reads the FIFO at a sound card's pace, session after session, until dropped.
struct Capture {
    fifo: PathBuf,
    sessions: Arc<Mutex<Vec<Session>>>,
    done: Arc<AtomicBool>,
    /// A second (idle) reader that keeps the pipe, and so its small buffer, between sessions.
    _keep: rustix::fd::OwnedFd,
}

impl Capture {
    fn start(fifo: &Path) -> Self {
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

    fn sessions(&self) -> Vec<Session> {
        self.sessions.lock().expect("log").clone()
    }

    /// Waits (bounded) until `ready` holds for the sessions so far.
    fn wait_for(&self, what: &str, timeout: Duration, ready: impl Fn(&[Session]) -> bool) {
        let deadline = Instant::now() + timeout;
        while !ready(&self.sessions()) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}: {:?}", self.summary());
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn summary(&self) -> Vec<(usize, bool)> {
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

fn samples(bytes: &[u8]) -> Vec<i16> {
    bytes.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect()
}

fn peak(samples: &[i16]) -> i32 {
    samples.iter().map(|s| i32::from(*s).abs()).max().unwrap_or(0)
}

fn seconds(bytes: usize) -> f64 {
    bytes as f64 / BYTES_PER_SECOND as f64
}

/// Where each repetition of the page tone starts: sound after a silence of at least 200 ms
/// (the tone ends with 300 ms of silence and has no other gap), not counting the first start.
fn loop_starts(samples: &[i16]) -> Vec<usize> {
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

#[test]
fn page_rings_through_alsa_loops_with_a_rising_volume_and_stops_promptly() {
    let setup = setup(None);
    let capture = Capture::start(&setup.fifo);
    let mut ringer = Driver::spawn(&setup, &["--ramp", "2", "--start-volume", "0.2", "--max-volume", "1.0"]);

    assert_eq!(ringer.ask("state"), "idle");
    assert!(capture.sessions().is_empty(), "the device is not opened before start");

    assert_eq!(ringer.ask("start page"), "ok", "stderr: {}", ringer.stderr());
    let mut volumes = vec![ringer.volume()];
    assert!((0.2..0.3).contains(&volumes[0]), "starts near start_volume: {volumes:?}");

    // Ring until 4.2 s of audio reached the "sound card": the 1.5 s tone played almost 3 times.
    let enough = (4.2 * BYTES_PER_SECOND as f64) as usize;
    let deadline = Instant::now() + Duration::from_secs(15);
    while capture.sessions().first().is_none_or(|s| s.bytes.len() < enough) {
        assert!(Instant::now() < deadline, "audio does not flow: {:?}", capture.summary());
        thread::sleep(Duration::from_millis(250));
        volumes.push(ringer.volume());
    }
    assert!(volumes.windows(2).all(|w| w[0] <= w[1]), "the volume only rises: {volumes:?}");
    assert_eq!(volumes.last().copied(), Some(1.0), "reaches max_volume after the ramp");
    let sessions = capture.sessions();
    assert_eq!(sessions.len(), 1, "one device opening");
    assert!(sessions[0].ended.is_none(), "still ringing: the device is open");

    let before_stop = sessions[0].bytes.len();
    let stopped = ringer.ask("stop");
    let stop_ms: u64 = stopped.strip_prefix("stopped ").and_then(|ms| ms.parse().ok()).expect(&stopped);
    assert!(stop_ms <= 100, "stop() took {stop_ms} ms");
    assert_eq!(ringer.ask("state"), "idle");

    // The device is closed: the FIFO ends, and nothing more arrives after that.
    capture.wait_for("end of the audio", Duration::from_secs(3), |s| s[0].ended.is_some());
    let session = capture.sessions().remove(0);
    let audio = samples(&session.bytes);
    let after_stop = seconds(session.bytes.len() - before_stop);
    let last_sound = audio.iter().rposition(|s| s.abs() > 300).unwrap_or(0) * 2;
    let tail = seconds(last_sound.saturating_sub(before_stop));
    // What reached the "speaker" after stop(): the FIFO (23 ms) and the ALSA buffer (~90 ms),
    // which the file plugin writes out when closed (a sound card drops it instead).
    assert!(tail < 0.25, "the sound went on for {tail:.3} s after stop()");
    // And the device was closed rather than fed silence.
    assert!(after_stop < 0.5, "{after_stop:.3} s of audio arrived after stop()");
    // A second stop is answered by the audio thread after it is done with the first: whatever
    // the first left to do is done, and the device stays closed.
    assert!(ringer.ask("stop").starts_with("stopped "));
    assert_eq!(ringer.ask("state"), "idle");
    assert_eq!(capture.sessions().len(), 1, "the device stays closed");

    let starts = loop_starts(&audio);
    assert!(starts.len() >= 2, "the tone repeats: loops at {starts:?} in {} samples", audio.len());
    let spacing = (starts[1] - starts[0]) as f64 / RATE as f64;
    assert!((1.45..1.55).contains(&spacing), "one repetition every 1.5 s, got {spacing:.3} s");
    let first = peak(&audio[..RATE / 4]);
    let last = peak(&audio[starts[1]..starts[1] + RATE]);
    assert!(first > 2_000, "the alarm is audible from the start, peak {first}");
    assert!(last >= first * 5 / 2, "louder later: first peak {first}, third loop peak {last}");
    assert!(last > 20_000, "the ramp ends near full scale, peak {last}");

    ringer.quit();
}

#[test]
fn shadow_chimes_once_softly_then_goes_idle_by_itself() {
    let setup = setup(None);
    let capture = Capture::start(&setup.fifo);
    let mut ringer = Driver::spawn(&setup, &[]);

    assert_eq!(ringer.ask("start shadow"), "ok", "stderr: {}", ringer.stderr());
    assert_eq!(ringer.ask("state"), "ringing shadow 1.000");
    // Without a stop, the device closes once the 0.8 s chime has played.
    capture.wait_for("the chime to end", Duration::from_secs(5), |s| s.first().is_some_and(|s| s.ended.is_some()));
    assert_eq!(ringer.ask("state"), "idle");

    let session = capture.sessions().remove(0);
    let audio = samples(&session.bytes);
    let length = seconds(session.bytes.len());
    assert!((0.75..1.6).contains(&length), "one chime (plus buffering), got {length:.2} s");
    let onset = audio.iter().position(|s| s.abs() > 300).expect("the chime is audible");
    let loudest = peak(&audio);
    assert!((3_000..16_000).contains(&loudest), "a soft chime, peak {loudest}");
    let later = peak(audio.get(onset + RATE * 7 / 10..).unwrap_or_default());
    assert!(later < loudest / 10, "it decays and does not repeat: {later} after 0.7 s");

    ringer.quit();
}

#[test]
fn starting_while_ringing_keeps_ringing_or_switches_tone_on_the_same_device() {
    let setup = setup(None);
    let capture = Capture::start(&setup.fifo);
    let mut ringer = Driver::spawn(&setup, &["--ramp", "4", "--start-volume", "0.2", "--max-volume", "1.0"]);

    assert_eq!(ringer.ask("start page"), "ok", "stderr: {}", ringer.stderr());
    // Until the ramp has visibly risen from its start.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut before = ringer.volume();
    while before <= 0.3 {
        assert!(Instant::now() < deadline, "the ramp does not rise: {before}");
        thread::sleep(Duration::from_millis(20));
        before = ringer.volume();
    }
    // Another page while ringing: keeps ringing, and the ramp goes on (no restart at 0.2).
    assert_eq!(ringer.ask("start page"), "ok");
    let after = ringer.volume();
    assert!(after >= before && after > 0.3, "the ramp continues: {before} then {after}");

    // A shadow page switches to the chime on the open device, which then closes by itself.
    assert_eq!(ringer.ask("start shadow"), "ok");
    assert_eq!(ringer.ask("state"), "ringing shadow 1.000");
    capture.wait_for("the chime to end", Duration::from_secs(6), |s| s.first().is_some_and(|s| s.ended.is_some()));
    assert_eq!(ringer.ask("state"), "idle");
    assert_eq!(capture.sessions().len(), 1, "the tones shared one device opening");

    // Ringing again opens the device again; quitting (dropping the ringer) closes it.
    assert_eq!(ringer.ask("start page"), "ok");
    capture.wait_for("a second opening", Duration::from_secs(5), |s| {
        s.get(1).is_some_and(|s| s.bytes.len() > BYTES_PER_SECOND / 2)
    });
    ringer.quit();
    capture.wait_for("the device to close on quit", Duration::from_secs(3), |s| s[1].ended.is_some());
}

#[test]
fn an_unopenable_device_is_a_clear_error_and_a_later_start_retries() {
    let setup = setup(Some(MISSING_CARD_CONFIG));
    let mut ringer = Driver::spawn(&setup, &[]);

    let began = Instant::now();
    let answer = ringer.ask("start page");
    assert!(answer.starts_with("error no usable audio output device: \"default\": "), "a clear error, got {answer:?}");
    assert!(began.elapsed() < Duration::from_secs(3), "start fails fast: {:?}", began.elapsed());
    let state = ringer.ask("state");
    assert_eq!(state, format!("failed {}", &answer["error ".len()..]));

    // Still failing, still answering: nothing is stuck.
    assert!(ringer.ask("start shadow").starts_with("error no usable audio output device"));

    // The device comes back (here: ALSA is pointed at a working one): the next start rings.
    let capture = Capture::start(&setup.fifo);
    replace_config(&setup, &fifo_config(&setup.fifo));
    assert_eq!(ringer.ask("start page"), "ok", "stderr: {}", ringer.stderr());
    assert!(ringer.ask("state").starts_with("ringing page "));
    capture.wait_for("audio", Duration::from_secs(5), |s| s.first().is_some_and(|s| peak(&samples(&s.bytes)) > 2_000));
    let stopped = ringer.ask("stop");
    assert!(stopped.starts_with("stopped "), "{stopped}");
    assert_eq!(ringer.ask("state"), "idle", "stop also clears a failure");
    capture.wait_for("end of the audio", Duration::from_secs(3), |s| s[0].ended.is_some());

    ringer.quit();
}

#[test]
fn an_alsa_without_a_default_device_is_a_clear_error() {
    let setup = setup(Some("# no PCM defined at all\n"));
    let mut ringer = Driver::spawn(&setup, &[]);

    let answer = ringer.ask("start page");
    assert!(answer.starts_with("error no usable audio output device: \"default\": "), "a clear error, got {answer:?}");
    assert!(ringer.ask("state").starts_with("failed no usable audio output device"));
    ringer.quit();
}

/// The default PCM writes into a FIFO that nobody reads yet, so ALSA blocks opening it.
#[test]
fn a_device_that_hangs_on_open_blocks_neither_start_nor_stop_and_a_late_open_obeys_the_stop() {
    let setup = setup(None);
    let mut ringer = Driver::spawn(&setup, &[]);

    let began = Instant::now();
    let answer = ringer.ask("start page");
    let took = began.elapsed();
    assert_eq!(answer, "error the audio device did not start within 3 s; still trying");
    assert!(took < Duration::from_secs(4), "start gave up after {took:?}");
    assert_eq!(ringer.ask("state"), "idle");

    let began = Instant::now();
    let stopped = ringer.ask("stop");
    let took = began.elapsed();
    assert!(stopped.starts_with("stopped "), "{stopped}");
    assert!(took < Duration::from_secs(1), "stop waited {took:?} for the busy audio thread");

    // The device opens at last: the ringer starts as asked, then carries out the stop that came
    // after, so it ends silent with the device closed.
    let capture = Capture::start(&setup.fifo);
    capture.wait_for("the late opening to close", Duration::from_secs(5), |s| {
        s.first().is_some_and(|s| s.ended.is_some())
    });
    assert_eq!(ringer.ask("state"), "idle");
    ringer.quit();
}

#[test]
fn quitting_while_the_device_hangs_on_open_exits_promptly() {
    let setup = setup(None);
    let mut ringer = Driver::spawn(&setup, &[]);
    assert!(ringer.ask("start page").starts_with("error the audio device did not start"));
    // `quit` drops the Ringer, which waits at most STOP_TIMEOUT (0.5 s) for the stuck thread.
    ringer.quit();
}
