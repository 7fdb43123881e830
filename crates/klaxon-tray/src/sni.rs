//! The tray on Linux: a StatusNotifierItem (the KDE/freedesktop SNI protocol, also shown by
//! GNOME's AppIndicator extension, waybar, …) exported on the session bus by `ksni`, in pure Rust
//! (no GTK). Menu items and a left click come back as [`TrayAction`]s on the caller's channel.
//!
//! Without a StatusNotifierWatcher on the bus (a desktop with no SNI host) the item stays exported
//! and a warning is logged once: no icon shows, everything else works, and the item registers
//! itself as soon as a watcher appears.

use crate::pixmap::Pixmaps;
use crate::{TrayAction, TrayError, TrayIcon, TrayLook};
use ksni::menu::StandardItem;
use ksni::{Category, Icon, MenuItem, OfflineReason, Status, ToolTip, TrayMethods};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc::UnboundedSender;

/// The item's SNI `Id`: the application, stable between sessions.
pub const ID: &str = "klaxon";
/// The item's `Title` (followed by the unanswered count while paging).
const NAME: &str = "Klaxon";

/// A running tray item. Dropping it removes the item from the bus (without waiting).
pub struct SniTray {
    handle: ksni::Handle<Item>,
}

impl fmt::Debug for SniTray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SniTray").field("running", &self.is_running()).finish()
    }
}

/// Exports the tray item on the session bus, looking like `initial`; its menu items and a left
/// click on the icon send their [`TrayAction`] to `actions`. ksni serves the item on its own
/// async-io executor thread, so it can be awaited from any async runtime.
///
/// # Errors
///
/// [`TrayError::Sni`] without a session bus (or when a StatusNotifierWatcher refuses the item);
/// [`TrayError::Icon`] if a built-in icon does not decode. A missing watcher is not an error.
pub async fn spawn(actions: UnboundedSender<TrayAction>, initial: TrayLook) -> Result<SniTray, TrayError> {
    let item = Item { look: initial, actions, pixmaps: Pixmaps::decode()?, warned_offline: AtomicBool::new(false) };
    // Without this, ksni fails when no watcher is on the bus; with it, `watcher_offline` decides.
    let handle = item.assume_sni_available(true).spawn().await?;
    Ok(SniTray { handle })
}

impl SniTray {
    /// Changes the icon, tooltip, title and status; returns once the change is on the bus.
    ///
    /// # Errors
    ///
    /// [`TrayError::Stopped`] if the tray service has stopped.
    pub async fn set_look(&self, look: TrayLook) -> Result<(), TrayError> {
        self.handle.update(|item| item.look = look).await.ok_or(TrayError::Stopped)
    }

    /// Removes the item from the bus, waiting until it is gone.
    pub async fn shutdown(self) {
        self.handle.shutdown().await;
    }

    /// Whether the tray service still runs.
    pub fn is_running(&self) -> bool {
        !self.handle.is_closed()
    }
}

impl Drop for SniTray {
    fn drop(&mut self) {
        // ksni keeps serving after its last handle is gone, so stop it here. This only queues the
        // request (no runtime needed, no panic); a stopped service ignores it.
        drop(self.handle.shutdown());
    }
}

/// What ksni serves: the look, with the icons decoded once.
struct Item {
    look: TrayLook,
    actions: UnboundedSender<TrayAction>,
    pixmaps: Pixmaps,
    warned_offline: AtomicBool,
}

impl Item {
    fn send(&self, action: TrayAction) {
        if self.actions.send(action).is_err() {
            tracing::debug!(?action, "tray action dropped: nobody receives them any more");
        }
    }

    fn pixmap(&self, icon: TrayIcon) -> Vec<Icon> {
        let image = self.pixmaps.get(icon);
        let (Ok(width), Ok(height)) = (i32::try_from(image.width), i32::try_from(image.height)) else {
            return Vec::new();
        };
        vec![Icon { width, height, data: image.data.clone() }]
    }
}

impl ksni::Tray for Item {
    fn id(&self) -> String {
        ID.into()
    }

    fn activate(&mut self, _x: i32, _y: i32) {
        self.send(TrayAction::Open);
    }

    fn category(&self) -> Category {
        Category::ApplicationStatus
    }

    fn title(&self) -> String {
        match &self.look.title {
            Some(count) => format!("{NAME} ({count})"),
            None => NAME.into(),
        }
    }

    fn status(&self) -> Status {
        if self.look.icon == TrayIcon::Paging { Status::NeedsAttention } else { Status::Active }
    }

    fn icon_pixmap(&self) -> Vec<Icon> {
        self.pixmap(self.look.icon)
    }

    /// Hosts that swap in the attention icon while `NeedsAttention` show the paging one.
    fn attention_icon_pixmap(&self) -> Vec<Icon> {
        self.pixmap(TrayIcon::Paging)
    }

    fn tool_tip(&self) -> ToolTip {
        ToolTip { title: self.look.tooltip.clone(), ..ToolTip::default() }
    }

    fn menu(&self) -> Vec<MenuItem<Self>> {
        TrayAction::ALL
            .iter()
            .map(|&(action, _, label)| {
                StandardItem {
                    label: label.into(),
                    activate: Box::new(move |item: &mut Self| item.send(action)),
                    ..StandardItem::default()
                }
                .into()
            })
            .collect()
    }

    fn watcher_online(&self) {
        tracing::info!("a StatusNotifierWatcher appeared: registering the tray icon");
    }

    fn watcher_offline(&self, reason: OfflineReason) -> bool {
        if self.warned_offline.swap(true, Ordering::Relaxed) {
            tracing::debug!(?reason, "no StatusNotifierWatcher: the tray icon is hidden");
        } else {
            tracing::warn!(
                ?reason,
                "no StatusNotifierWatcher on the session bus: the tray icon will not show until a tray host \
                 (SNI/AppIndicator) runs; paging works without it"
            );
        }
        // Keep the item exported: it registers itself when a watcher appears.
        true
    }
}
