//! The audio thread: owns the output device (rodio's handles are not `Send`), plays the tone with
//! its volume ramp, and answers the [`Ringer`](crate::Ringer)'s commands.

use std::error::Error as StdError;
use std::io::Cursor;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use rodio::buffer::SamplesBuffer;
use rodio::cpal::traits::{DeviceTrait, HostTrait};
use rodio::{CpalError, CpalErrorKind, Decoder, DeviceSinkBuilder, MixerDeviceSink, Player, Source};

use crate::{RingerConfig, RingerError, RingerState, Tone};

/// How often the audio thread adjusts the volume while ringing (and notices a chime's end).
const TICK: Duration = Duration::from_millis(50);

/// What the [`Ringer`](crate::Ringer) asks of the audio thread.
pub(crate) enum Command {
    Start { tone: Tone, reply: SyncSender<Result<(), RingerError>> },
    Stop { reply: SyncSender<()> },
    Shutdown { reply: SyncSender<()> },
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn set(state: &Mutex<RingerState>, new: RingerState) {
    *lock(state) = new;
}

/// The open device and what plays on it.
struct Playing {
    player: Player,
    /// Dropping this closes the device.
    sink: MixerDeviceSink,
    tone: Tone,
    since: Instant,
}

pub(crate) struct AudioThread {
    config: RingerConfig,
    state: Arc<Mutex<RingerState>>,
    /// Errors reported by the output stream's callback, with the `generation` of its sink.
    errors_tx: Sender<(u64, String)>,
    errors: Receiver<(u64, String)>,
    playing: Option<Playing>,
    /// Counts the sinks opened, so that errors of an old one are ignored.
    generation: u64,
}

impl AudioThread {
    /// A thread state with no device open yet.
    pub(crate) fn new(config: RingerConfig, state: Arc<Mutex<RingerState>>) -> Self {
        let (errors_tx, errors) = mpsc::channel();
        Self { config, state, errors_tx, errors, playing: None, generation: 0 }
    }

    /// Serves commands until `Shutdown` or until the [`Ringer`](crate::Ringer) is dropped.
    pub(crate) fn run(mut self, rx: Receiver<Command>) {
        loop {
            let command = if self.playing.is_some() {
                match rx.recv_timeout(TICK) {
                    Ok(command) => Some(command),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return self.close(),
                }
            } else {
                match rx.recv() {
                    Ok(command) => Some(command),
                    Err(_) => return self.close(),
                }
            };
            match command {
                Some(Command::Start { tone, reply }) => {
                    let result = self.start(tone);
                    if let Err(e) = &result {
                        self.close();
                        set(&self.state, RingerState::Failed { error: e.to_string() });
                    }
                    let _ = reply.send(result);
                }
                Some(Command::Stop { reply }) => {
                    // Silence first and answer, then close the device (which may take a while).
                    let playing = self.silence();
                    set(&self.state, RingerState::Idle);
                    let _ = reply.send(());
                    drop(playing);
                }
                Some(Command::Shutdown { reply }) => {
                    let playing = self.silence();
                    set(&self.state, RingerState::Idle);
                    let _ = reply.send(());
                    drop(playing);
                    return;
                }
                None => {}
            }
            self.tick();
        }
    }

    fn start(&mut self, tone: Tone) -> Result<(), RingerError> {
        if let Some(playing) = &self.playing
            && playing.tone == tone
            && tone.loops()
        {
            return Ok(());
        }
        let source = decode(tone)?;
        // Keep an open device (switching tones); open one otherwise.
        let sink = match self.playing.take() {
            Some(Playing { player, sink, .. }) => {
                player.stop();
                sink
            }
            None => self.open()?,
        };
        let volume = self.config.volume_for(tone, Duration::ZERO);
        let player = Player::connect_new(sink.mixer());
        player.set_volume(volume);
        if tone.loops() {
            player.append(source.repeat_infinite());
        } else {
            player.append(source);
        }
        self.playing = Some(Playing { player, sink, tone, since: Instant::now() });
        set(&self.state, RingerState::Ringing { tone, volume });
        tracing::debug!("ringing {tone}");
        Ok(())
    }

