//! Adapters from the engine to the desktop: notifications, ringtone, processes.
//!
//! `klaxon-engine` defines the ports ([`PageDelivery`](klaxon_engine::PageDelivery),
//! [`Launcher`](klaxon_engine::control::Launcher)); this crate implements them on a desktop:
//! [`DesktopNotification`] (the OS notification server, over one long-lived session-bus connection
//! on Linux), [`Ringtone`] (Klaxon's own alarm through `klaxon-ringer`), and [`launch`] (the pager
//! and the window start each other). The CLI's pager and the app's shell both page through them.
//! A future probe or phone adapter lives beside it in a crate of its own.

pub mod launch;
mod notification;
mod ringtone;

pub use notification::{DesktopNotification, NotificationAction, notify_problem};
pub use ringtone::Ringtone;
