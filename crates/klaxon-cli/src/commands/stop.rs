//! `klaxon stop`: asks the data dir's pager to quit over its control socket and waits until it
//! has let go of the data dir.

use crate::output::out;
use klaxon_engine::control::{ControlClient, Quit, socket_path};
use klaxon_engine::{DataDirLock, EngineError, Paths};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// How long the pager may take to stop (it finishes what it is sending first).
const STOP_WAIT: Duration = Duration::from_secs(20);

pub async fn run(paths: &Paths) -> Result<ExitCode, EngineError> {
    let Ok((client, _events)) = ControlClient::connect(&socket_path(paths)).await else {
        eprintln!("klaxon: no pager is running for {}", paths.data_dir.display());
        return Ok(ExitCode::from(1));
    };
    client.call(Quit {}).await.map_err(|e| EngineError::Internal(e.message))?;
    let deadline = Instant::now() + STOP_WAIT;
    loop {
        match DataDirLock::acquire(&paths.data_dir) {
            Ok(_released) => break,
            Err(EngineError::Locked { .. }) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(EngineError::Locked { .. }) => {
                eprintln!("klaxon: the pager was asked to stop but still runs after {STOP_WAIT:?}");
                return Ok(ExitCode::from(1));
            }
            Err(e) => return Err(e),
        }
    }
    out!("klaxon: stopped the pager for {}", paths.data_dir.display());
    Ok(ExitCode::SUCCESS)
}
