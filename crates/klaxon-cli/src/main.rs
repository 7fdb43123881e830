//! `klaxon`: exit 0 ok, 1 runtime error, 2 usage or configuration error.

mod args;
mod commands;
mod output;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let default_level = if matches!(cli.command, args::Command::Watch { .. }) { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("KLAXON_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("klaxon: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(commands::run(cli));
    let output_written = output::finish();
    match result {
        Ok(code) if output_written => code,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("klaxon: {e}");
            ExitCode::from(if e.is_usage() { 2 } else { 1 })
        }
    }
}
