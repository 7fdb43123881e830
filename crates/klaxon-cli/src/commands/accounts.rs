use crate::args::{AccountsCommand, AddAccountArgs, KindArg};
use crate::output;
use crate::output::out;
use chrono::Utc;
use klaxon_engine::core::{Account, AccountKind, Secret};
use klaxon_engine::{Credentials, EngineError, Klaxon, NewAccount};
use serde_json::json;
use std::io::Read;
use std::process::ExitCode;

pub async fn run(klaxon: &Klaxon, command: Option<AccountsCommand>, json: bool) -> Result<ExitCode, EngineError> {
    let secrets = klaxon_engine::secrets::os_store();
    let http = klaxon_engine::HttpOptions::default();
    match command.unwrap_or(AccountsCommand::List) {
        AccountsCommand::List => {
            let accounts = klaxon.accounts().await?;
            if json { output::json(&accounts) } else { table(&accounts) }
        }
        AccountsCommand::Add(args) => {
            let new = new_account(args)?;
            let account = klaxon.add_account(new, &secrets, http).await?;
            if json {
                output::json(&account);
            } else {
                out!(
                    "Added {} account `{}` as {} ({}). The running app or `klaxon watch` starts syncing it.",
                    account.kind,
                    account.name,
                    account.user_name.as_deref().unwrap_or("?"),
                    account.user_email.as_deref().unwrap_or("no email"),
                );
            }
        }
        AccountsCommand::Remove { name } => {
            klaxon.remove_account(&name, &secrets).await?;
            if json { output::json(&json!({"removed": name})) } else { out!("Removed account `{name}`.") }
        }
        AccountsCommand::Test { name } => {
            let user = klaxon.test_account(&name, &secrets, http).await?;
            if json {
                output::json(&user);
            } else {
                out!("`{name}` works: the token belongs to {} ({}).", user.name, user.id);
                for c in &user.contact_methods {
                    out!(
                        "  {:<6} {}{}",
                        c.kind,
                        c.address,
                        c.label.as_ref().map(|l| format!(" ({l})")).unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn new_account(args: AddAccountArgs) -> Result<NewAccount, EngineError> {
    let kind = match args.kind {
        KindArg::PagerDuty => AccountKind::PagerDuty,
        KindArg::GrafanaOncall => AccountKind::GrafanaOncall,
        KindArg::GoAlert => AccountKind::GoAlert,
    };
    let mut input = String::new();
    std::io::stdin()
        .take(64 * 1024)
        .read_to_string(&mut input)
        .map_err(|e| EngineError::Account(format!("cannot read the token from standard input: {e}")))?;
    let secret = Secret::new(input.trim_end_matches(['\r', '\n']));
    let credentials = match args.username {
        Some(username) => Credentials::Login { username, password: secret },
        None => Credentials::Token(secret),
    };
    Ok(NewAccount { name: args.name, kind, base_url: args.base_url, credentials, poll_secs: args.poll_secs })
}

fn table(accounts: &[Account]) {
    if accounts.is_empty() {
        out!("No accounts. Add one with `klaxon accounts add pagerduty --name work --token-stdin`.");
        return;
    }
    let now = Utc::now();
    out!("{:<12}  {:<14}  {:<22}  {:<10}  STATE", "NAME", "KIND", "USER", "SYNCED");
    for a in accounts {
        let synced = a.last_synced_at.map_or_else(|| "never".to_owned(), |t| format!("{} ago", output::age(t, now)));
        let state = a.last_error.as_deref().map_or_else(|| "ok".to_owned(), |e| format!("error: {e}"));
        let user = a.user_email.as_deref().or(a.user_name.as_deref()).unwrap_or("-");
        out!("{:<12}  {:<14}  {:<22}  {:<10}  {}", a.name, a.kind.as_str(), user, synced, state);
    }
}
