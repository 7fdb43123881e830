//! `klaxon-ring`: drives a [`Ringer`] from standard input, to try the ringtones by hand and for
//! the integration tests (which run it against ALSA configurations of their own).
//!
//! ```text
//! klaxon-ring [--ramp SECONDS] [--start-volume V] [--max-volume V]
//! ```
//!
//! Commands, one a line; each gets one line of answer on standard output:
//!
//! | command | answer |
//! |---|---|
//! | `start page` / `start shadow` | `ok` or `error <message>` |
//! | `stop` | `stopped <milliseconds stop() took>` |
//! | `state` | `idle`, `ringing <tone> <volume>` or `failed <message>` |
//! | `quit` (or end of input) | exits |

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use klaxon_ringer::{Ringer, RingerConfig, RingerState, Tone};

fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("klaxon-ring: {message}");
            eprintln!("usage: klaxon-ring [--ramp SECONDS] [--start-volume V] [--max-volume V]");
            eprintln!("then type: start page | start shadow | stop | state | quit");
            return ExitCode::from(2);
        }
    };
    let ringer = Ringer::new(config);
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let answer = match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            [] => continue,
            ["start", tone] => match parse_tone(tone) {
                Some(tone) => match ringer.start(tone) {
                    Ok(()) => "ok".to_string(),
                    Err(e) => format!("error {e}"),
                },
                None => format!("error unknown tone {tone:?} (page or shadow)"),
            },
            ["stop"] => {
                let began = Instant::now();
                ringer.stop();
                format!("stopped {}", began.elapsed().as_millis())
            }
            ["state"] => match ringer.state() {
                RingerState::Idle => "idle".to_string(),
                RingerState::Ringing { tone, volume } => format!("ringing {tone} {volume:.3}"),
                RingerState::Failed { error } => format!("failed {error}"),
            },
            ["quit"] => break,
            _ => format!("error unknown command {line:?}"),
        };
        if writeln!(out, "{answer}").and_then(|()| out.flush()).is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}

fn parse_tone(name: &str) -> Option<Tone> {
    match name {
        "page" => Some(Tone::Page),
        "shadow" => Some(Tone::Shadow),
        _ => None,
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<RingerConfig, String> {
    let mut config = RingerConfig::default();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number: f32 = value.parse().map_err(|_| format!("{flag}: {value:?} is not a number"))?;
        match flag.as_str() {
            "--ramp" => {
                config.ramp = Duration::try_from_secs_f32(number)
                    .map_err(|_| format!("--ramp: {value:?} is not a duration in seconds"))?;
            }
            "--start-volume" => config.start_volume = number,
            "--max-volume" => config.max_volume = number,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(config)
}
