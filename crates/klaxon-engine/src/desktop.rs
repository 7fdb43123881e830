//! Desktop notifications through the OS notification server (D-Bus on Linux). Loud pages are
//! critical, resident, with a sound hint and "Acknowledge" / "Escalate" buttons that act through
//! the engine; a re-alert replaces the page's notification, and answering closes it. The
//! notification plugin of the app shell sets no urgency on Linux, so both shells use this path.

use crate::{DeliveryError, Page, PageDelivery};
use klaxon_core::pager::PageKind;
use klaxon_core::{Incident, IncidentId};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::mpsc::UnboundedSender;

/// A button pressed on a page notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationAction {
    Acknowledge(IncidentId),
    Escalate(IncidentId),
}

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

#[derive(Default)]
struct Shown {
    /// Notification server ids of the pages on screen.
    ids: HashMap<IncidentId, u32>,
    /// Notification ids with a thread listening for their buttons.
    listening: HashSet<u32>,
}

/// Page delivery as an OS desktop notification.
#[derive(Default)]
pub struct DesktopNotification {
    actions: Option<UnboundedSender<NotificationAction>>,
    shown: Arc<Mutex<Shown>>,
}

impl std::fmt::Debug for DesktopNotification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DesktopNotification").field("actions", &self.actions.is_some()).finish()
    }
}

impl DesktopNotification {
    /// Notifications without buttons.
    pub fn new() -> Self {
        Self::default()
    }

    /// Notifications whose Acknowledge / Escalate buttons send to `actions`.
    pub fn with_actions(actions: UnboundedSender<NotificationAction>) -> Self {
        Self { actions: Some(actions), shown: Arc::default() }
    }

    fn shown(&self) -> MutexGuard<'_, Shown> {
        self.shown.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Listens for the buttons of notification `id` until it is closed.
    #[cfg(all(unix, not(target_os = "macos")))]
    fn listen(&self, id: u32, incident: IncidentId, tx: UnboundedSender<NotificationAction>) {
        if !self.shown().listening.insert(id) {
            return;
        }
        let shown = self.shown.clone();
        let spawned = std::thread::Builder::new().name(format!("notification-{id}")).spawn(move || {
            let _ = notify_rust::handle_action(id, |response| {
                let action = match response {
                    notify_rust::ActionResponse::Custom("acknowledge" | "default") => {
                        Some(NotificationAction::Acknowledge(incident))
                    }
                    notify_rust::ActionResponse::Custom("escalate") => Some(NotificationAction::Escalate(incident)),
                    _ => None,
                };
                if let Some(action) = action {
                    let _ = tx.send(action);
                }
            });
            shown.lock().unwrap_or_else(std::sync::PoisonError::into_inner).listening.remove(&id);
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot listen for notification buttons");
            self.shown().listening.remove(&id);
        }
    }
}

impl PageDelivery for DesktopNotification {
    fn name(&self) -> &'static str {
        "desktop-notification"
    }

    fn deliver(&self, page: &Page) -> Result<(), DeliveryError> {
        let (mut summary, mut body) = page_text(&page.incident);
        if page.resent {
            body.push_str(" · re-sent after a restart");
        }
        if page.realert > 0 {
            summary = format!("STILL UNANSWERED: {summary}");
        }
        if page.kind == PageKind::Shadow {
            summary = format!("SHADOW: {summary}");
        }
        let loud = page.kind == PageKind::Loud;
        let mut n = notify_rust::Notification::new();
        n.appname("Klaxon").summary(&summary).body(&body).icon("dialog-warning");
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            use notify_rust::{Hint, Timeout, Urgency};
            n.hint(Hint::Urgency(if loud { Urgency::Critical } else { Urgency::Normal }))
                .hint(Hint::Category("im.received".into()))
                .hint(Hint::SoundName(if loud { "alarm-clock-elapsed" } else { "message-new-instant" }.into()))
                .hint(Hint::Resident(loud))
                .hint(Hint::DesktopEntry("klaxon".into()))
                .timeout(if loud { Timeout::Never } else { Timeout::Default });
            if loud && !page.test && self.actions.is_some() {
                n.action("acknowledge", "Acknowledge").action("escalate", "Escalate");
            }
            if let Some(previous) = self.shown().ids.get(&page.incident.id).filter(|_| page.kind != PageKind::Shadow) {
                n.id(*previous);
            }
        }
        let handle = n.show().map_err(|e| DeliveryError(format!("notification server: {e}")))?;
        #[cfg(all(unix, not(target_os = "macos")))]
        if !page.test && page.kind != PageKind::Shadow {
            let id = handle.id();
            self.shown().ids.insert(page.incident.id, id);
            if let (true, Some(tx)) = (loud, &self.actions) {
                self.listen(id, page.incident.id, tx.clone());
            }
        }
        drop(handle);
        Ok(())
    }

    fn answered(&self, incident: IncidentId) -> Result<(), DeliveryError> {
        let Some(id) = self.shown().ids.remove(&incident) else { return Ok(()) };
        close(id)
    }
}

/// Shows a critical, resident desktop notification that Klaxon itself has a problem (e.g. it
/// cannot start, so it is not paging): a pager must never be silently absent.
pub fn notify_problem(summary: &str, body: &str) -> Result<(), DeliveryError> {
    let mut n = notify_rust::Notification::new();
    n.appname("Klaxon").summary(summary).body(body).icon("dialog-error");
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        use notify_rust::{Hint, Timeout, Urgency};
        n.hint(Hint::Urgency(Urgency::Critical)).hint(Hint::Resident(true)).timeout(Timeout::Never);
    }
    n.show().map(drop).map_err(|e| DeliveryError(format!("notification server: {e}")))
}

/// Closes notification `id` on the server. Runs on the engine's blocking threads.
#[cfg(all(unix, not(target_os = "macos")))]
fn close(id: u32) -> Result<(), DeliveryError> {
    let runtime = tokio::runtime::Handle::try_current().map_err(|e| DeliveryError(e.to_string()))?;
    runtime.block_on(async {
        let connection = zbus::Connection::session().await.map_err(|e| DeliveryError(e.to_string()))?;
        connection
            .call_method(
                Some("org.freedesktop.Notifications"),
                "/org/freedesktop/Notifications",
                Some("org.freedesktop.Notifications"),
                "CloseNotification",
                &(id,),
            )
            .await
            .map(|_| ())
            .map_err(|e| DeliveryError(format!("cannot close notification {id}: {e}")))
    })
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn close(_id: u32) -> Result<(), DeliveryError> {
    Ok(())
}
