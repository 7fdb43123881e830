//! Sources of incidents. For now the embedded default: the local alert intake.

mod error;
pub mod intake;

pub use error::ProviderError;
