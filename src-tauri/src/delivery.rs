//! The platform's page delivery paths.

use klaxon_engine::PageDelivery;
use std::sync::Arc;
use tauri::{AppHandle, Runtime};

/// Linux: notify-rust straight to the notification server (urgency critical, sound hint), since
/// the notification plugin sets no urgency there. Elsewhere: tauri-plugin-notification.
#[cfg(target_os = "linux")]
pub fn platform<R: Runtime>(_app: &AppHandle<R>) -> Vec<Arc<dyn PageDelivery>> {
    vec![Arc::new(klaxon_engine::desktop::DesktopNotification)]
}

/// Linux: notify-rust; elsewhere: tauri-plugin-notification.
#[cfg(not(target_os = "linux"))]
pub fn platform<R: Runtime>(app: &AppHandle<R>) -> Vec<Arc<dyn PageDelivery>> {
    vec![Arc::new(PluginNotification { app: app.clone() })]
}

/// Pages through tauri-plugin-notification (macOS, Windows, mobile).
#[cfg(not(target_os = "linux"))]
struct PluginNotification<R: Runtime> {
    app: AppHandle<R>,
}

#[cfg(not(target_os = "linux"))]
impl<R: Runtime> PageDelivery for PluginNotification<R> {
    fn name(&self) -> &'static str {
        "os-notification"
    }

    fn deliver(&self, page: &klaxon_engine::Page) -> Result<(), klaxon_engine::DeliveryError> {
        use tauri_plugin_notification::NotificationExt;
        let (title, body) = klaxon_engine::desktop::page_text(&page.incident);
        self.app
            .notification()
            .builder()
            .title(title)
            .body(body)
            .show()
            .map_err(|e| klaxon_engine::DeliveryError(e.to_string()))
    }
}
