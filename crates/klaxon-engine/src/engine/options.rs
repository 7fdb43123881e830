//! How the engine is wired to its shell: delivery paths, secrets, timings, the phone's ports.

use crate::outbox::UncertainChecks;
use crate::{Clock, PageDelivery};
use klaxon_providers::HttpOptions;
use klaxon_secrets::SecretStore;
use std::sync::Arc;
use std::time::Duration;

/// How the engine is wired to its shell.
pub struct EngineOptions {
    /// The paths a page is delivered through (desktop notification, window, ...).
    pub deliveries: Vec<Arc<dyn PageDelivery>>,
    /// Where the generated intake token lives.
    pub secrets: Arc<dyn SecretStore>,
    /// How often timers and other processes' changes are checked.
    pub tick: Duration,
    /// How long one delivery path may take before it counts as failed (a hung notification
    /// server must not hold up the pager).
    pub delivery_timeout: Duration,
    /// Timeouts for talking to paging platforms.
    pub http: HttpOptions,
    /// The clock escalation timers read (tests move it forward).
    pub clock: Clock,
    /// How the outbox makes sure an action whose request timed out did not arrive after all,
    /// before sending it again.
    pub uncertain: UncertainChecks,
    /// Where pages go to the phone (ntfy); `None`: no phone path.
    pub phone: Option<Arc<dyn crate::phone::PhoneChannel>>,
    /// Whether the screen is locked (`when_locked` pushes at once); `None`: never known.
    pub screen: Option<Arc<dyn crate::phone::ScreenLock>>,
}

impl EngineOptions {
    /// Defaults: a 1 s tick and a 10 s delivery timeout.
    pub fn new(deliveries: Vec<Arc<dyn PageDelivery>>, secrets: Arc<dyn SecretStore>) -> Self {
        Self {
            deliveries,
            secrets,
            tick: Duration::from_secs(1),
            delivery_timeout: Duration::from_secs(10),
            http: HttpOptions::default(),
            clock: Clock::system(),
            uncertain: UncertainChecks::default(),
            phone: None,
            screen: None,
        }
    }
}

impl std::fmt::Debug for EngineOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<_> = self.deliveries.iter().map(|d| d.name()).collect();
        f.debug_struct("EngineOptions").field("deliveries", &names).field("tick", &self.tick).finish()
    }
}
