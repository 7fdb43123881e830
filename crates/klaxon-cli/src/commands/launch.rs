//! Starting the app's window from the pager: `klaxon-app` next to this binary (or `$KLAXON_APP`),
//! on the same data dir and team file, in its own process group so that it gets no terminal
//! signals meant for the pager.

use klaxon_engine::Paths;
use klaxon_engine::control::{Launcher, companion_command};
use std::os::unix::process::CommandExt;
use std::process::Stdio;

/// Overrides where the app's binary is.
pub const ENV_APP: &str = "KLAXON_APP";

/// Starts `klaxon-app` for `paths` (the pager waits for it and reports it if it dies early).
pub fn window_launcher(paths: &Paths) -> Launcher {
    let paths = paths.clone();
    Box::new(move || {
        let child = companion_command(ENV_APP, "klaxon-app", &paths)?.stdin(Stdio::null()).process_group(0).spawn()?;
        tracing::info!(pid = child.id(), "started the app's window");
        Ok(child)
    })
}