    /// Follows the volume ramp; closes the device once a tone that plays once has ended, or
    /// when the output stream failed.
    fn tick(&mut self) {
        while let Ok((generation, error)) = self.errors.try_recv() {
            if generation == self.generation && self.playing.is_some() {
                tracing::warn!("the audio output failed while ringing: {error}");
                self.close();
                let error = format!("the audio output failed: {error}");
                set(&self.state, RingerState::Failed { error });
            }
        }
        let Some(playing) = &self.playing else { return };
        if playing.player.empty() {
            self.close();
            set(&self.state, RingerState::Idle);
            return;
        }
        let volume = self.config.volume_for(playing.tone, playing.since.elapsed());
        playing.player.set_volume(volume);
        set(&self.state, RingerState::Ringing { tone: playing.tone, volume });
    }

    /// Stops the sound at once (the mixer plays silence from its next few samples on) and hands
    /// back the open device, which closes when dropped.
    fn silence(&mut self) -> Option<MixerDeviceSink> {
        self.playing.take().map(|Playing { player, sink, .. }| {
            player.stop();
            sink
        })
    }

    /// Stops the sound and closes the device: this stops the output stream and joins its
    /// thread, so nothing more reaches the device.
    fn close(&mut self) {
        drop(self.silence());
    }

    /// Opens the default output device (trying its other configurations if its default one
    /// fails), else the first other output device that works.
    fn open(&mut self) -> Result<MixerDeviceSink, RingerError> {
        self.generation += 1;
        let generation = self.generation;
        let errors = self.errors_tx.clone();
        let on_error = move |err: CpalError| {
            // Glitches and reroutes leave the stream playing; anything else ends it.
            if matches!(err.kind(), CpalErrorKind::Xrun | CpalErrorKind::DeviceChanged | CpalErrorKind::RealtimeDenied)
            {
                tracing::debug!("audio output: {err}");
            } else {
                let _ = errors.send((generation, err.to_string()));
            }
        };
        let host = rodio::cpal::default_host();
        let default = host
            .default_output_device()
            .ok_or_else(|| RingerError::NoDevice("the audio system has no output device".into()))?;
        let first_error = match open_device(default.clone(), on_error.clone()) {
            Ok(sink) => return Ok(sink),
            Err(e) => e,
        };
        tracing::debug!("the default audio output failed ({first_error}); trying the others");
        let default_id = default.id().ok();
        let others = host.output_devices().into_iter().flatten().filter(|d| {
            d.id().ok() != default_id
                && d.description().map(|desc| desc.driver().is_some_and(|driver| driver != "null")).unwrap_or(false)
        });
        for device in others {
            if let Ok(sink) = open_device(device, on_error.clone()) {
                return Ok(sink);
            }
        }
        Err(first_error)
    }
}

fn open_device<E>(device: rodio::Device, on_error: E) -> Result<MixerDeviceSink, RingerError>
where
    E: FnMut(CpalError) + Clone + Send + 'static,
{
    let name = device.id().map_or_else(|_| "?".to_string(), |id| id.id().to_string());
    let no_device = |e: rodio::DeviceSinkError| RingerError::NoDevice(format!("{name:?}: {}", chain(&e)));
    let mut sink = DeviceSinkBuilder::from_device(device)
        .map_err(no_device)?
        .with_error_callback(on_error)
        .open_sink_or_fallback()
        .map_err(no_device)?;
    sink.log_on_drop(false);
    Ok(sink)
}

/// Decodes an embedded tone fully (it is small), so that looping it needs no seeking.
pub(crate) fn decode(tone: Tone) -> Result<SamplesBuffer, RingerError> {
    let error = |msg: String| RingerError::Decode(format!("{tone}: {msg}"));
    let decoder = Decoder::new_wav(Cursor::new(tone.wav())).map_err(|e| error(chain(&e)))?;
    let channels = decoder.channels();
    let rate = decoder.sample_rate();
    let samples: Vec<f32> = decoder.collect();
    if samples.is_empty() {
        return Err(error("the file has no samples".into()));
    }
    Ok(SamplesBuffer::new(channels, rate, samples))
}

/// An error and its sources, as one line.
fn chain(error: &dyn StdError) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}
