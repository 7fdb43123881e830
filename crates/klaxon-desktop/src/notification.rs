//! Desktop notifications through the OS notification server (D-Bus on Linux). Loud pages are
//! critical, resident, with a sound hint and "Acknowledge" / "Escalate" buttons that act through
//! the engine; a re-alert replaces the page's notification, and answering closes it. The
//! notification plugin of the app shell sets no urgency on Linux, so both shells use this path.

use klaxon_engine::core::IncidentId;
use klaxon_engine::core::pager::PageKind;
use klaxon_engine::{DeliveryError, Notice, Page, PageDelivery, page_text};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::mpsc::UnboundedSender;

#[cfg(all(unix, not(target_os = "macos")))]
mod bus;

/// A button pressed on a page notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationAction {
    /// "Acknowledge" on the page of this incident.
    Acknowledge(IncidentId),
    /// "Escalate" on the page of this incident.
    Escalate(IncidentId),
}

impl NotificationAction {
    /// The dispatcher's call for this button (the one mapping, for every shell).
    pub fn call(self) -> klaxon_engine::control::Act {
        let (id, action) = match self {
            NotificationAction::Acknowledge(id) => (id, klaxon_engine::UserAction::Acknowledge),
            NotificationAction::Escalate(id) => (id, klaxon_engine::UserAction::Escalate),
        };
        klaxon_engine::control::Act { id: id.0, action }
    }
}

/// What this path shows, for the buttons and for closing answered pages.
#[derive(Default)]
struct Shown {
    /// Notification server ids of the pages on screen.
    ids: HashMap<IncidentId, u32>,
    /// Ids of loud pages whose buttons act.
    actionable: HashMap<u32, IncidentId>,
    /// Whether a task listens for the server's signals on the current connection.
    listening: bool,
}

/// Page delivery as an OS desktop notification.
#[derive(Default)]
pub struct DesktopNotification {
    actions: Option<UnboundedSender<NotificationAction>>,
    shown: Arc<Mutex<Shown>>,
    #[cfg(all(unix, not(target_os = "macos")))]
    bus: bus::Bus,
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
        Self { actions: Some(actions), ..Self::default() }
    }

    fn shown(&self) -> MutexGuard<'_, Shown> {
        lock(&self.shown)
    }

    /// Listens for the server's button and close signals (one task per connection), turning a
    /// click on a loud page's button (or on the page itself) into an action.
    #[cfg(all(unix, not(target_os = "macos")))]
    fn listen(&self, tx: UnboundedSender<NotificationAction>) {
        if std::mem::replace(&mut self.shown().listening, true) {
            return;
        }
        let (connection, runtime) = match (self.bus.connection(), tokio::runtime::Handle::try_current()) {
            (Ok(c), Ok(r)) => (c, r),
            _ => {
                self.shown().listening = false;
                return;
            }
        };
        let shown = self.shown.clone();
        runtime.spawn(async move {
            use futures_util::StreamExt;
            match bus::signals(connection).await {
                Ok(mut signals) => {
                    while let Some(signal) = signals.next().await {
                        let action = {
                            let mut shown = lock(&shown);
                            match signal {
                                bus::Signal::Action { id, key } => {
                                    shown.actionable.get(&id).and_then(|incident| match key.as_str() {
                                        "acknowledge" | "default" => Some(NotificationAction::Acknowledge(*incident)),
                                        "escalate" => Some(NotificationAction::Escalate(*incident)),
                                        _ => None,
                                    })
                                }
                                bus::Signal::Closed { id } => {
                                    shown.actionable.remove(&id);
                                    None
                                }
                            }
                        };
                        if let Some(action) = action {
                            let _ = tx.send(action);
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot listen for notification buttons"),
            }
            // The connection broke: the next page listens again (on a new one).
            lock(&shown).listening = false;
        });
    }
}

fn lock(shown: &Mutex<Shown>) -> MutexGuard<'_, Shown> {
    shown.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            let buttons = loud && !page.test && self.actions.is_some();
            let actions: &[&str] = if buttons { &["acknowledge", "Acknowledge", "escalate", "Escalate"] } else { &[] };
            let tracked = !page.test && page.kind != PageKind::Shadow;
            let replaces = if tracked { self.shown().ids.get(&page.incident.id).copied().unwrap_or(0) } else { 0 };
            if let (true, Some(tx)) = (buttons, &self.actions) {
                self.listen(tx.clone()); // before the notification, so that no click is missed
            }
            let id = self.bus.notify(&bus::Notify {
                replaces,
                icon: "dialog-warning",
                summary: &summary,
                body: &body,
                actions,
                urgency: if loud { 2 } else { 1 },
                sound: if loud { "alarm-clock-elapsed" } else { "message-new-instant" },
                resident: loud,
                timeout: if loud { 0 } else { -1 },
            })?;
            if tracked {
                let mut shown = self.shown();
                shown.ids.insert(page.incident.id, id);
                if buttons {
                    shown.actionable.insert(id, page.incident.id);
                }
            }
            Ok(())
        }
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        {
            let _ = loud;
            let mut n = notify_rust::Notification::new();
            n.appname("Klaxon").summary(&summary).body(&body).icon("dialog-warning");
            n.show().map(drop).map_err(|e| DeliveryError(format!("notification server: {e}")))
        }
    }

    /// Normal urgency, the desktop's usual timeout, no buttons: readiness and reminders.
    fn notice(&self, notice: &Notice) -> Result<(), DeliveryError> {
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            self.bus
                .notify(&bus::Notify {
                    replaces: 0,
                    icon: "dialog-information",
                    summary: &notice.summary,
                    body: &notice.body,
                    actions: &[],
                    urgency: 1,
                    sound: "message-new-instant",
                    resident: false,
                    timeout: -1,
                })
                .map(drop)
        }
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        {
            let mut n = notify_rust::Notification::new();
            n.appname("Klaxon").summary(&notice.summary).body(&notice.body).icon("dialog-information");
            n.show().map(drop).map_err(|e| DeliveryError(format!("notification server: {e}")))
        }
    }

    fn answered(&self, incident: IncidentId) -> Result<(), DeliveryError> {
        let Some(id) = self.shown().ids.remove(&incident) else { return Ok(()) };
        self.shown().actionable.remove(&id);
        #[cfg(all(unix, not(target_os = "macos")))]
        return self.bus.close(id);
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        Ok(())
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
