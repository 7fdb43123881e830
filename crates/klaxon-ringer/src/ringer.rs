//! The [`Ringer`]: its commands (start, stop, state) to the audio thread it owns, its state, errors
//! and how long a call may wait.

use crate::audio::{AudioThread, Command, lock, set};
use crate::{RingerConfig, Tone};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

/// How long [`Ringer::start`] waits for the audio thread to open the device and start playing.
/// A device that takes longer makes `start` return [`RingerError::Timeout`]; the audio thread
/// keeps trying and [`Ringer::state`] tells how it ended.
pub const START_TIMEOUT: Duration = Duration::from_secs(3);
/// How long [`Ringer::stop`] (and dropping a [`Ringer`]) waits at most for the audio thread to
/// confirm that the sound is off. In practice this takes well under a millisecond, unless the
/// thread is still busy opening a device.
pub const STOP_TIMEOUT: Duration = Duration::from_millis(500);

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
