//! A private X display (Xvfb) for the app window.

use crate::process::Guard;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// An Xvfb server on a display number it picked itself.
#[derive(Debug)]
pub struct Xvfb {
    pub display: String,
    _server: Guard,
}

impl Xvfb {
    /// Starts Xvfb at 1280x800. `-displayfd 1` makes Xvfb choose a free display number and print it
    /// on stdout once it accepts connections, so parallel tests never share (or race for) a display.
    pub fn start() -> Self {
        let mut server = Guard::spawn(
            "Xvfb",
            Command::new("Xvfb")
                .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        );
        let stdout = server.child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("Xvfb prints its display number");
        let n: u32 = line.trim().parse().unwrap_or_else(|_| panic!("Xvfb printed {line:?}, not a display number"));
        Self { display: format!(":{n}"), _server: server }
    }
}

/// Asks the mapped top-level window titled `title` on `display` to close, as a window manager
/// does when its close button is pressed (a `WM_DELETE_WINDOW` client message). False if there
/// is no such window.
pub fn close_window(display: &str, title: &str) -> bool {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, MapState};
    let (conn, screen) = x11rb::connect(Some(display)).expect("connect to the X display");
    let atom =
        |name: &str| conn.intern_atom(false, name.as_bytes()).expect("intern_atom").reply().expect("an atom").atom;
    let (protocols, delete) = (atom("WM_PROTOCOLS"), atom("WM_DELETE_WINDOW"));
    let root = conn.setup().roots[screen].root;
    let children = conn.query_tree(root).expect("query_tree").reply().expect("the root's children").children;
    let titled = children.into_iter().find(|&w| {
        let mapped = conn
            .get_window_attributes(w)
            .ok()
            .and_then(|c| c.reply().ok())
            .is_some_and(|a| a.map_state == MapState::VIEWABLE);
        let name = conn
            .get_property(false, w, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 256)
            .ok()
            .and_then(|c| c.reply().ok())
            .map(|p| p.value);
        mapped && name.as_deref() == Some(title.as_bytes())
    });
    let Some(window) = titled else { return false };
    let event = ClientMessageEvent::new(32, window, protocols, [delete, x11rb::CURRENT_TIME, 0, 0, 0]);
    conn.send_event(false, window, EventMask::NO_EVENT, event).expect("send WM_DELETE_WINDOW");
    conn.flush().expect("flush the X connection");
    true
}
