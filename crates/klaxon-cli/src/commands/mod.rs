//! One module per command group; each unpacks arguments and calls the engine.

mod accounts;
mod actions;
mod check;
mod config;
mod fire;
mod incidents;
mod intake;
mod onboarding;
mod outbox;
mod phone;
mod responders;
mod schedule;
mod shadow;
mod stop;
mod test_page;
mod tray;
mod watch;

use crate::args::{Cli, Command, ConfigCommand, IntakeCommand, ShadowCommand};
use crate::output::out;
use klaxon_engine::core::ReassignTo;
use klaxon_engine::{EngineError, Klaxon, Paths, UserAction};
use std::process::ExitCode;

pub async fn run(cli: Cli) -> Result<ExitCode, EngineError> {
    let paths = Paths::resolve(cli.data_dir, cli.config)?;
    let json = cli.json;
    match cli.command {
        Command::Watch { tray } => watch::run(paths, tray).await,
        Command::TestPage => test_page::run(paths, json).await,
        Command::Stop => stop::run(&paths).await,
        Command::Config { command: ConfigCommand::Check } => config::check(&paths, json),
        Command::Check { command, name } => {
            let klaxon = std::sync::Arc::new(Klaxon::open(paths, false).await?);
            let result = check::run(&klaxon, command, name, json).await;
            klaxon.close().await;
            result
        }
        command => {
            let klaxon = Klaxon::open(paths, false).await?;
            let result = match command {
                Command::Incidents { all } => incidents::list(&klaxon, all, json).await,
                Command::Show { id } => incidents::show(&klaxon, id, json).await,
                Command::Ack { ids } => actions::run(&klaxon, UserAction::Acknowledge, &ids, json).await,
                Command::Resolve { ids } => actions::run(&klaxon, UserAction::Resolve, &ids, json).await,
                Command::Escalate { ids } => actions::run(&klaxon, UserAction::Escalate, &ids, json).await,
                Command::Note { id, text } => actions::run(&klaxon, UserAction::Note(text), &[id], json).await,
                Command::Snooze { id, minutes } => {
                    actions::run(&klaxon, UserAction::Snooze(minutes), &[id], json).await
                }
                Command::Reassign { id, to, policy } => {
                    let to = match policy {
                        Some(escalation_policy) => ReassignTo::Policy { escalation_policy },
                        None => ReassignTo::Users(to),
                    };
                    actions::run(&klaxon, UserAction::Reassign(to), &[id], json).await
                }
                Command::Responders { account, search, refresh } => {
                    responders::list(&klaxon, &account, search.as_deref(), refresh, json).await
                }
                Command::Oncall { at } => schedule::on_call(&klaxon, at.as_deref(), json).await,
                Command::Schedules => schedule::schedules(&klaxon, json).await,
                Command::Override { command } => schedule::overrides(&klaxon, command, json).await,
                Command::Onboarding { command } => onboarding::run(&klaxon, command, json).await,
                Command::Review { id } => onboarding::review(&klaxon, id, json).await,
                Command::Shifts { days, who, ics, fairness } => {
                    schedule::shifts(&klaxon, days, who.as_deref(), ics, fairness, json).await
                }
                Command::Accounts { command } => accounts::run(&klaxon, command, json).await,
                Command::Outbox { command, all } => outbox::run(&klaxon, command, all, json).await,
                Command::Fire(args) => fire::run(&klaxon, args, json).await,
                Command::Intake { command: IntakeCommand::Token } => intake::token(&klaxon).await,
                Command::Phone { command } => phone::run(&klaxon, command, json).await,
                Command::Shadow { command: ShadowCommand::Log { days } } => shadow::log(&klaxon, days, json).await,
                Command::Shadow { command: ShadowCommand::Show } => shadow::show(&klaxon, json),
                Command::Shadow { command: ShadowCommand::Follow { targets } } => {
                    shadow::set(&klaxon, Some(targets), json).await
                }
                Command::Shadow { command: ShadowCommand::Reset } => shadow::set(&klaxon, None, json).await,
                Command::Intake { command: IntakeCommand::Url } => {
                    out!("{}", klaxon.intake_url());
                    Ok(ExitCode::SUCCESS)
                }
                Command::Watch { .. }
                | Command::Stop
                | Command::TestPage
                | Command::Config { .. }
                | Command::Check { .. } => {
                    unreachable!("handled above")
                }
            };
            klaxon.close().await;
            result
        }
    }
}
