//! A private X display (Xvfb) for the app window.

use crate::process::Guard;
use crate::wait_until;
use std::path::Path;
use std::process::{Command, Stdio};

/// An Xvfb server on a free display number.
#[derive(Debug)]
pub struct Xvfb {
    pub display: String,
    _server: Guard,
}

impl Xvfb {
    /// Starts Xvfb at 1280x800.
    pub fn start() -> Self {
        let n = (90..200)
            .find(|n| {
                !Path::new(&format!("/tmp/.X{n}-lock")).exists() && !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            })
            .expect("a free X display number");
        let display = format!(":{n}");
        let server = Guard::spawn(
            "Xvfb",
            Command::new("Xvfb")
                .args([display.as_str(), "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        wait_until(20, "Xvfb", || Path::new(&format!("/tmp/.X11-unix/X{n}")).exists().then_some(()));
        Self { display, _server: server }
    }
}
