//! Klaxon's tray icon, without a GUI toolkit.
//!
//! [`model`] is what the tray shows and offers on every platform: the menu's [`TrayAction`]s,
//! the three [`TrayIcon`]s (as PNGs), and the [`TrayLook`] for a ring state ([`look`]). The
//! Tauri shell draws it with its own tray; the lean background pager, which must not link
//! GTK or WebKit, draws it on Linux with [`sni`]: a StatusNotifierItem spoken over D-Bus
//! (pure Rust, through `ksni`), whose menu and clicks come back as [`TrayAction`]s on a channel.
//! Both carry actions out with [`perform`], through the engine's dispatcher like every other
//! way in.
//!
//! ```no_run
//! # #[cfg(target_os = "linux")]
//! # async fn run() -> Result<(), klaxon_tray::TrayError> {
//! use klaxon_core::pager::RingState;
//! let (tx, mut actions) = tokio::sync::mpsc::unbounded_channel();
//! let tray = klaxon_tray::sni::spawn(tx, klaxon_tray::look(&RingState::default(), true, None)).await?;
//! while let Some(action) = actions.recv().await {
//!     if action == klaxon_tray::TrayAction::Quit {
//!         break;
//!     }
//! }
//! tray.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod error;
pub mod model;
mod perform;
#[cfg(target_os = "linux")]
mod pixmap;
#[cfg(target_os = "linux")]
pub mod sni;

pub use error::TrayError;
pub use model::{MUTE_FOR, ReadinessLook, TrayAction, TrayIcon, TrayLook, look};
pub use perform::perform;
#[cfg(target_os = "linux")]
pub use sni::SniTray;
