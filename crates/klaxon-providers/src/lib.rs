//! Sources of incidents: the embedded local intake, and the paging platforms (PagerDuty, Grafana
//! OnCall / Grafana Cloud IRM, GoAlert) behind one [`Provider`] trait.

mod error;
pub mod goalert;
pub mod grafana_oncall;
pub mod intake;
pub mod pagerduty;
pub mod remote;

pub use error::ProviderError;
pub use remote::{Connection, HttpOptions, Provider, connect};
