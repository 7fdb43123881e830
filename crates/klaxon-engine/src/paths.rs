//! Where Klaxon keeps its data and reads its team file.

use crate::EngineError;
use std::path::PathBuf;

/// Overrides the data dir (like `--data-dir`).
pub const ENV_DATA_DIR: &str = "KLAXON_DATA_DIR";
/// Overrides the team file (like `--config`).
pub const ENV_CONFIG: &str = "KLAXON_CONFIG";

/// Resolved locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// `$XDG_DATA_HOME/klaxon` by default: the database and the lock file.
    pub data_dir: PathBuf,
    /// `$XDG_CONFIG_HOME/klaxon/klaxon.toml` by default.
    pub config_file: PathBuf,
}

impl Paths {
    /// Explicit values win, then `KLAXON_DATA_DIR` / `KLAXON_CONFIG`, then the XDG defaults.
    pub fn resolve(data_dir: Option<PathBuf>, config_file: Option<PathBuf>) -> Result<Self, EngineError> {
        let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let base = directories::BaseDirs::new();
        let data_dir = match data_dir.or_else(|| env(ENV_DATA_DIR)) {
            Some(d) => d,
            None => base.as_ref().ok_or(EngineError::NoHome)?.data_dir().join("klaxon"),
        };
        let config_file = match config_file.or_else(|| env(ENV_CONFIG)) {
            Some(c) => c,
            None => base.as_ref().ok_or(EngineError::NoHome)?.config_dir().join("klaxon").join("klaxon.toml"),
        };
        Ok(Self { data_dir, config_file })
    }

    /// Creates the data dir (and missing parents) readable by this user only (0700), whatever
    /// the umask. An existing dir is left as it is.
    pub fn create_data_dir(&self) -> Result<(), EngineError> {
        let io = |source| EngineError::Io { path: self.data_dir.clone(), source };
        if self.data_dir.is_dir() {
            return Ok(());
        }
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.data_dir).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.data_dir, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
        }
        Ok(())
    }

    /// The SQLite cache.
    pub fn database(&self) -> PathBuf {
        self.data_dir.join("klaxon.db")
    }

    /// Held by the one engine that owns the data dir.
    pub fn lock_file(&self) -> PathBuf {
        self.data_dir.join("klaxon.lock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_paths_win() {
        let p = Paths::resolve(Some("/d".into()), Some("/c.toml".into())).unwrap();
        assert_eq!(p.database(), PathBuf::from("/d/klaxon.db"));
        assert_eq!(p.lock_file(), PathBuf::from("/d/klaxon.lock"));
        assert_eq!(p.config_file, PathBuf::from("/c.toml"));
    }

    #[cfg(unix)]
    #[test]
    fn the_data_dir_is_private_whatever_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let base = tempfile::tempdir().unwrap();
        let paths = Paths { data_dir: base.path().join("a/b/klaxon"), config_file: base.path().join("k.toml") };
        paths.create_data_dir().unwrap();
        let mode = std::fs::metadata(&paths.data_dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        paths.create_data_dir().unwrap();
    }
}
