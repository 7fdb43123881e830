//! How loud the ringer is: the page tone's volume ramp and the shadow chime's volume.

use crate::Tone;
use std::time::Duration;

/// How loud the ringer is. Volumes are amplitude factors in `0.0..=1.0` (1.0 = the file as
/// recorded); values outside are clamped, and non-finite ones replaced by the defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RingerConfig {
    /// How long a [`Tone::Page`] takes to rise from `start_volume` to `max_volume` (default 20 s;
    /// zero rings at `max_volume` at once).
    pub ramp: Duration,
    /// The volume a [`Tone::Page`] starts at (default 0.3).
    pub start_volume: f32,
    /// The volume a [`Tone::Page`] ends at, and the one [`Tone::Shadow`] plays at (default 1.0).
    pub max_volume: f32,
}

const DEFAULT_START_VOLUME: f32 = 0.3;
const DEFAULT_MAX_VOLUME: f32 = 1.0;

impl Default for RingerConfig {
    fn default() -> Self {
        Self { ramp: Duration::from_secs(20), start_volume: DEFAULT_START_VOLUME, max_volume: DEFAULT_MAX_VOLUME }
    }
}

impl RingerConfig {
    /// The volume of a [`Tone::Page`] that has rung for `elapsed`: a straight line from
    /// `start_volume` to `max_volume` over `ramp`, then `max_volume`.
    pub fn volume_at(&self, elapsed: Duration) -> f32 {
        let start = clean_volume(self.start_volume, DEFAULT_START_VOLUME);
        let max = clean_volume(self.max_volume, DEFAULT_MAX_VOLUME);
        if elapsed >= self.ramp {
            return max;
        }
        let progress = (elapsed.as_secs_f64() / self.ramp.as_secs_f64()) as f32;
        (start + (max - start) * progress).clamp(start.min(max), start.max(max))
    }

    /// The volume a tone plays at when it has rung for `elapsed`.
    pub(crate) fn volume_for(&self, tone: Tone, elapsed: Duration) -> f32 {
        match tone {
            Tone::Page => self.volume_at(elapsed),
            Tone::Shadow => clean_volume(self.max_volume, DEFAULT_MAX_VOLUME),
        }
    }
}

fn clean_volume(v: f32, default: f32) -> f32 {
    if v.is_finite() { v.clamp(0.0, 1.0) } else { default }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(ramp_secs: u64, start: f32, max: f32) -> RingerConfig {
        RingerConfig { ramp: Duration::from_secs(ramp_secs), start_volume: start, max_volume: max }
    }

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-5
    }

    #[test]
    fn the_ramp_rises_linearly_from_start_to_max() {
        let c = config(20, 0.3, 1.0);
        assert!(close(c.volume_at(Duration::ZERO), 0.3));
        assert!(close(c.volume_at(Duration::from_secs(5)), 0.475));
        assert!(close(c.volume_at(Duration::from_secs(10)), 0.65));
        assert!(close(c.volume_at(Duration::from_millis(19_999)), 0.999_965));
        assert!(close(c.volume_at(Duration::from_secs(20)), 1.0));
        assert!(close(c.volume_at(Duration::from_secs(3600)), 1.0));
        let mut last = 0.0;
        for ms in (0..=25_000).step_by(50) {
            let v = c.volume_at(Duration::from_millis(ms));
            assert!(v >= last, "volume fell at {ms} ms: {v} < {last}");
            assert!((0.3..=1.0).contains(&v));
            last = v;
        }
    }

    #[test]
    fn the_default_config_ramps_from_0_3_to_1_over_20_s() {
        let c = RingerConfig::default();
        assert_eq!(c.ramp, Duration::from_secs(20));
        assert!(close(c.volume_at(Duration::ZERO), 0.3));
        assert!(close(c.volume_at(Duration::from_secs(20)), 1.0));
    }

    #[test]
    fn a_zero_ramp_rings_at_max_at_once() {
        let c = config(0, 0.3, 0.8);
        assert!(close(c.volume_at(Duration::ZERO), 0.8));
        assert!(close(c.volume_at(Duration::from_secs(1)), 0.8));
    }

    #[test]
    fn a_start_above_max_ramps_down_and_stays_between_them() {
        let c = config(10, 0.9, 0.5);
        assert!(close(c.volume_at(Duration::ZERO), 0.9));
        assert!(close(c.volume_at(Duration::from_secs(5)), 0.7));
        assert!(close(c.volume_at(Duration::from_secs(11)), 0.5));
    }

    #[test]
    fn volumes_are_clamped_and_non_finite_ones_replaced_by_defaults() {
        let c = config(10, -1.0, 7.0);
        assert!(close(c.volume_at(Duration::ZERO), 0.0));
        assert!(close(c.volume_at(Duration::from_secs(10)), 1.0));
        let c = config(10, f32::NAN, f32::INFINITY);
        assert!(close(c.volume_at(Duration::ZERO), DEFAULT_START_VOLUME));
        assert!(close(c.volume_at(Duration::from_secs(10)), DEFAULT_MAX_VOLUME));
        // Huge ramps do not overflow or go out of range.
        let c = RingerConfig { ramp: Duration::MAX, ..RingerConfig::default() };
        assert!(close(c.volume_at(Duration::from_secs(1)), 0.3));
    }

    #[test]
    fn shadow_plays_at_max_volume_without_a_ramp() {
        let c = config(20, 0.3, 0.6);
        assert!(close(c.volume_for(Tone::Shadow, Duration::ZERO), 0.6));
        assert!(close(c.volume_for(Tone::Page, Duration::ZERO), 0.3));
    }
}
