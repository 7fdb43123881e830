//! The pager and the window start each other: `klaxon` and `klaxon-app` live side by side (an
//! environment variable can point elsewhere), and each passes on its data dir and team file.

use klaxon_engine::{ENV_CONFIG, ENV_DATA_DIR, Paths};
use std::path::PathBuf;
use std::process::Command;

/// Overrides where the app's binary is.
pub const ENV_APP: &str = "KLAXON_APP";

/// `$env` if set, else `name` next to this executable.
pub fn companion_binary(env: &str, name: &str) -> std::io::Result<PathBuf> {
    if let Some(path) = std::env::var_os(env).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe()?;
    let sibling = exe.with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if sibling.exists() {
        return Ok(sibling);
    }
    Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("no {name} next to {} (set {env})", exe.display())))
}

/// A command running that binary on `paths`.
pub fn companion_command(env: &str, name: &str, paths: &Paths) -> std::io::Result<Command> {
    let mut cmd = Command::new(companion_binary(env, name)?);
    cmd.env(ENV_DATA_DIR, &paths.data_dir).env(ENV_CONFIG, &paths.config_file);
    Ok(cmd)
}

/// Starts `klaxon-app` (next to this binary, or `$KLAXON_APP`) for `paths`, in its own process
/// group so that it gets no terminal signals meant for the pager (the pager waits for it and
/// reports it if it dies early).
#[cfg(unix)]
pub fn window_launcher(paths: &Paths) -> klaxon_engine::control::Launcher {
    use std::os::unix::process::CommandExt;
    let paths = paths.clone();
    Box::new(move || {
        let child = companion_command(ENV_APP, "klaxon-app", &paths)?
            .stdin(std::process::Stdio::null())
            .process_group(0)
            .spawn()?;
        tracing::info!(pid = child.id(), "started the app's window");
        Ok(child)
    })
}

#[cfg(test)]
mod tests {
    use super::companion_binary;

    #[test]
    fn a_missing_companion_names_what_to_set() {
        let e = companion_binary("KLAXON_TEST_NEVER_SET", "klaxon-no-such-binary").err();
        let e = e.map(|e| (e.kind(), e.to_string()));
        assert!(
            matches!(&e, Some((std::io::ErrorKind::NotFound, m)) if m.ends_with("(set KLAXON_TEST_NEVER_SET)")),
            "{e:?}"
        );
    }
}
