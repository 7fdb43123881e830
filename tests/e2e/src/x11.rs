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
