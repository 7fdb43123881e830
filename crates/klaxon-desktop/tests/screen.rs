//! `ScreenState` against mock screensavers on a real D-Bus session bus: KDE's
//! `org.freedesktop.ScreenSaver`, GNOME's `org.gnome.ScreenSaver` with mutter's idle monitor (and
//! gnome-settings-daemon's inhibit-only `org.freedesktop.ScreenSaver` in front), a hung service,
//! and none at all. Ignored by default; scripts/test.sh runs them under `dbus-run-session -- cargo
//! test -- --include-ignored`.
#![cfg(all(unix, not(target_os = "macos")))]
#![allow(clippy::unwrap_used)] // the helpers below are test code outside #[test] functions

use klaxon_desktop::ScreenState;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use zbus::fdo;

/// The tests own the same well-known names, and one expects none owned: one at a time.
static BUS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const IDLE_AFTER: Duration = Duration::from_secs(300);

/// What a mock answers; the test changes it between questions.
#[derive(Clone, Default)]
struct Answers {
    locked: Arc<AtomicBool>,
    /// Milliseconds.
    idle: Arc<AtomicU64>,
}

impl Answers {
    fn set(&self, locked: bool, idle_secs: u64) {
        self.locked.store(locked, Ordering::SeqCst);
        self.idle.store(idle_secs * 1000, Ordering::SeqCst);
    }
}

/// KDE's screensaver; `idle_supported: false` answers `GetSessionIdleTime` as KDE on Wayland does.
struct Kde {
    answers: Answers,
    idle_supported: bool,
}

#[zbus::interface(interface = "org.freedesktop.ScreenSaver")]
impl Kde {
    fn get_active(&self) -> bool {
        self.answers.locked.load(Ordering::SeqCst)
    }

    fn get_session_idle_time(&self) -> fdo::Result<u32> {
        if !self.idle_supported {
            return Err(fdo::Error::NotSupported("GetSessionIdleTime is not supported".into()));
        }
        Ok(u32::try_from(self.answers.idle.load(Ordering::SeqCst)).unwrap())
    }
}

/// gnome-settings-daemon's `org.freedesktop.ScreenSaver`: inhibition only, the rest NotSupported.
struct GsdProxy;

#[zbus::interface(interface = "org.freedesktop.ScreenSaver")]
impl GsdProxy {
    fn get_active(&self) -> fdo::Result<bool> {
        Err(fdo::Error::NotSupported("not part of the idle inhibition specification".into()))
    }

    fn get_session_idle_time(&self) -> fdo::Result<u32> {
        Err(fdo::Error::NotSupported("not part of the idle inhibition specification".into()))
    }
}

/// GNOME Shell's screen shield.
struct GnomeShell(Answers);

#[zbus::interface(interface = "org.gnome.ScreenSaver")]
impl GnomeShell {
    fn get_active(&self) -> bool {
        self.0.locked.load(Ordering::SeqCst)
    }
}

/// Mutter's idle monitor.
struct Mutter(Answers);

#[zbus::interface(interface = "org.gnome.Mutter.IdleMonitor")]
impl Mutter {
    #[zbus(name = "GetIdletime")]
    fn get_idletime(&self) -> u64 {
        self.0.idle.load(Ordering::SeqCst)
    }
}

/// A screensaver that never answers.
struct Hung;

#[zbus::interface(interface = "org.freedesktop.ScreenSaver")]
impl Hung {
    async fn get_active(&self) -> bool {
        std::future::pending().await
    }
}

