//! Whether the desktop session is locked or idle, as the desktop's screensaver tells it over the
//! session bus (Linux and the BSDs). A page goes to the phone at once while the user is away from
//! the screen, so this asks every time (no cached answer) over one long-lived connection.
//!
//! Who answers what, from the desktops' own sources:
//! - KDE (kscreenlocker) serves `org.freedesktop.ScreenSaver` at `/ScreenSaver` and
//!   `/org/freedesktop/ScreenSaver`: `GetActive` is the lock, and `GetSessionIdleTime` returns
//!   KIdleTime's idle time, which is in milliseconds although the interface's XML names the
//!   argument `seconds` (on Wayland it answers NotSupported).
//! - GNOME: gnome-settings-daemon owns `org.freedesktop.ScreenSaver` too, but only for inhibition;
//!   its `GetActive` and `GetSessionIdleTime` answer NotSupported. The lock is GNOME Shell's
//!   `org.gnome.ScreenSaver.GetActive` and the idle time mutter's
//!   `org.gnome.Mutter.IdleMonitor.GetIdletime` (milliseconds).

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use zbus::proxy::{CacheProperties, MethodFlags};

/// How long one call may take: a hung screensaver must not hold a page up.
const CALL_TIMEOUT: Duration = Duration::from_secs(1);

const FREEDESKTOP: &str = "org.freedesktop.ScreenSaver";
const GNOME: &str = "org.gnome.ScreenSaver";
const MUTTER: &str = "org.gnome.Mutter.IdleMonitor";
const MUTTER_PATH: &str = "/org/gnome/Mutter/IdleMonitor/Core";

/// Where `GetActive` is asked, in order: (service and interface, object path).
const LOCK_SOURCES: [(&str, &str); 3] =
    [(FREEDESKTOP, "/org/freedesktop/ScreenSaver"), (FREEDESKTOP, "/ScreenSaver"), (GNOME, "/org/gnome/ScreenSaver")];

/// Whether the desktop session is locked or idle, as the desktop's screensaver reports it.
///
/// Holds one session-bus connection, made on first use and replaced once broken (the bus
/// restarted). [`away`](Self::away) must be awaited on a tokio runtime: its timer bounds each call.
#[derive(Debug)]
pub struct ScreenState {
    idle_after: Duration,
    connection: Mutex<Option<zbus::Connection>>,
}

/// What the screensaver said; `None` where nothing answered.
struct Reading {
    locked: Option<bool>,
    idle: Option<Duration>,
}

impl ScreenState {
    /// Counts the session as away once it has been idle for `idle_after` (or is locked).
    pub fn new(idle_after: Duration) -> Self {
        Self { idle_after, connection: Mutex::new(None) }
    }

    /// `Ok(true)` if the session is locked (or blanked) or idle for at least `idle_after`;
    /// `Ok(false)` if neither; `Err(why)` when no interface answers (no session bus, no
    /// screensaver service). An idle time nobody reports counts as not idle.
    pub async fn away(&self) -> Result<bool, String> {
        let mut reading = self.read().await;
        if let Err(why) = &reading {
            // Asked on a connection that has since broken: once more on a new one.
            if self.slot().take_if(|c| c.is_closed()).is_some() {
                tracing::debug!("screen state: session bus connection lost ({why}), reconnecting");
                reading = self.read().await;
            }
        }
        let Reading { locked, idle } = reading?;
        Ok(locked == Some(true) || idle.is_some_and(|idle| idle >= self.idle_after))
    }

    fn slot(&self) -> MutexGuard<'_, Option<zbus::Connection>> {
        self.connection.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The connection, made if there is none or it broke.
    async fn connection(&self) -> Result<zbus::Connection, String> {
        if let Some(connection) = self.slot().clone().filter(|c| !c.is_closed()) {
            return Ok(connection);
        }
        let connection = tokio::time::timeout(CALL_TIMEOUT, zbus::Connection::session())
            .await
            .map_err(|_| "screen state: the session bus did not answer in time".to_owned())?
            .map_err(|e| format!("screen state: no session bus: {e}"))?;
        *self.slot() = Some(connection.clone());
        Ok(connection)
    }

    /// Asks the lock, then (if unlocked) the idle time, from the first source that answers each.
    async fn read(&self) -> Result<Reading, String> {
        let connection = self.connection().await?;
        let mut failures = Vec::new();
        let mut reading = Reading { locked: None, idle: None };
        for (name, path) in LOCK_SOURCES {
            match call::<bool>(&connection, name, path, "GetActive").await {
                Ok(locked) => {
                    reading.locked = Some(locked);
                    if !locked && name == FREEDESKTOP {
                        // KDE on X11 answers; elsewhere an error only means the idle time is unknown.
                        let idle = call::<u32>(&connection, name, path, "GetSessionIdleTime").await;
                        reading.idle = idle.ok().map(|ms| Duration::from_millis(ms.into()));
                    }
                    break;
                }
                Err(e) => failures.push(e),
            }
        }
        if reading.locked == Some(true) || reading.idle.is_some() {
            return Ok(reading);
        }
        match call::<u64>(&connection, MUTTER, MUTTER_PATH, "GetIdletime").await {
            Ok(ms) => reading.idle = Some(Duration::from_millis(ms)),
            Err(e) => failures.push(e),
        }
        if reading.locked.is_none() && reading.idle.is_none() {
            return Err(format!("screen state: no screensaver answered: {}", failures.join("; ")));
        }
        Ok(reading)
    }
}

/// Calls `member` (no arguments) of interface `name` on service `name` at `path`, within
/// [`CALL_TIMEOUT`]. Never starts a service by D-Bus activation: asking must not launch a
/// screensaver.
async fn call<R>(connection: &zbus::Connection, name: &str, path: &str, member: &str) -> Result<R, String>
where
    R: for<'d> zbus::wire::DynamicDeserialize<'d>,
{
    let asked = async {
        let proxy: zbus::Proxy<'_> = zbus::proxy::Builder::new(connection)
            .destination(name)
            .path(path)
            .interface(name)
            .cache_properties(CacheProperties::No)
            .build()
            .await?;
        proxy.call_with_flags::<_, _, R>(member, MethodFlags::NO_AUTO_START, &()).await
    };
    match tokio::time::timeout(CALL_TIMEOUT, asked).await {
        Ok(Ok(Some(reply))) => Ok(reply),
        Ok(Ok(None)) => Err(format!("{name} {path} {member}: no reply")),
        Ok(Err(e)) => Err(format!("{name} {path} {member}: {e}")),
        Err(_) => Err(format!("{name} {path} {member}: no answer within {CALL_TIMEOUT:?}")),
    }
}

#[async_trait::async_trait]
impl klaxon_engine::phone::ScreenLock for ScreenState {
    async fn away(&self) -> Result<bool, String> {
        ScreenState::away(self).await
    }
}
