//! Reading the team file, writing the commented example on first run.

use crate::EngineError;
use klaxon_core::team_file::{self, TeamFile};
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
        std::fs::write(&tmp, example_team_file(&login_name())).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)?;
        created = true;
        tracing::info!(path = %path.display(), "wrote an example team file");
    }
    let text = std::fs::read_to_string(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => EngineError::NoTeamFile { path: path.to_owned() },
        _ => io(source),
    })?;
    let file = team_file::parse(&text).map_err(|e| EngineError::Config {
        path: path.to_owned(),
        line: e.line,
        message: e.message,
    })?;
    Ok((file, created))
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
    }

    #[test]
    fn example_names_the_user() {
        let text = example_team_file("Ada Lovelace");
        let f = team_file::parse(&text).unwrap();
        assert_eq!(f.team.me, "adalovelace");
        assert_eq!(f.team.rotations[0].participants, ["adalovelace"]);
    }

    #[test]
    fn errors_are_file_colon_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "me = \"x\"\n[[people]]\nid = \"y\"\n").unwrap();
        let err = load_team_file(&path, true).unwrap_err();
        assert_eq!(err.to_string(), format!("{}:1: `me` is `x`, but no [[people]] entry has that id", path.display()));
        assert!(err.is_usage());
        let missing = load_team_file(&dir.path().join("none.toml"), false).unwrap_err();
        assert!(matches!(missing, EngineError::NoTeamFile { .. }));
        assert!(missing.is_usage());
    }
}
