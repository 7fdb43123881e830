//! Plays the ringtones through a real ALSA device, without a sound card.
//!
//! Each test runs `klaxon-ring` (this crate's driver binary) as a child process with
//! `ALSA_CONFIG_PATH` pointing at a configuration of its own, which replaces the system one
//! entirely. Its default PCM converts whatever the ringer sends to S16_LE mono 44.1 kHz (`plug`)
//! and writes it (`file`) into a FIFO that the test reads at the pace of a sound card (88,200
//! bytes a second), so the ringer fills it in real time, blocks when it is full, and the FIFO
//! reaches end-of-file when the ringer closes the device. The FIFO's buffer is shrunk to 4 KiB
//! (23 ms), so that what the reader gets is close to what a speaker would play at that moment.
//! The test then looks at the audio itself.
#![cfg(target_os = "linux")]

mod alsa_sink;

use alsa_sink::*;
use std::thread;
use std::time::{Duration, Instant};

#[test]
fn page_rings_through_alsa_loops_with_a_rising_volume_and_stops_promptly() {
    let setup = setup(None);
    let capture = Capture::start(&setup.fifo);
    let mut ringer = Driver::spawn(&setup, &["--ramp", "2", "--start-volume", "0.2", "--max-volume", "1.0"]);

    assert_eq!(ringer.ask("state"), "idle");
    assert!(capture.sessions().is_empty(), "the device is not opened before start");

    assert_eq!(ringer.ask("start page"), "ok", "stderr: {}", ringer.stderr());
    let mut volumes = vec![ringer.volume()];
    assert!((0.2..0.3).contains(&volumes[0]), "starts near start_volume: {volumes:?}");

    // Ring until 4.2 s of audio reached the "sound card": the 1.5 s tone played almost 3 times.
    let enough = (4.2 * BYTES_PER_SECOND as f64) as usize;
    let deadline = Instant::now() + Duration::from_secs(15);
    while capture.sessions().first().is_none_or(|s| s.bytes.len() < enough) {
        assert!(Instant::now() < deadline, "audio does not flow: {:?}", capture.summary());
        thread::sleep(Duration::from_millis(250));
        volumes.push(ringer.volume());
    }
    assert!(volumes.windows(2).all(|w| w[0] <= w[1]), "the volume only rises: {volumes:?}");
    assert_eq!(volumes.last().copied(), Some(1.0), "reaches max_volume after the ramp");
    let sessions = capture.sessions();
    assert_eq!(sessions.len(), 1, "one device opening");
    assert!(sessions[0].ended.is_none(), "still ringing: the device is open");

    let before_stop = sessions[0].bytes.len();
    let stopped = ringer.ask("stop");
    let stop_ms: u64 = stopped.strip_prefix("stopped ").and_then(|ms| ms.parse().ok()).expect(&stopped);
    assert!(stop_ms <= 100, "stop() took {stop_ms} ms");
    assert_eq!(ringer.ask("state"), "idle");

    // The device is closed: the FIFO ends, and nothing more arrives after that.
    capture.wait_for("end of the audio", Duration::from_secs(3), |s| s[0].ended.is_some());
    let session = capture.sessions().remove(0);
    let audio = samples(&session.bytes);
    let after_stop = seconds(session.bytes.len() - before_stop);
    let last_sound = audio.iter().rposition(|s| s.abs() > 300).unwrap_or(0) * 2;
    let tail = seconds(last_sound.saturating_sub(before_stop));
    // What reached the "speaker" after stop(): the FIFO (23 ms) and the ALSA buffer (~90 ms),
    // which the file plugin writes out when closed (a sound card drops it instead).
    assert!(tail < 0.25, "the sound went on for {tail:.3} s after stop()");
    // And the device was closed rather than fed silence.
    assert!(after_stop < 0.5, "{after_stop:.3} s of audio arrived after stop()");
    // A second stop is answered by the audio thread after it is done with the first: whatever
    // the first left to do is done, and the device stays closed.
    assert!(ringer.ask("stop").starts_with("stopped "));
    assert_eq!(ringer.ask("state"), "idle");
    assert_eq!(capture.sessions().len(), 1, "the device stays closed");

    let starts = loop_starts(&audio);
    assert!(starts.len() >= 2, "the tone repeats: loops at {starts:?} in {} samples", audio.len());
    let spacing = (starts[1] - starts[0]) as f64 / RATE as f64;
    assert!((1.45..1.55).contains(&spacing), "one repetition every 1.5 s, got {spacing:.3} s");
    let first = peak(&audio[..RATE / 4]);
    let last = peak(&audio[starts[1]..starts[1] + RATE]);
    assert!(first > 2_000, "the alarm is audible from the start, peak {first}");
    assert!(last >= first * 5 / 2, "louder later: first peak {first}, third loop peak {last}");
    assert!(last > 20_000, "the ramp ends near full scale, peak {last}");

    ringer.quit();
}

