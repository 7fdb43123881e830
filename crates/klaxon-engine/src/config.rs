//! Reading the team file, writing the commented example on first run.

use crate::EngineError;
use klaxon_core::team_file::{self, IntakeSettings, TeamFile};
use std::io::Write;
use std::path::Path;

const EXAMPLE: &str = include_str!("../../../examples/klaxon.toml");

/// The shipped example with `user` as the one person (and `me`).
pub fn example_team_file(user: &str) -> String {
    let id: String = user
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .collect::<String>()
        .to_ascii_lowercase();
    let id = if id.is_empty() { "me".to_owned() } else { id };
    EXAMPLE.replace("\"you\"", &format!("\"{id}\""))
}

fn login_name() -> String {
    std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "me".into())
}

/// Loads the team file at `path`. If there is none, writes the example first (atomically).
/// Returns the file and whether it was just created.
pub fn load_team_file(path: &Path, create_if_missing: bool) -> Result<(TeamFile, bool), EngineError> {
    let io = |source| EngineError::Io { path: path.to_owned(), source };
    let mut created = false;
    if create_if_missing && !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let tmp = path.with_extension("toml.new");
        write_private(&tmp, &example_team_file(&login_name())).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)?;
        created = true;
        tracing::info!(path = %path.display(), "wrote an example team file");
    }
    let unreadable = |reason: String| EngineError::UnreadableConfig { path: path.to_owned(), reason };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(EngineError::NoTeamFile { path: path.to_owned() });
        }
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory || path.is_dir() => {
            return Err(unreadable("is a directory, not a team file".into()));
        }
        Err(e) => return Err(unreadable(e.to_string())),
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..valid].iter().filter(|b| **b == b'\n').count() + 1;
        EngineError::Config { path: path.to_owned(), line, message: "not valid UTF-8 text".into() }
    })?;
    let file = team_file::parse(&text).map_err(|e| EngineError::Config {
        path: path.to_owned(),
        line: e.line,
        message: e.message,
    })?;
    Ok((file, created))
}

/// Writes a new file that only its owner can read (it may hold a token), whatever the umask.
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// What is risky but allowed in a loaded team file: a token other users can read, an intake
/// that listens beyond this machine. Logged at start and printed by `klaxon config check`.
pub fn team_file_warnings(path: &Path, intake: &IntakeSettings) -> Vec<String> {
    let mut warnings = Vec::new();
    #[cfg(unix)]
    if intake.token.is_some() {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode();
            if mode & 0o044 != 0 {
                warnings.push(format!(
                    "{} holds the intake `token` and is readable by other users (mode {:o}): run `chmod 600 {}`",
                    path.display(),
                    mode & 0o777,
                    path.display()
                ));
            }
        }
    }
    if intake.enabled && intake.is_remote() {
        warnings.push(format!(
            "the local intake listens on {}, reachable from other machines (allow_remote = true): anyone who \
             has the token can page you",
            intake.listen
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_reads_the_example() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/klaxon.toml");
        let (file, created) = load_team_file(&path, true).unwrap();
        assert!(created);
        assert!(path.exists());
        assert_eq!(
            file.team.me,
            login_name().to_ascii_lowercase().replace(|c: char| !c.is_ascii_alphanumeric() && !".-_".contains(c), "")
        );
        let (_, created) = load_team_file(&path, true).unwrap();
        assert!(!created, "existing file is kept");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "the team file Klaxon writes is private");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_token_others_can_read_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("klaxon.toml");
        std::fs::write(&path, "me = \"a\"\n[[people]]\nid = \"a\"\n[intake]\ntoken = \"t0ken\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (file, _) = load_team_file(&path, false).unwrap();
        let warnings = team_file_warnings(&path, &file.intake);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("readable by other users (mode 644)"), "{warnings:?}");
        assert!(!warnings[0].contains("t0ken"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(team_file_warnings(&path, &file.intake).is_empty());
    }

    #[test]
    fn example_names_the_user() {
        let text = example_team_file("Ada Lovelace");
        let f = team_file::parse(&text).unwrap();
        assert_eq!(f.team.me, "adalovelace");
        assert_eq!(f.team.schedules[0].participants(), ["adalovelace"]);
    }

    #[test]
    fn errors_are_file_colon_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "me = \"x\"\n[[people]]\nid = \"y\"\n").unwrap();
        let err = load_team_file(&path, true).unwrap_err();
        assert_eq!(err.to_string(), format!("{}:1: `me` is `x`, but no [[people]] entry has that id", path.display()));
        assert!(err.is_usage());
        let dir_err = load_team_file(dir.path(), false).unwrap_err();
        assert_eq!(
            dir_err.to_string(),
            format!("{}: cannot read the team file: is a directory, not a team file", dir.path().display())
        );
        assert!(dir_err.is_usage());
        std::fs::write(&path, b"me = \"x\"\n# caf\xe9\n").unwrap();
        let utf8 = load_team_file(&path, false).unwrap_err();
        assert_eq!(utf8.to_string(), format!("{}:2: not valid UTF-8 text", path.display()));
        assert!(utf8.is_usage());
        let missing = load_team_file(&dir.path().join("none.toml"), false).unwrap_err();
        assert!(matches!(missing, EngineError::NoTeamFile { .. }));
        assert!(missing.is_usage());
    }
}
