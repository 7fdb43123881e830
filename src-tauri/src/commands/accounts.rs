use super::signature::commands;
use crate::AppState;
use klaxon_engine::ResponderFetch;
use klaxon_engine::control::{
    AddAccount, ListAccounts, ListResponders, RemoveAccount, SyncAccount, TestAccount, WireSecret,
};
use klaxon_engine::core::{Account, AccountKind, ActionKind, RemoteUser, Responders, Secret};
use serde::Serialize;
use tauri::State;

/// Every action, in the order the incident detail offers them.
const ACTIONS: [ActionKind; 6] = [
    ActionKind::Acknowledge,
    ActionKind::Escalate,
    ActionKind::Resolve,
    ActionKind::Note,
    ActionKind::Snooze,
    ActionKind::Reassign,
];

/// Whether a platform can do one action, and if not, why (the UI shows it on the greyed button).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ActionSupport {
    pub action: ActionKind,
    /// Why the platform cannot do it; `null` when it can.
    pub unsupported: Option<String>,
}

/// What the UI needs to know about one kind of account.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct KindCapabilities {
    pub kind: AccountKind,
    /// Where the platform's API is when the user gives no base URL (none: a base URL is required).
    pub default_base_url: Option<String>,
    /// Signs in with a username and password instead of an API token.
    pub login: bool,
    pub min_poll_secs: u32,
    pub actions: Vec<ActionSupport>,
}

commands! {
    /// What each kind of account can do (the embedded `local` one first, then the platforms), and
    /// what its add form needs.
    pub async fn capabilities[]() -> Vec<KindCapabilities> {
        Ok(kind_capabilities())
    }

    /// Platform accounts, with how their sync is going.
    pub async fn list_accounts[state: State<'_, AppState>]() -> Vec<Account> {
        state.call(ListAccounts {}).await
    }

    /// Adds a platform account once the platform accepted the credentials (never sent back), and
    /// starts syncing it. `token` is the API token, or with `username` the password; it is wrapped
    /// in a `Secret` as it is deserialized, goes to the keyring only (through the pager's control
    /// socket where the engine runs in another process), and is never returned, logged or put in
    /// an error.
    pub async fn add_account[state: State<'_, AppState>](
        kind: AccountKind,
        name: String,
        base_url: Option<String>,
        token: Secret as "string",
        username: Option<String>,
        poll_secs: Option<u32>,
    ) -> Account {
        let token = WireSecret::from_secret(&token);
        state.call(AddAccount { kind, name, base_url, username, token, poll_secs }).await
    }

    /// Stops syncing an account and removes it with its cached incidents, outbox and token.
    pub async fn remove_account[state: State<'_, AppState>](name: String) -> () {
        state.call(RemoveAccount { name }).await
    }

    /// Who the account's token belongs to on its platform (proves the token and address work).
    pub async fn test_account[state: State<'_, AppState>](name: String) -> RemoteUser {
        state.call(TestAccount { name }).await
    }

    /// Whom the account's incidents can be reassigned to: its users and escalation policies
    /// matching every word of `search`, from the cache (`cached`), from the platform when the
    /// cache is old (`if_stale`) or now.
    pub async fn list_responders[state: State<'_, AppState>](
        account: String,
        fetch: ResponderFetch,
        search: String,
    ) -> Responders {
        state.call(ListResponders { account, fetch, search }).await
    }

    /// Polls the account's platform now (restarting its sync if it had stopped).
    pub async fn sync_account[state: State<'_, AppState>](name: String) -> () {
        state.call(SyncAccount { name }).await
    }
}

fn kind_capabilities() -> Vec<KindCapabilities> {
    std::iter::once(AccountKind::Local)
        .chain(AccountKind::REMOTE)
        .map(|kind| KindCapabilities {
            kind,
            default_base_url: kind.default_base_url().map(str::to_owned),
            // The engine exchanges a GoAlert login for a session token; the others take API tokens.
            login: kind == AccountKind::GoAlert,
            min_poll_secs: kind.min_poll_secs(),
            actions: ACTIONS
                .iter()
                .map(|&action| ActionSupport {
                    action,
                    unsupported: kind.supports(action).err().map(|e| e.to_string()),
                })
                .collect(),
        })
        .collect()
}
