//! Klaxon's own ringtone: a loud two-tone alarm looped (with a rising volume) until someone
//! answers, or a soft chime played once for shadow pages.
//!
//! A [`Ringer`] owns one dedicated audio thread (rodio's device sink is `!Send`) that it starts on
//! the first [`Ringer::start`] and talks to over a channel. The output device is opened on demand
//! when ringing starts and closed again when it stops, so an idle Klaxon holds no audio device.
//! Nothing here panics on a missing or broken device: [`Ringer::start`] returns a
//! [`RingerError`], [`Ringer::state`] says [`RingerState::Failed`], and the next `start` tries
//! the device again. No call blocks its caller for long ([`START_TIMEOUT`], [`STOP_TIMEOUT`]).
//!
//! ```no_run
//! use klaxon_ringer::{Ringer, RingerConfig, Tone};
//! let ringer = Ringer::new(RingerConfig::default());
//! if let Err(e) = ringer.start(Tone::Page) {
//!     eprintln!("cannot ring: {e}"); // e.g. "no usable audio output device: …"
//! }
//! // … the page is answered:
//! ringer.stop();
//! ```

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

mod audio;

use audio::{AudioThread, Command, lock, set};

/// How long [`Ringer::start`] waits for the audio thread to open the device and start playing.
/// A device that takes longer makes `start` return [`RingerError::Timeout`]; the audio thread
/// keeps trying and [`Ringer::state`] tells how it ended.
pub const START_TIMEOUT: Duration = Duration::from_secs(3);
/// How long [`Ringer::stop`] (and dropping a [`Ringer`]) waits at most for the audio thread to
/// confirm that the sound is off. In practice this takes well under a millisecond, unless the
/// thread is still busy opening a device.
pub const STOP_TIMEOUT: Duration = Duration::from_millis(500);
/// How often the audio thread adjusts the volume while ringing (and notices a chime's end).
const TICK: Duration = Duration::from_millis(50);

static PAGE_WAV: &[u8] = include_bytes!("../../../assets/sounds/page.wav");
static SHADOW_WAV: &[u8] = include_bytes!("../../../assets/sounds/shadow.wav");

/// Which ringtone to play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    /// The loud two-tone alarm (1.5 s), looped with a rising volume until [`Ringer::stop`].
    Page,
    /// A soft single chime (0.8 s) for shadow pages, played once at `max_volume`.
    Shadow,
}

impl Tone {
    /// Whether this tone repeats until stopped.
    pub fn loops(self) -> bool {
        matches!(self, Tone::Page)
    }

    /// The embedded WAV file (44.1 kHz, mono, 16-bit PCM) from `assets/sounds/`.
    pub fn wav(self) -> &'static [u8] {
        match self {
            Tone::Page => PAGE_WAV,
            Tone::Shadow => SHADOW_WAV,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Tone::Page => "page",
            Tone::Shadow => "shadow",
        }
    }
}

impl fmt::Display for Tone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How loud the ringer is. Volumes are amplitude factors in `0.0..=1.0` (1.0 = the file as
/// recorded); values outside are clamped, and non-finite ones replaced by the defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RingerConfig {
    /// How long a [`Tone::Page`] takes to rise from `start_volume` to `max_volume` (default 20 s;
    /// zero rings at `max_volume` at once).
    pub ramp: Duration,
    /// The volume a [`Tone::Page`] starts at (default 0.3).
    pub start_volume: f32,
    /// The volume a [`Tone::Page`] ends at, and the one [`Tone::Shadow`] plays at (default 1.0).
    pub max_volume: f32,
}

const DEFAULT_START_VOLUME: f32 = 0.3;
const DEFAULT_MAX_VOLUME: f32 = 1.0;

impl Default for RingerConfig {
    fn default() -> Self {
        Self { ramp: Duration::from_secs(20), start_volume: DEFAULT_START_VOLUME, max_volume: DEFAULT_MAX_VOLUME }
    }
}

