//! One long-lived session-bus connection to the notification server (Linux and the BSDs):
//! `Notify`, `CloseNotification`, and the `ActionInvoked` / `NotificationClosed` signals. A page
//! no longer waits for a new connection (authentication, `Hello`) before its notification shows.
//! A broken connection (the bus or the server restarted) is replaced on the next call.

use klaxon_engine::DeliveryError;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use zbus::Variant as Value;

const NAME: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";

/// One notification as the server's `Notify` takes it.
pub(super) struct Notify<'a> {
    /// The notification this one replaces (0: a new one).
    pub replaces: u32,
    pub icon: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    /// Key, label, key, label, …
    pub actions: &'a [&'a str],
    /// 0 low, 1 normal, 2 critical.
    pub urgency: u8,
    pub sound: &'a str,
    pub resident: bool,
    /// Milliseconds; -1 the server's default, 0 never.
    pub timeout: i32,
}

/// The connection, made on first use.
#[derive(Default)]
pub(super) struct Bus {
    connection: Mutex<Option<zbus::Connection>>,
}

/// Runs `future` to completion from a blocking thread (delivery paths run on tokio's blocking pool).
fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, DeliveryError> {
    let runtime = tokio::runtime::Handle::try_current().map_err(|e| DeliveryError(e.to_string()))?;
    Ok(runtime.block_on(future))
}

impl Bus {
    fn slot(&self) -> MutexGuard<'_, Option<zbus::Connection>> {
        self.connection.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The connection, made if there is none.
    pub fn connection(&self) -> Result<zbus::Connection, DeliveryError> {
        if let Some(connection) = self.slot().clone() {
            return Ok(connection);
        }
        let connection = block_on(zbus::Connection::session())?
            .map_err(|e| DeliveryError(format!("notification server: no session bus: {e}")))?;
        *self.slot() = Some(connection.clone());
        Ok(connection)
    }

    /// Calls `member` on the notification server; once more on a new connection if the old one
    /// broke (not if the server answered with an error).
    fn call<B>(&self, member: &str, body: &B) -> Result<zbus::Message, DeliveryError>
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        let mut last = None;
        for _ in 0..2 {
            let connection = self.connection()?;
            match block_on(connection.call_method(Some(NAME), PATH, Some(NAME), member, body))? {
                Ok(reply) => return Ok(reply),
                Err(e @ (zbus::Error::MethodError(..) | zbus::Error::FDO(_))) => {
                    return Err(DeliveryError(format!("notification server: {e}")));
                }
                Err(e) => {
                    *self.slot() = None;
                    last = Some(e);
                }
            }
        }
        Err(DeliveryError(format!("notification server: {}", last.map_or_else(String::new, |e| e.to_string()))))
    }

    /// Shows (or replaces) a notification; returns its id.
    pub fn notify(&self, n: &Notify<'_>) -> Result<u32, DeliveryError> {
        let mut hints: HashMap<&str, Value<'_>> = HashMap::new();
        hints.insert("urgency", Value::U8(n.urgency));
        hints.insert("category", Value::from("im.received"));
        hints.insert("sound-name", Value::from(n.sound));
        hints.insert("resident", Value::Bool(n.resident));
        hints.insert("desktop-entry", Value::from("klaxon"));
        let body = ("Klaxon", n.replaces, n.icon, n.summary, n.body, n.actions, hints, n.timeout);
        let reply = self.call("Notify", &body)?;
        reply.body().deserialize::<u32>().map_err(|e| DeliveryError(format!("notification server: {e}")))
    }

    /// Closes notification `id`.
    pub fn close(&self, id: u32) -> Result<(), DeliveryError> {
        self.call("CloseNotification", &(id,))
            .map(drop)
            .map_err(|e| DeliveryError(format!("cannot close notification {id}: {}", e.0)))
    }
}

/// A signal of the notification server that matters here.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Signal {
    /// A button (or, with key `default`, the notification itself) was clicked.
    Action {
        id: u32,
        key: String,
    },
    Closed {
        id: u32,
    },
}

/// The notification server's signals on `connection`, one after another until it breaks.
pub(super) async fn signals(
    connection: zbus::Connection,
) -> zbus::Result<impl futures_util::Stream<Item = Signal> + Unpin> {
    use futures_util::StreamExt;
    let proxy = zbus::fdo::DBusProxy::new(&connection).await?;
    for member in ["ActionInvoked", "NotificationClosed"] {
        let rule =
            zbus::MatchRule::builder().msg_type(zbus::message::Type::Signal).interface(NAME).member(member).build()?;
        proxy.add_match_rule(rule).await?;
    }
    let stream = zbus::MessageStream::from(connection).take_while(|m| std::future::ready(m.is_ok()));
    Ok(Box::pin(stream.filter_map(|message| {
        std::future::ready(message.ok().and_then(|m| {
            let header = m.header();
            if header.message_type() != zbus::message::Type::Signal
                || header.interface().map(|i| i.as_str()) != Some(NAME)
            {
                return None;
            }
            match header.member().map(|n| n.as_str()) {
                Some("ActionInvoked") => {
                    m.body().deserialize::<(u32, String)>().ok().map(|(id, key)| Signal::Action { id, key })
                }
                Some("NotificationClosed") => {
                    m.body().deserialize::<(u32, u32)>().ok().map(|(id, _)| Signal::Closed { id })
                }
                _ => None,
            }
        }))
    })))
}
