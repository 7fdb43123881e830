//! One engine per data dir: an exclusive lock on `klaxon.lock`, released when the process ends.

use crate::EngineError;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Held while an engine owns a data dir.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    path: PathBuf,
}

impl DataDirLock {
    /// Takes the lock, or fails with [`EngineError::Locked`] if another process holds it.
    pub fn acquire(data_dir: &Path) -> Result<Self, EngineError> {
        crate::Paths { data_dir: data_dir.to_owned(), config_file: PathBuf::new() }.create_data_dir()?;
        let path = data_dir.join("klaxon.lock");
        let io = |source| EngineError::Io { path: path.clone(), source };
        let mut file = OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(EngineError::Locked { data_dir: data_dir.to_owned() }),
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // The pid is informational only (for people looking at the file).
        file.set_len(0).map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        Ok(Self { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataDirLock::acquire(dir.path()).unwrap();
        let err = DataDirLock::acquire(dir.path()).unwrap_err();
        assert!(matches!(err, EngineError::Locked { .. }), "{err}");
        assert!(err.to_string().contains("already running"), "{err}");
        drop(first);
        DataDirLock::acquire(dir.path()).unwrap();
    }
}
