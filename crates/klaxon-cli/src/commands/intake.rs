use crate::output::out;
use klaxon_engine::{EngineError, Klaxon};
use std::process::ExitCode;

/// Prints the intake token on stdout (it is asked for explicitly; nothing else prints it).
pub async fn token(klaxon: &Klaxon) -> Result<ExitCode, EngineError> {
    let secrets = klaxon_engine::secrets::os_store();
    let token = klaxon.intake_token(secrets.as_ref(), false)?;
    out!("{}", token.expose());
    Ok(ExitCode::SUCCESS)
}