impl RingerConfig {
    /// The volume of a [`Tone::Page`] that has rung for `elapsed`: a straight line from
    /// `start_volume` to `max_volume` over `ramp`, then `max_volume`.
    pub fn volume_at(&self, elapsed: Duration) -> f32 {
        let start = clean_volume(self.start_volume, DEFAULT_START_VOLUME);
        let max = clean_volume(self.max_volume, DEFAULT_MAX_VOLUME);
        if elapsed >= self.ramp {
            return max;
        }
        let progress = (elapsed.as_secs_f64() / self.ramp.as_secs_f64()) as f32;
        (start + (max - start) * progress).clamp(start.min(max), start.max(max))
    }

    /// The volume a tone plays at when it has rung for `elapsed`.
    fn volume_for(&self, tone: Tone, elapsed: Duration) -> f32 {
        match tone {
            Tone::Page => self.volume_at(elapsed),
            Tone::Shadow => clean_volume(self.max_volume, DEFAULT_MAX_VOLUME),
        }
    }
}

fn clean_volume(v: f32, default: f32) -> f32 {
    if v.is_finite() { v.clamp(0.0, 1.0) } else { default }
}

/// What the ringer is doing.
#[derive(Debug, Clone, PartialEq)]
pub enum RingerState {
    /// Silent; no audio device is held.
    Idle,
    /// Playing `tone` at `volume` (see [`RingerConfig`]).
    Ringing { tone: Tone, volume: f32 },
    /// The last attempt to ring failed (or the device failed while ringing); the next
    /// [`Ringer::start`] tries again.
    Failed { error: String },
}

/// Why the ringer cannot ring.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RingerError {
    /// There is no audio output device, or it could not be opened.
    #[error("no usable audio output device: {0}")]
    NoDevice(String),
    /// The embedded ringtone could not be decoded.
    #[error("cannot decode the ringtone: {0}")]
    Decode(String),
    /// The audio thread could not be started, or it crashed.
    #[error("the audio thread failed: {0}")]
    Thread(String),
    /// The audio device did not start within [`START_TIMEOUT`]. The audio thread keeps trying;
    /// [`Ringer::state`] tells whether it rings in the end.
    #[error("the audio device did not start within {} s; still trying", .0.as_secs())]
    Timeout(Duration),
}

/// Plays Klaxon's ringtones. Cheap to create, `Send + Sync`; see the crate docs.
#[derive(Debug)]
pub struct Ringer {
    config: RingerConfig,
    state: Arc<Mutex<RingerState>>,
    /// The audio thread's command channel, once started (and again after it died).
    worker: Mutex<Option<Sender<Command>>>,
}

impl Ringer {
    /// A ringer with this configuration. Neither starts a thread nor opens the device.
    pub fn new(config: RingerConfig) -> Self {
        Self { config, state: Arc::new(Mutex::new(RingerState::Idle)), worker: Mutex::new(None) }
    }