#[test]
fn shadow_chimes_once_softly_then_goes_idle_by_itself() {
    let setup = setup(None);
    let capture = Capture::start(&setup.fifo);
    let mut ringer = Driver::spawn(&setup, &[]);

    assert_eq!(ringer.ask("start shadow"), "ok", "stderr: {}", ringer.stderr());
    assert_eq!(ringer.ask("state"), "ringing shadow 1.000");
    // Without a stop, the device closes once the 0.8 s chime has played.
    capture.wait_for("the chime to end", Duration::from_secs(5), |s| s.first().is_some_and(|s| s.ended.is_some()));
    assert_eq!(ringer.ask("state"), "idle");

    let session = capture.sessions().remove(0);
    let audio = samples(&session.bytes);
    let length = seconds(session.bytes.len());
    assert!((0.75..1.6).contains(&length), "one chime (plus buffering), got {length:.2} s");
    let onset = audio.iter().position(|s| s.abs() > 300).expect("the chime is audible");
    let loudest = peak(&audio);
    assert!((3_000..16_000).contains(&loudest), "a soft chime, peak {loudest}");
    let later = peak(audio.get(onset + RATE * 7 / 10..).unwrap_or_default());
    assert!(later < loudest / 10, "it decays and does not repeat: {later} after 0.7 s");

    ringer.quit();
}

#[test]
fn starting_while_ringing_keeps_ringing_or_switches_tone_on_the_same_device() {
    let setup = setup(None);
    let capture = Capture::start(&setup.fifo);
    let mut ringer = Driver::spawn(&setup, &["--ramp", "4", "--start-volume", "0.2", "--max-volume", "1.0"]);

    assert_eq!(ringer.ask("start page"), "ok", "stderr: {}", ringer.stderr());
    // Until the ramp has visibly risen from its start.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut before = ringer.volume();
    while before <= 0.3 {
        assert!(Instant::now() < deadline, "the ramp does not rise: {before}");
        thread::sleep(Duration::from_millis(20));
        before = ringer.volume();
    }
    // Another page while ringing: keeps ringing, and the ramp goes on (no restart at 0.2).
    assert_eq!(ringer.ask("start page"), "ok");
    let after = ringer.volume();
    assert!(after >= before && after > 0.3, "the ramp continues: {before} then {after}");

    // A shadow page switches to the chime on the open device, which then closes by itself.
    assert_eq!(ringer.ask("start shadow"), "ok");
    assert_eq!(ringer.ask("state"), "ringing shadow 1.000");
    capture.wait_for("the chime to end", Duration::from_secs(6), |s| s.first().is_some_and(|s| s.ended.is_some()));
    assert_eq!(ringer.ask("state"), "idle");
    assert_eq!(capture.sessions().len(), 1, "the tones shared one device opening");

    // Ringing again opens the device again; quitting (dropping the ringer) closes it.
    assert_eq!(ringer.ask("start page"), "ok");
    capture.wait_for("a second opening", Duration::from_secs(5), |s| {
        s.get(1).is_some_and(|s| s.bytes.len() > BYTES_PER_SECOND / 2)
    });
    ringer.quit();
    capture.wait_for("the device to close on quit", Duration::from_secs(3), |s| s[1].ended.is_some());
}

