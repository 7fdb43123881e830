//! The app's window as the pager sees it: at most one window process attached over the control
//! socket; when a page rings or the tray asks for it and none is attached, the pager starts one.
//! As a delivery path ("page-screen") a failure to start the window is visible like any other.

use super::{ServerFrame, Shell, WireEvent};
use crate::{DeliveryError, Page, PageDelivery, RingState};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// Starts the window process (it connects back and attaches); the pager waits for it.
pub type Launcher = Box<dyn Fn() -> std::io::Result<std::process::Child> + Send + Sync>;

/// How long a started window has to attach before a page may start another one.
const ATTACH_GRACE: Duration = Duration::from_secs(20);

/// The attached window, and how to start one.
pub struct Windows {
    attached: Mutex<Option<(u64, UnboundedSender<ServerFrame>)>>,
    launched_at: Mutex<Option<Instant>>,
    launcher: Option<Launcher>,
    /// Why the last window started ended before it attached (reported once, by the next start).
    failed: Arc<Mutex<Option<String>>>,
    /// How many windows have attached, to tell whether a started one ever did.
    attaches: Arc<std::sync::atomic::AtomicU64>,
}

impl std::fmt::Debug for Windows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Windows").field("attached", &self.is_attached()).finish_non_exhaustive()
    }
}

/// What `show` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The attached window was told to come to the front.
    Raised,
    /// A window process was started (or is starting).
    Started,
}

impl Windows {
    /// No window yet; `launcher` starts one (None: headless, windows only attach).
    pub fn new(launcher: Option<Launcher>) -> Self {
        Self {
            attached: Mutex::new(None),
            launched_at: Mutex::new(None),
            launcher,
            failed: Arc::default(),
            attaches: Arc::default(),
        }
    }

    /// Whether a window is attached.
    pub fn is_attached(&self) -> bool {
        self.attached.lock().is_ok_and(|a| a.as_ref().is_some_and(|(_, tx)| !tx.is_closed()))
    }

    /// Attaches connection `conn`; false (and the attached one is raised) if another is there.
    pub(crate) fn attach(&self, conn: u64, tx: UnboundedSender<ServerFrame>) -> bool {
        let Ok(mut attached) = self.attached.lock() else { return false };
        if let Some((_, other)) = attached.as_ref().filter(|(_, other)| !other.is_closed()) {
            let _ = other.send(ServerFrame::Event(WireEvent::ShowWindow));
            return false;
        }
        *attached = Some((conn, tx));
        self.attaches.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if let Ok(mut at) = self.launched_at.lock() {
            *at = None;
        }
        true
    }

    /// Forgets connection `conn` if it was the window.
    pub(crate) fn detach(&self, conn: u64) {
        if let Ok(mut attached) = self.attached.lock()
            && attached.as_ref().is_some_and(|(c, _)| *c == conn)
        {
            *attached = None;
        }
    }

    /// Tells the attached window something; false if none is attached.
    pub fn tell(&self, event: WireEvent) -> bool {
        let Ok(attached) = self.attached.lock() else { return false };
        attached.as_ref().is_some_and(|(_, tx)| tx.send(ServerFrame::Event(event)).is_ok())
    }

    /// Brings the window to the front, starting it if none is attached.
    pub fn show(&self) -> Result<Shown, String> {
        if self.tell(WireEvent::ShowWindow) {
            return Ok(Shown::Raised);
        }
        self.start()
    }

    /// Starts a window unless one is attached or was started moments ago. If the last window
    /// started ended without ever attaching, says so (and tries again).
    fn start(&self) -> Result<Shown, String> {
        let launcher = self.launcher.as_ref().ok_or("no window to show: running without the app")?;
        let mut at = self.launched_at.lock().map_err(|e| e.to_string())?;
        let earlier_failure = self.failed.lock().ok().and_then(|mut f| f.take());
        if earlier_failure.is_none() && at.is_some_and(|t| t.elapsed() < ATTACH_GRACE) {
            return Ok(Shown::Started);
        }
        let mut child = launcher().map_err(|e| format!("cannot start the app's window: {e}"))?;
        *at = Some(Instant::now());
        let (failed, attaches) = (self.failed.clone(), self.attaches.clone());
        let attached_before = attaches.load(std::sync::atomic::Ordering::SeqCst);
        let watcher = std::thread::Builder::new().name("klaxon-window-reaper".into()).spawn(move || {
            let status = child.wait();
            let never_attached = attaches.load(std::sync::atomic::Ordering::SeqCst) == attached_before;
            let why = match status {
                Ok(s) if s.success() => None,
                Ok(s) => Some(s.to_string()),
                Err(e) => Some(e.to_string()),
            };
            if let (true, Some(why), Ok(mut f)) = (never_attached, why, failed.lock()) {
                tracing::warn!(%why, "the app's window ended before it opened");
                *f = Some(format!("the app's window ended before it opened ({why})"));
            }
        });
        if let Err(e) = watcher {
            tracing::warn!(error = %e, "cannot watch the app's window");
        }
        match earlier_failure {
            Some(why) => Err(why),
            None => Ok(Shown::Started),
        }
    }
}

