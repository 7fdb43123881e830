//! The ringtone as a delivery path: rings (with a rising volume) while a loud page is unanswered
//! and not muted; a test page plays it briefly. No sound card is a visible failure of this path
//! only.

use klaxon_engine::core::pager::PageKind;
use klaxon_engine::{DeliveryError, Page, PageDelivery, RingState};
use klaxon_ringer::{Ringer, RingerConfig, RingerState, Tone};
use std::time::Duration;

/// How long a test page rings.
const TEST_RING: Duration = Duration::from_millis(1500);

/// Page delivery through Klaxon's own ringtone.
#[derive(Debug)]
pub struct Ringtone {
    ringer: Ringer,
}

impl Default for Ringtone {
    fn default() -> Self {
        Self { ringer: Ringer::new(RingerConfig::default()) }
    }
}

impl Ringtone {
    /// A ringtone with its own volume ramp.
    pub fn new(config: RingerConfig) -> Self {
        Self { ringer: Ringer::new(config) }
    }

    /// What the player is doing (for the UI, and tests).
    pub fn state(&self) -> RingerState {
        self.ringer.state()
    }
}

impl PageDelivery for Ringtone {
    fn name(&self) -> &'static str {
        "ringtone"
    }

    fn deliver(&self, page: &Page) -> Result<(), DeliveryError> {
        let ringing_loud = matches!(self.ringer.state(), RingerState::Ringing { tone: Tone::Page, .. });
        if page.kind == PageKind::Shadow {
            // A soft chime, unless my own page is ringing (that one matters more).
            if !ringing_loud {
                self.ringer.start(Tone::Shadow).map_err(|e| DeliveryError(e.to_string()))?;
            }
            return Ok(());
        }
        if !page.test {
            // A loud page starts the ringtone at once, so that a failure (no sound card) is this
            // page's failure in its timeline; `ringing` keeps it going and stops it when answered.
            if page.ring {
                self.ringer.start(Tone::Page).map_err(|e| DeliveryError(e.to_string()))?;
            }
            return Ok(());
        }
        let already = matches!(self.ringer.state(), RingerState::Ringing { .. });
        self.ringer.start(Tone::Page).map_err(|e| DeliveryError(e.to_string()))?;
        if !already {
            std::thread::sleep(TEST_RING);
            self.ringer.stop();
        }
        Ok(())
    }

    fn ringing(&self, state: &RingState) -> Result<(), DeliveryError> {
        if state.current.is_some() && !state.muted {
            self.ringer.start(Tone::Page).map_err(|e| DeliveryError(e.to_string()))
        } else {
            self.ringer.stop();
            Ok(())
        }
    }
}
