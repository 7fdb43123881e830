//! Desktop notifications through the OS notification server (D-Bus on Linux), loud for pages:
//! urgency critical, a sound hint, resident, no timeout. The notification plugin of the app shell
//! sets no urgency on Linux, so both shells use this path for pages.

use crate::{DeliveryError, Page, PageDelivery};
use klaxon_core::Incident;
use klaxon_core::pager::PageKind;

/// Title and body of a page notification.
pub fn page_text(incident: &Incident) -> (String, String) {
    let summary = format!("[{}] {}", incident.severity.as_str().to_uppercase(), incident.title);
    let mut body = format!("Incident #{}", incident.id);
    if let Some(service) = &incident.service {
        body.push_str(&format!(" · {service}"));
    }
    body.push_str(&format!(" · level {}", incident.escalation_level));
    (summary, body)
}

/// Page delivery as an OS desktop notification.
#[derive(Debug, Default)]
pub struct DesktopNotification;

impl PageDelivery for DesktopNotification {
    fn name(&self) -> &'static str {
        "desktop-notification"
    }

    fn deliver(&self, page: &Page) -> Result<(), DeliveryError> {
        let (summary, body) = page_text(&page.incident);
        let mut n = notify_rust::Notification::new();
        n.appname("Klaxon").summary(&summary).body(&body).icon("dialog-warning");
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            use notify_rust::{Hint, Timeout, Urgency as U};
            let loud = page.kind == PageKind::Loud;
            n.hint(Hint::Urgency(if loud { U::Critical } else { U::Normal }))
                .hint(Hint::Category("im.received".into()))
                .hint(Hint::SoundName(if loud { "alarm-clock-elapsed" } else { "message-new-instant" }.into()))
                .hint(Hint::Resident(loud))
                .hint(Hint::DesktopEntry("klaxon".into()))
                .timeout(if loud { Timeout::Never } else { Timeout::Default });
        }
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        let _ = PageKind::Loud;
        n.show().map(|_| ()).map_err(|e| DeliveryError(format!("notification server: {e}")))
    }
}
