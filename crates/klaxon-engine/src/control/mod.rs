//! The control socket: how a window in another process uses the pager's engine.
//!
//! On Linux the app's window (GTK + WebKit, ~100 MB resident even when hidden) runs only while it
//! is open; paging, the tray, sync and the outbox live in a small pager process (`klaxon watch`)
//! that owns the engine. The window sends [`Request`]s over a private Unix socket in the data dir
//! and receives [`WireEvent`]s; in-process shells hand the same calls to the [`Dispatcher`].

mod calls;
#[cfg(unix)]
mod client;
mod dispatch;
mod error;
mod phone;
mod protocol;
mod schedule;
#[cfg(unix)]
mod server;
mod windows;

pub use calls::*;
#[cfg(unix)]
pub use client::{CALL_TIMEOUT, ControlClient};
pub use dispatch::{Dispatcher, MAX_MUTE_MINUTES, Shell, TestPagePath};
pub use error::{IpcError, IpcErrorCode};
pub use protocol::{ClientFrame, MAX_LINE, ServerFrame, WireEvent, WireSecret, pump_events};
#[cfg(unix)]
pub use server::ControlServer;
pub use windows::{Launcher, PagerShell, Shown, Windows};

use crate::Paths;
use std::path::PathBuf;

/// The control socket of a data dir.
pub fn socket_path(paths: &Paths) -> PathBuf {
    paths.data_dir.join("klaxon.sock")
}