#[test]
fn an_unopenable_device_is_a_clear_error_and_a_later_start_retries() {
    let setup = setup(Some(MISSING_CARD_CONFIG));
    let mut ringer = Driver::spawn(&setup, &[]);

    let began = Instant::now();
    let answer = ringer.ask("start page");
    assert!(answer.starts_with("error no usable audio output device: \"default\": "), "a clear error, got {answer:?}");
    assert!(began.elapsed() < Duration::from_secs(3), "start fails fast: {:?}", began.elapsed());
    let state = ringer.ask("state");
    assert_eq!(state, format!("failed {}", &answer["error ".len()..]));

    // Still failing, still answering: nothing is stuck.
    assert!(ringer.ask("start shadow").starts_with("error no usable audio output device"));

    // The device comes back (here: ALSA is pointed at a working one): the next start rings.
    let capture = Capture::start(&setup.fifo);
    replace_config(&setup, &fifo_config(&setup.fifo));
    assert_eq!(ringer.ask("start page"), "ok", "stderr: {}", ringer.stderr());
    assert!(ringer.ask("state").starts_with("ringing page "));
    capture.wait_for("audio", Duration::from_secs(5), |s| s.first().is_some_and(|s| peak(&samples(&s.bytes)) > 2_000));
    let stopped = ringer.ask("stop");
    assert!(stopped.starts_with("stopped "), "{stopped}");
    assert_eq!(ringer.ask("state"), "idle", "stop also clears a failure");
    capture.wait_for("end of the audio", Duration::from_secs(3), |s| s[0].ended.is_some());

    ringer.quit();
}

#[test]
fn an_alsa_without_a_default_device_is_a_clear_error() {
    let setup = setup(Some("# no PCM defined at all\n"));
    let mut ringer = Driver::spawn(&setup, &[]);

    let answer = ringer.ask("start page");
    assert!(answer.starts_with("error no usable audio output device: \"default\": "), "a clear error, got {answer:?}");
    assert!(ringer.ask("state").starts_with("failed no usable audio output device"));
    ringer.quit();
}

/// The default PCM writes into a FIFO that nobody reads yet, so ALSA blocks opening it.
#[test]
fn a_device_that_hangs_on_open_blocks_neither_start_nor_stop_and_a_late_open_obeys_the_stop() {
    let setup = setup(None);
    let mut ringer = Driver::spawn(&setup, &[]);

    let began = Instant::now();
    let answer = ringer.ask("start page");
    let took = began.elapsed();
    assert_eq!(answer, "error the audio device did not start within 3 s; still trying");
    assert!(took < Duration::from_secs(4), "start gave up after {took:?}");
    assert_eq!(ringer.ask("state"), "idle");

    let began = Instant::now();
    let stopped = ringer.ask("stop");
    let took = began.elapsed();
    assert!(stopped.starts_with("stopped "), "{stopped}");
    assert!(took < Duration::from_secs(1), "stop waited {took:?} for the busy audio thread");

    // The device opens at last: the ringer starts as asked, then carries out the stop that came
    // after, so it ends silent with the device closed.
    let capture = Capture::start(&setup.fifo);
    capture.wait_for("the late opening to close", Duration::from_secs(5), |s| {
        s.first().is_some_and(|s| s.ended.is_some())
    });
    assert_eq!(ringer.ask("state"), "idle");
    ringer.quit();
}

#[test]
fn quitting_while_the_device_hangs_on_open_exits_promptly() {
    let setup = setup(None);
    let mut ringer = Driver::spawn(&setup, &[]);
    assert!(ringer.ask("start page").starts_with("error the audio device did not start"));
    // `quit` drops the Ringer, which waits at most STOP_TIMEOUT (0.5 s) for the stuck thread.
    ringer.quit();
}