    /// Starts ringing `tone`, opening the default output device if it is not open yet.
    ///
    /// Starting the tone that is already ringing keeps it ringing (a [`Tone::Page`] keeps its
    /// volume ramp, a [`Tone::Shadow`] chimes again); starting the other tone switches to it on
    /// the same device. On error nothing plays and [`Ringer::state`] is
    /// [`RingerState::Failed`] with the same message (except for [`RingerError::Timeout`]).
    pub fn start(&self, tone: Tone) -> Result<(), RingerError> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.send(Command::Start { tone, reply }, true)?;
        match answer.recv_timeout(START_TIMEOUT) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => Err(RingerError::Timeout(START_TIMEOUT)),
            Err(RecvTimeoutError::Disconnected) => Err(self.crashed()),
        }
    }

    /// Stops ringing; the state becomes [`RingerState::Idle`] (also after a failure). Returns
    /// once the audio thread has silenced the tone (what is already in the device's buffer
    /// still plays, some 50 ms), or after [`STOP_TIMEOUT`] at most; the thread closes the
    /// device right after.
    pub fn stop(&self) {
        let (reply, answer) = mpsc::sync_channel(1);
        match self.send(Command::Stop { reply }, false) {
            Ok(()) => {
                if let Err(RecvTimeoutError::Disconnected) = answer.recv_timeout(STOP_TIMEOUT) {
                    // The thread died (and took its device with it): nothing rings.
                    set(&self.state, RingerState::Idle);
                }
            }
            // No audio thread: nothing can be ringing.
            Err(_) => set(&self.state, RingerState::Idle),
        }
    }

    /// What the ringer is doing now.
    pub fn state(&self) -> RingerState {
        lock(&self.state).clone()
    }

    /// The configuration this ringer was made with.
    pub fn config(&self) -> &RingerConfig {
        &self.config
    }

    /// Sends `command` to the audio thread, starting (or restarting) it if `spawn`.
    fn send(&self, command: Command, spawn: bool) -> Result<(), RingerError> {
        let mut worker = lock(&self.worker);
        let command = match worker.as_ref() {
            Some(tx) => match tx.send(command) {
                Ok(()) => return Ok(()),
                // The thread is gone (it crashed): start a new one below if allowed.
                Err(mpsc::SendError(command)) => command,
            },
            None => command,
        };
        *worker = None;
        if !spawn {
            return Err(RingerError::Thread("no audio thread".into()));
        }
        let tx = self.spawn()?;
        tx.send(command).map_err(|_| RingerError::Thread("the audio thread exited at once".into()))?;
        *worker = Some(tx);
        Ok(())
    }

    fn spawn(&self) -> Result<Sender<Command>, RingerError> {
        let (tx, rx) = mpsc::channel();
        let audio = AudioThread::new(self.config, Arc::clone(&self.state));
        let state = Arc::clone(&self.state);
        thread::Builder::new()
            .name("klaxon-ringer".into())
            .spawn(move || {
                if catch_unwind(AssertUnwindSafe(|| audio.run(rx))).is_err() {
                    set(&state, RingerState::Failed { error: "the audio thread crashed".into() });
                }
            })
            .map_err(|e| RingerError::Thread(e.to_string()))?;
        Ok(tx)
    }

    fn crashed(&self) -> RingerError {
        let error = RingerError::Thread("the audio thread crashed".into());
        set(&self.state, RingerState::Failed { error: error.to_string() });
        error
    }
}

