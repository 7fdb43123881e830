//! Checklist files: `checklists/` next to the team file, the examples written there on first run,
//! each file loaded on its own (a bad one is reported as `file:line: message`; the others still
//! load), and which files may run commands (allowed by their hash).

use crate::EngineError;
use klaxon_core::checklist::{self, Checklist, NEW_HIRE_EXAMPLE, PRE_SHIFT_EXAMPLE};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// A checklist with the file it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub checklist: Checklist,
    pub path: PathBuf,
    /// Hex SHA-256 of the file's contents as loaded.
    pub sha256: String,
}

/// A checklist file that did not load, and why (`file:line: message`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileProblem {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// The checklists directory for the team file at `config_file`.
pub fn directory(config_file: &Path) -> PathBuf {
    config_file.parent().unwrap_or_else(|| Path::new(".")).join("checklists")
}

/// Writes the commented examples into `dir` when it does not exist yet (first run); a directory
/// the team keeps (even an empty one) is left alone. Answers whether it wrote them.
pub fn write_examples_if_missing(dir: &Path) -> Result<bool, EngineError> {
    if dir.exists() {
        return Ok(false);
    }
    let io = |source| EngineError::Io { path: dir.to_owned(), source };
    std::fs::create_dir_all(dir).map_err(io)?;
    for (name, text) in [("pre-shift.toml", PRE_SHIFT_EXAMPLE), ("new-hire.toml", NEW_HIRE_EXAMPLE)] {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|source| EngineError::Io { path, source })?;
    }
    Ok(true)
}

/// Hex SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Every `*.toml` in `dir`, by name: the ones that load, and what is wrong with the others.
/// A missing directory has no checklists.
pub fn load_all(dir: &Path) -> (Vec<Loaded>, Vec<FileProblem>) {
    let mut paths = match toml_files(dir) {
        Ok(paths) => paths,
        Err(e) => return (Vec::new(), vec![FileProblem { path: dir.to_owned(), line: None, message: e.to_string() }]),
    };
    let (mut loaded, mut problems) = (Vec::new(), Vec::new());
    // Onboarding plans live here too; they are read as plans, not checklists.
    paths.retain(|p| !std::fs::read_to_string(p).is_ok_and(|t| klaxon_core::onboarding::is_plan(&t)));
    for path in paths {
        match load(&path) {
            Ok(l) => loaded.push(l),
            Err(p) => problems.push(p),
        }
    }
    (loaded, problems)
}

/// The `*.toml` files in `dir`, by name (checklists and onboarding plans); none when it is missing.
pub fn toml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    paths.sort();
    Ok(paths)
}

/// One checklist file. World-writable files are refused: anyone on the machine could make them
/// run anything.
pub fn load(path: &Path) -> Result<Loaded, FileProblem> {
    let problem = |line, message: String| FileProblem { path: path.to_owned(), line, message };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(|e| problem(None, e.to_string()))?;
        if meta.permissions().mode() & 0o002 != 0 {
            return Err(problem(None, "refused: the file is world-writable (chmod o-w it)".into()));
        }
    }
    let bytes = std::fs::read(path).map_err(|e| problem(None, e.to_string()))?;
    let text = String::from_utf8(bytes.clone()).map_err(|_| problem(None, "not UTF-8 text".into()))?;
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let checklist = checklist::parse(&name, &text).map_err(|e| problem(Some(e.line), e.message))?;
    Ok(Loaded { checklist, path: path.to_owned(), sha256: sha256(&bytes) })
}

/// The path a file is allowed under (its canonical form, so `./x` and `/home/…/x` are one).
pub fn allow_key(path: &Path) -> Result<String, EngineError> {
    let canonical = std::fs::canonicalize(path).map_err(|source| EngineError::Io { path: path.to_owned(), source })?;
    Ok(canonical.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_written_once_and_bad_files_do_not_stop_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let lists = dir.path().join("checklists");
        assert!(write_examples_if_missing(&lists).unwrap());
        assert!(!write_examples_if_missing(&lists).unwrap(), "a second run leaves the team's files alone");
        std::fs::write(lists.join("broken.toml"), "title = \"B\"\n[[items]]\nid = \"x\"\ntitle = \"X\"\n").unwrap();
        std::fs::write(lists.join("notes.txt"), "not a checklist").unwrap();
        std::fs::write(lists.join("onboarding-kim.toml"), "[plan]\nnew_hire = \"kim\"\n").unwrap();
        let (loaded, problems) = load_all(&lists);
        let names: Vec<&str> = loaded.iter().map(|l| l.checklist.name.as_str()).collect();
        assert_eq!(names, ["new-hire", "pre-shift"]);
        assert_eq!(problems.len(), 1);
        let shown = problems[0].to_string();
        assert!(shown.ends_with("broken.toml:3: item `x` names no probe: add one of tcp, dns, interface, http, command, provider, contacts, schedule, test_page, phone, recent_incidents, manual"), "{shown}");
        assert_eq!(loaded[1].sha256, sha256(PRE_SHIFT_EXAMPLE.as_bytes()));
        assert!(load_all(&dir.path().join("missing")).0.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn world_writable_files_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("open.toml");
        std::fs::write(&path, PRE_SHIFT_EXAMPLE).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        let refused = load(&path).unwrap_err();
        assert!(refused.message.contains("world-writable"), "{refused}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load(&path).is_ok());
    }
}
