//! The page delivery paths where the engine runs in the app's process (macOS, Windows, mobile;
//! on Linux the pager process delivers). They are created before the app exists (the engine starts
//! first); the returned binder hands them the app once it does.

use crate::page_screen::PageScreen;
use klaxon_desktop::NotificationAction;
use klaxon_engine::PageDelivery;
use std::sync::Arc;
use tauri::AppHandle;
use tokio::sync::mpsc::UnboundedSender;

/// Binds the delivery paths to the running app.
pub type Binder = Box<dyn FnOnce(&AppHandle) + Send>;

/// Elsewhere: tauri-plugin-notification.
pub fn platform(_actions: UnboundedSender<NotificationAction>) -> (Vec<Arc<dyn PageDelivery>>, Binder) {
    let plugin = Arc::new(PluginNotification { app: std::sync::OnceLock::new() });
    let screen = Arc::new(PageScreen::default());
    let (bind_plugin, bind_screen) = (plugin.clone(), screen.clone());
    let ringtone: Arc<dyn PageDelivery> = Arc::new(klaxon_desktop::Ringtone::default());
    let bind: Binder = Box::new(move |app| {
        let _ = bind_plugin.app.set(app.clone());
        let _ = bind_screen.app.set(app.clone());
    });
    (vec![plugin, ringtone, screen], bind)
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