/// The pager's [`Shell`]: its window is a process attached over the socket (started when none
/// is), and quitting ends the pager's loop, which waits on [`PagerShell::quit_requested`].
#[derive(Debug)]
pub struct PagerShell {
    windows: Arc<Windows>,
    quit: Arc<tokio::sync::Notify>,
}

impl PagerShell {
    /// The shell around `windows`.
    pub fn new(windows: Arc<Windows>) -> Self {
        Self { windows, quit: Arc::default() }
    }

    /// Notified when a call asks the pager to stop.
    pub fn quit_requested(&self) -> Arc<tokio::sync::Notify> {
        self.quit.clone()
    }
}

impl Shell for PagerShell {
    fn show_window(&self) -> Result<(), String> {
        self.windows.show().map(drop)
    }

    fn quit(&self) {
        self.quit.notify_one();
    }
}

impl PageDelivery for Windows {
    fn name(&self) -> &'static str {
        "page-screen"
    }

    fn deliver(&self, page: &Page) -> Result<(), DeliveryError> {
        // Real pages reach the window through `ringing`; a test page shows it once.
        if page.test {
            self.show().map_err(DeliveryError)?;
        }
        Ok(())
    }

    fn ringing(&self, state: &RingState) -> Result<(), DeliveryError> {
        // An attached window raises itself on the ringing event; without one, start it.
        if state.current.is_some() && !self.is_attached() {
            self.start().map_err(DeliveryError)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn counting(program: &'static str) -> (Windows, Arc<AtomicUsize>) {
        let n = Arc::new(AtomicUsize::new(0));
        let m = n.clone();
        let launcher: Launcher = Box::new(move || {
            m.fetch_add(1, Ordering::SeqCst);
            std::process::Command::new(program).spawn()
        });
        (Windows::new(Some(launcher)), n)
    }

    #[test]
    fn starts_one_window_then_raises_the_attached_one() {
        let (w, launches) = counting("true");
        assert_eq!(w.show(), Ok(Shown::Started));
        assert_eq!(w.show(), Ok(Shown::Started), "a second request while it starts");
        assert_eq!(launches.load(Ordering::SeqCst), 1);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        assert!(w.attach(1, tx));
        assert_eq!(w.show(), Ok(Shown::Raised));
        assert_eq!(rx.try_recv().ok(), Some(ServerFrame::Event(WireEvent::ShowWindow)));
        let (tx2, _rx2) = tokio::sync::mpsc::unbounded_channel();
        assert!(!w.attach(2, tx2), "a second window is refused");
        assert_eq!(rx.try_recv().ok(), Some(ServerFrame::Event(WireEvent::ShowWindow)), "and the first raised");
        w.detach(1);
        assert!(!w.is_attached());
        assert_eq!(w.show(), Ok(Shown::Started));
        assert_eq!(launches.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_window_that_cannot_start_is_a_failed_delivery() {
        let launcher: Launcher = Box::new(|| Err(std::io::Error::other("no such file")));
        let w = Windows::new(Some(launcher));
        let ring = RingState { current: Some(crate::test_incident("me")), ..RingState::default() };
        let err = w.ringing(&ring).unwrap_err();
        assert!(err.0.contains("cannot start the app's window: no such file"), "{err}");
        assert!(Windows::new(None).show().is_err());
    }

    #[test]
    fn a_window_that_dies_before_it_opens_is_reported_by_the_next_start() {
        let (w, launches) = counting("false");
        let ring = RingState { current: Some(crate::test_incident("me")), ..RingState::default() };
        w.ringing(&ring).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        let err = loop {
            match w.ringing(&ring) {
                Err(e) => break e,
                Ok(()) => assert!(Instant::now() < deadline, "the failure was never reported"),
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(err.0.starts_with("the app's window ended before it opened (exit status: 1)"), "{err}");
        assert_eq!(launches.load(Ordering::SeqCst), 2, "and it tried again");
    }
}
