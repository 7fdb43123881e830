use klaxon_core::IncidentId;
use klaxon_providers::ProviderError;
use klaxon_secrets::SecretsError;
use klaxon_store::StoreError;
use std::path::PathBuf;

/// Everything the engine can fail with.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The team file is invalid: `file:line: message`.
    #[error("{}:{line}: {message}", path.display())]
    Config { path: PathBuf, line: usize, message: String },
    /// The team file exists but cannot be read (a directory, no permission).
    #[error("{}: cannot read the team file: {reason}", path.display())]
    UnreadableConfig { path: PathBuf, reason: String },
    /// There is no team file where one was expected.
    #[error(
        "no team file at {}: start the app or `klaxon watch` once to write a commented example, or pass --config",
        path.display()
    )]
    NoTeamFile { path: PathBuf },
    /// The team file or data dir could not be read or written.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// No place for data or config could be determined.
    #[error("cannot find a home directory; pass --data-dir and --config")]
    NoHome,
    /// Another engine owns the data dir.
    #[error(
        "another Klaxon (the app or `klaxon watch`) is already running on {}; \
         only one may page from a data dir. Stop it, or use another --data-dir",
        data_dir.display()
    )]
    Locked { data_dir: PathBuf },
    /// No such incident.
    #[error("incident {0} not found")]
    NotFound(IncidentId),
    /// The action does not apply (e.g. acknowledging a resolved incident).
    #[error("incident {id}: {message}")]
    InvalidState { id: IncidentId, message: String },
    /// The incident's platform cannot do this; nothing was changed or queued.
    #[error("cannot {kind}: {reason}")]
    Unsupported { kind: klaxon_core::ActionKind, reason: String },
    /// A bad argument, naming it (`follow: ...`).
    #[error("{0}")]
    InvalidInput(String),
    /// An account problem (bad name, unreachable platform, refused token), with what to do.
    #[error("{0}")]
    Account(String),
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    /// A message on the phone's reply topic was refused (forged, altered, expired, replayed).
    #[error("phone reply refused: {0}")]
    PhoneRefused(String),
    /// The phone could not be reached through ntfy, or is not set up.
    #[error("phone: {0}")]
    Phone(String),
    /// The intake has no token yet (nothing has started it).
    #[error("no intake token yet: start the app or `klaxon watch` once, or set `token` under [intake]")]
    NoIntakeToken,
    /// A background task died.
    #[error("internal error: {0}")]
    Internal(String),
}

impl EngineError {
    /// True for problems with how Klaxon was invoked or configured (CLI exit code 2).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            EngineError::Config { .. }
                | EngineError::UnreadableConfig { .. }
                | EngineError::NoHome
                | EngineError::NoTeamFile { .. }
        )
    }

    pub(crate) fn for_incident(id: IncidentId, e: StoreError) -> Self {
        match e {
            StoreError::NotFound(id) => EngineError::NotFound(id),
            StoreError::Rejected(core) => EngineError::InvalidState { id, message: core.to_string() },
            other => EngineError::Store(other),
        }
    }
}

/// The domain's refusals, as the engine reports them.
impl From<klaxon_core::CoreError> for EngineError {
    fn from(e: klaxon_core::CoreError) -> Self {
        use klaxon_core::CoreError;
        match e {
            CoreError::Unsupported { kind, reason } => EngineError::Unsupported { kind, reason: reason.to_owned() },
            CoreError::InvalidAccountName(why) => EngineError::Account(why),
            CoreError::InvalidArgument(why) | CoreError::CoverUnsupported(why) => {
                EngineError::InvalidInput(why.to_owned())
            }
            e @ (CoreError::InvalidTransition { .. }
            | CoreError::NoFurtherLevel
            | CoreError::UnknownPolicy(_)
            | CoreError::UnknownLabel { .. }) => EngineError::InvalidInput(e.to_string()),
        }
    }
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(id) => EngineError::NotFound(id),
            other => EngineError::Store(other),
        }
    }
}