impl Drop for Ringer {
    fn drop(&mut self) {
        let worker = self.worker.get_mut().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(tx) = worker {
            let (reply, answer) = mpsc::sync_channel(1);
            if tx.send(Command::Shutdown { reply }).is_ok() {
                let _ = answer.recv_timeout(STOP_TIMEOUT);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use audio::decode;
    use rodio::{Decoder, Source};
    use std::io::Cursor;

    fn config(ramp_secs: u64, start: f32, max: f32) -> RingerConfig {
        RingerConfig { ramp: Duration::from_secs(ramp_secs), start_volume: start, max_volume: max }
    }

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-5
    }

    #[test]
    fn the_ramp_rises_linearly_from_start_to_max() {
        let c = config(20, 0.3, 1.0);
        assert!(close(c.volume_at(Duration::ZERO), 0.3));
        assert!(close(c.volume_at(Duration::from_secs(5)), 0.475));
        assert!(close(c.volume_at(Duration::from_secs(10)), 0.65));
        assert!(close(c.volume_at(Duration::from_millis(19_999)), 0.999_965));
        assert!(close(c.volume_at(Duration::from_secs(20)), 1.0));
        assert!(close(c.volume_at(Duration::from_secs(3600)), 1.0));
        let mut last = 0.0;
        for ms in (0..=25_000).step_by(50) {
            let v = c.volume_at(Duration::from_millis(ms));
            assert!(v >= last, "volume fell at {ms} ms: {v} < {last}");
            assert!((0.3..=1.0).contains(&v));
            last = v;
        }
    }

    #[test]
    fn the_default_config_ramps_from_0_3_to_1_over_20_s() {
        let c = RingerConfig::default();
        assert_eq!(c.ramp, Duration::from_secs(20));
        assert!(close(c.volume_at(Duration::ZERO), 0.3));
        assert!(close(c.volume_at(Duration::from_secs(20)), 1.0));
    }

    #[test]
    fn a_zero_ramp_rings_at_max_at_once() {
        let c = config(0, 0.3, 0.8);
        assert!(close(c.volume_at(Duration::ZERO), 0.8));
        assert!(close(c.volume_at(Duration::from_secs(1)), 0.8));
    }

    #[test]
    fn a_start_above_max_ramps_down_and_stays_between_them() {
        let c = config(10, 0.9, 0.5);
        assert!(close(c.volume_at(Duration::ZERO), 0.9));
        assert!(close(c.volume_at(Duration::from_secs(5)), 0.7));
        assert!(close(c.volume_at(Duration::from_secs(11)), 0.5));
    }

    #[test]
    fn volumes_are_clamped_and_non_finite_ones_replaced_by_defaults() {
        let c = config(10, -1.0, 7.0);
        assert!(close(c.volume_at(Duration::ZERO), 0.0));
        assert!(close(c.volume_at(Duration::from_secs(10)), 1.0));
        let c = config(10, f32::NAN, f32::INFINITY);
        assert!(close(c.volume_at(Duration::ZERO), DEFAULT_START_VOLUME));
        assert!(close(c.volume_at(Duration::from_secs(10)), DEFAULT_MAX_VOLUME));
        // Huge ramps do not overflow or go out of range.
        let c = RingerConfig { ramp: Duration::MAX, ..RingerConfig::default() };
        assert!(close(c.volume_at(Duration::from_secs(1)), 0.3));
    }

    #[test]
    fn shadow_plays_at_max_volume_without_a_ramp() {
        let c = config(20, 0.3, 0.6);
        assert!(close(c.volume_for(Tone::Shadow, Duration::ZERO), 0.6));
        assert!(close(c.volume_for(Tone::Page, Duration::ZERO), 0.3));
    }

    fn decoded(tone: Tone) -> (u16, u32, Vec<f32>) {
        let d = Decoder::new_wav(Cursor::new(tone.wav())).expect("decodes");
        let (channels, rate) = (d.channels().get(), d.sample_rate().get());
        (channels, rate, d.collect())
    }

    #[test]
    fn the_page_tone_is_a_loud_1_5_s_mono_44_1_khz_alarm() {
        let (channels, rate, samples) = decoded(Tone::Page);
        assert_eq!((channels, rate), (1, 44_100));
        assert_eq!(samples.len(), 66_150, "1.5 s");
        let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(peak > 0.7, "page is loud, peak {peak}");
        assert!(Tone::Page.wav().len() < 200_000);
        assert!(decode(Tone::Page).is_ok());
    }

    #[test]
    fn the_shadow_tone_is_a_soft_0_8_s_chime() {
        let (channels, rate, samples) = decoded(Tone::Shadow);
        assert_eq!((channels, rate), (1, 44_100));
        assert_eq!(samples.len(), 35_280, "0.8 s");
        let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!((0.1..0.5).contains(&peak), "shadow is soft, peak {peak}");
        let tail = samples[samples.len() - 2_000..].iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(tail < 0.02, "the chime decays, tail peak {tail}");
        assert!(Tone::Shadow.wav().len() < 200_000);
    }

    #[test]
    fn stop_without_start_spawns_nothing_and_is_idle() {
        let ringer = Ringer::new(RingerConfig::default());
        ringer.stop();
        assert_eq!(ringer.state(), RingerState::Idle);
        assert!(lock(&ringer.worker).is_none());
    }

    #[test]
    fn a_ringer_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<Ringer>();
        shareable::<RingerError>();
    }

    #[test]
    fn errors_read_clearly() {
        assert_eq!(
            RingerError::NoDevice("cannot open \"default\"".into()).to_string(),
            "no usable audio output device: cannot open \"default\""
        );
        assert_eq!(
            RingerError::Timeout(START_TIMEOUT).to_string(),
            "the audio device did not start within 3 s; still trying"
        );
    }
}
