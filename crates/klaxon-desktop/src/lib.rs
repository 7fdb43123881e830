//! Adapters from the engine to the desktop: notifications, ringtone, processes.
//!
//! `klaxon-engine` defines the ports ([`PageDelivery`](klaxon_engine::PageDelivery),
//! [`Launcher`](klaxon_engine::control::Launcher)); this crate implements them on a desktop:
//! [`DesktopNotification`] (the OS notification server, over one long-lived session-bus connection
//! on Linux), [`Ringtone`] (Klaxon's own alarm through `klaxon-ringer`), and [`launch`] (the pager
//! and the window start each other). The CLI's pager and the app's shell both page through them.
//! On Linux and the BSDs, `ScreenState` tells whether the session is locked or idle (the
//! screensaver over D-Bus), so a page can go to the phone at once while the user is away.
//! A future probe or phone adapter lives beside it in a crate of its own.

pub mod launch;
mod notification;
mod ringtone;
#[cfg(all(unix, not(target_os = "macos")))]
mod screen;

pub use notification::{DesktopNotification, NotificationAction, notify_problem};
pub use ringtone::Ringtone;
#[cfg(all(unix, not(target_os = "macos")))]
pub use screen::ScreenState;
