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

mod audio;
mod config;
mod ringer;
mod tone;

pub use config::RingerConfig;
pub use ringer::{Ringer, RingerError, RingerState, START_TIMEOUT, STOP_TIMEOUT};
pub use tone::Tone;
