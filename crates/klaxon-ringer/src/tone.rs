//! The two ringtones, embedded from `assets/sounds/`.

use std::fmt;

static PAGE_WAV: &[u8] = include_bytes!("../../../assets/sounds/page.wav");
static SHADOW_WAV: &[u8] = include_bytes!("../../../assets/sounds/shadow.wav");

/// Which ringtone to play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    /// The loud two-tone alarm (1.5 s), looped with a rising volume until [`Ringer::stop`](crate::Ringer::stop).
    Page,
    /// A soft single chime (0.8 s) for shadow pages, played once at `max_volume`.
    Shadow,
}

impl Tone {
    /// Whether this tone repeats until stopped.
    pub fn loops(self) -> bool {
        matches!(self, Tone::Page)
    }

    /// The embedded WAV file (44.1 kHz, mono, 16-bit PCM) from `assets/sounds/`.
    pub fn wav(self) -> &'static [u8] {
        match self {
            Tone::Page => PAGE_WAV,
            Tone::Shadow => SHADOW_WAV,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Tone::Page => "page",
            Tone::Shadow => "shadow",
        }
    }
}

impl fmt::Display for Tone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::decode;
    use rodio::{Decoder, Source};
    use std::io::Cursor;

    fn decoded(tone: Tone) -> (u16, u32, Vec<f32>) {
        let d = Decoder::new_wav(Cursor::new(tone.wav())).expect("decodes");
        let (channels, rate) = (d.channels().get(), d.sample_rate().get());
        (channels, rate, d.collect())
    }

    #[test]
    fn the_page_tone_is_a_loud_1_5_s_mono_44_1_khz_alarm() {
        let (channels, rate, samples) = decoded(Tone::Page);
        assert_eq!((channels, rate), (1, 44_100));
        assert_eq!(samples.len(), 66_150, "1.5 s");
        let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(peak > 0.7, "page is loud, peak {peak}");
        assert!(Tone::Page.wav().len() < 200_000);
        assert!(decode(Tone::Page).is_ok());
    }

    #[test]
    fn the_shadow_tone_is_a_soft_0_8_s_chime() {
        let (channels, rate, samples) = decoded(Tone::Shadow);
        assert_eq!((channels, rate), (1, 44_100));
        assert_eq!(samples.len(), 35_280, "0.8 s");
        let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!((0.1..0.5).contains(&peak), "shadow is soft, peak {peak}");
        let tail = samples[samples.len() - 2_000..].iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(tail < 0.02, "the chime decays, tail peak {tail}");
        assert!(Tone::Shadow.wav().len() < 200_000);
    }
}
