//! The tray's one error type.

/// Why the tray could not start or change.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrayError {
    /// A built-in tray icon is not a PNG the decoder accepts (a build problem).
    #[cfg(target_os = "linux")]
    #[error("cannot decode the {icon:?} tray icon: {source}")]
    Icon {
        icon: crate::TrayIcon,
        #[source]
        source: png::DecodingError,
    },
    /// The StatusNotifierItem could not be exported (no session bus, or the watcher refused it).
    #[cfg(target_os = "linux")]
    #[error("cannot start the tray: {0}")]
    Sni(#[from] ksni::Error),
    /// The tray service has stopped (shut down), so it cannot change any more.
    #[error("the tray has stopped")]
    Stopped,
}
