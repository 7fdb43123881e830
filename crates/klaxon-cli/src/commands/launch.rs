//! Starting the app's window from the pager: `klaxon-app` next to this binary (or `$KLAXON_APP`),
//! on the same data dir and team file, in its own process group so it outlives nothing it
//! should not and gets no terminal signals meant for the pager.

use klaxon_engine::control::Launcher;
use klaxon_engine::{ENV_CONFIG, ENV_DATA_DIR, Paths};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Overrides where the app's binary is.
pub const ENV_APP: &str = "KLAXON_APP";

fn app_binary() -> std::io::Result<PathBuf> {
    if let Some(path) = std::env::var_os(ENV_APP).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe()?;
    let sibling = exe.with_file_name(if cfg!(windows) { "klaxon-app.exe" } else { "klaxon-app" });
    if sibling.exists() {
        return Ok(sibling);
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::NotFound,
        format!("no klaxon-app next to {} (set {ENV_APP})", exe.display()),
    ))
}

/// Starts `klaxon-app` for `paths` (the pager waits for it and reports it if it dies early).
pub fn window_launcher(paths: &Paths) -> Launcher {
    let paths = paths.clone();
    Box::new(move || {
        let child = Command::new(app_binary()?)
            .env(ENV_DATA_DIR, &paths.data_dir)
            .env(ENV_CONFIG, &paths.config_file)
            .stdin(Stdio::null())
            .process_group(0)
            .spawn()?;
        tracing::info!(pid = child.id(), "started the app's window");
        Ok(child)
    })
}