/// A connection owning `name` (released by [`release`]).
fn service(name: &'static str) -> zbus::connection::Builder<'static> {
    zbus::connection::Builder::session().name(name)
}

/// Gives the names back before the next test: explicitly, so the bus has done it when this returns.
async fn release(connection: zbus::Connection, names: &[&str]) {
    for name in names {
        assert!(connection.release_name(*name).await.unwrap(), "{name} was ours");
    }
}

async fn away(state: &ScreenState) -> Result<bool, String> {
    tokio::time::timeout(Duration::from_secs(10), state.away()).await.expect("away() answers")
}

/// What every desktop must get right: at the screen, locked, gone for longer than `IDLE_AFTER`.
async fn assert_present_locked_idle(state: &ScreenState, answers: &Answers, desktop: &str) {
    answers.set(false, 10);
    assert_eq!(away(state).await, Ok(false), "{desktop}: unlocked, idle 10 s of 300");
    answers.set(true, 10);
    assert_eq!(away(state).await, Ok(true), "{desktop}: locked");
    answers.set(false, 400);
    assert_eq!(away(state).await, Ok(true), "{desktop}: unlocked, idle 400 s of 300");
}

#[tokio::test]
#[ignore = "needs a D-Bus session bus (run under dbus-run-session)"]
async fn kde_lock_and_idle_time() {
    let _bus = BUS.lock().await;
    let state = ScreenState::new(IDLE_AFTER);
    let answers = Answers::default();
    let kde = Kde { answers: answers.clone(), idle_supported: true };
    let mock =
        service("org.freedesktop.ScreenSaver").serve_at("/org/freedesktop/ScreenSaver", kde).build().await.unwrap();

    assert_present_locked_idle(&state, &answers, "KDE").await;
    answers.set(false, 299);
    assert_eq!(away(&state).await, Ok(false), "idle 299 s of 300");
    release(mock, &["org.freedesktop.ScreenSaver"]).await;

    // KDE also serves /ScreenSaver; on Wayland it has no idle time, which is not a failure.
    let kde = Kde { answers: answers.clone(), idle_supported: false };
    let mock = service("org.freedesktop.ScreenSaver").serve_at("/ScreenSaver", kde).build().await.unwrap();
    answers.set(false, 400);
    assert_eq!(away(&state).await, Ok(false), "unlocked, idle unknown");
    answers.set(true, 0);
    assert_eq!(away(&state).await, Ok(true), "locked, at /ScreenSaver");
    release(mock, &["org.freedesktop.ScreenSaver"]).await;
}

#[tokio::test]
#[ignore = "needs a D-Bus session bus (run under dbus-run-session)"]
async fn gnome_shield_and_mutter_idle_monitor() {
    let _bus = BUS.lock().await;
    let state = ScreenState::new(IDLE_AFTER);
    let answers = Answers::default();
    let gnome = service("org.gnome.ScreenSaver")
        .name("org.gnome.Mutter.IdleMonitor")
        .serve_at("/org/gnome/ScreenSaver", GnomeShell(answers.clone()))
        .serve_at("/org/gnome/Mutter/IdleMonitor/Core", Mutter(answers.clone()))
        .build()
        .await
        .unwrap();

    assert_present_locked_idle(&state, &answers, "GNOME").await;

    // gnome-settings-daemon's org.freedesktop.ScreenSaver answers NotSupported: asked first, skipped.
    let gsd = service("org.freedesktop.ScreenSaver")
        .serve_at("/org/freedesktop/ScreenSaver", GsdProxy)
        .serve_at("/ScreenSaver", GsdProxy)
        .build()
        .await
        .unwrap();
    assert_present_locked_idle(&state, &answers, "GNOME behind gsd's proxy").await;
    release(gsd, &["org.freedesktop.ScreenSaver"]).await;
    release(gnome, &["org.gnome.ScreenSaver", "org.gnome.Mutter.IdleMonitor"]).await;
}

#[tokio::test]
#[ignore = "needs a D-Bus session bus (run under dbus-run-session)"]
async fn a_hung_screensaver_is_passed_over_within_seconds() {
    let _bus = BUS.lock().await;
    let state = ScreenState::new(IDLE_AFTER);
    let answers = Answers::default();
    let hung =
        service("org.freedesktop.ScreenSaver").serve_at("/org/freedesktop/ScreenSaver", Hung).build().await.unwrap();
    let gnome = service("org.gnome.ScreenSaver")
        .serve_at("/org/gnome/ScreenSaver", GnomeShell(answers.clone()))
        .build()
        .await
        .unwrap();

    answers.set(true, 0);
    let asked = Instant::now();
    assert_eq!(away(&state).await, Ok(true), "GNOME's answer, past the hung one");
    assert!(asked.elapsed() < Duration::from_secs(3), "took {:?}", asked.elapsed());
    release(gnome, &["org.gnome.ScreenSaver"]).await;
    release(hung, &["org.freedesktop.ScreenSaver"]).await;
}

#[tokio::test]
#[ignore = "needs a D-Bus session bus (run under dbus-run-session)"]
async fn no_screensaver_is_an_error_until_one_appears() {
    let _bus = BUS.lock().await;
    let state = ScreenState::new(IDLE_AFTER);
    let why = away(&state).await.unwrap_err();
    assert!(why.contains("org.freedesktop.ScreenSaver") && why.contains("org.gnome.ScreenSaver"), "{why}");

    // The same state, once a screensaver shows up: nothing of the failure is kept.
    let answers = Answers::default();
    let kde = Kde { answers: answers.clone(), idle_supported: true };
    let mock =
        service("org.freedesktop.ScreenSaver").serve_at("/org/freedesktop/ScreenSaver", kde).build().await.unwrap();
    answers.set(true, 0);
    assert_eq!(away(&state).await, Ok(true));
    release(mock, &["org.freedesktop.ScreenSaver"]).await;
    assert!(away(&state).await.is_err(), "gone again");
}
