//! The page delivery paths where the engine runs in the app's process (macOS, Windows, mobile;
//! on Linux the pager process delivers). They are created before the app exists (the engine starts
//! first); the returned binder hands them the app once it does.

use crate::page_screen::PageScreen;
use klaxon_engine::PageDelivery;
use std::sync::Arc;
use tauri::AppHandle;
use tokio::sync::mpsc::UnboundedSender;

/// Binds the delivery paths to the running app.
pub type Binder = Box<dyn FnOnce(&AppHandle) + Send>;

/// Where buttons pressed on page notifications go (desktop). On Android and iOS they are not
/// wired yet: the plugin's action types are not registered (docs/mobile.md).
#[cfg(desktop)]
pub type ActionSender = UnboundedSender<klaxon_desktop::NotificationAction>;
#[cfg(mobile)]
pub type ActionSender = ();

/// Elsewhere: tauri-plugin-notification (and the ringtone on desktops).
pub fn platform(_actions: ActionSender) -> (Vec<Arc<dyn PageDelivery>>, Binder) {
    let plugin = Arc::new(PluginNotification { app: std::sync::OnceLock::new() });
    let screen = Arc::new(PageScreen::default());
    let (bind_plugin, bind_screen) = (plugin.clone(), screen.clone());
    let bind: Binder = Box::new(move |app| {
        let _ = bind_plugin.app.set(app.clone());
        let _ = bind_screen.app.set(app.clone());
    });
    #[cfg(desktop)]
    let paths: Vec<Arc<dyn PageDelivery>> = vec![plugin, Arc::new(klaxon_desktop::Ringtone::default()), screen];
    #[cfg(mobile)]
    let paths: Vec<Arc<dyn PageDelivery>> = vec![plugin, screen];
    (paths, bind)
}

/// Pages through tauri-plugin-notification (macOS, Windows, mobile).
struct PluginNotification {
    app: std::sync::OnceLock<AppHandle>,
}

impl PageDelivery for PluginNotification {
    fn name(&self) -> &'static str {
        "os-notification"
    }

    fn deliver(&self, page: &klaxon_engine::Page) -> Result<(), klaxon_engine::DeliveryError> {
        use tauri_plugin_notification::NotificationExt;
        let app = self.app.get().ok_or_else(|| klaxon_engine::DeliveryError("app not started yet".into()))?;
        let (title, body) = klaxon_engine::page_text(&page.incident);
        app.notification()
            .builder()
            .title(title)
            .body(body)
            .show()
            .map_err(|e| klaxon_engine::DeliveryError(e.to_string()))
    }
}
