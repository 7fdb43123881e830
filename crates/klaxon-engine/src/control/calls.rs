//! Every call a shell can make on the engine, each bound to its reply type: `Backend::call`,
//! [`Dispatcher::call`](super::Dispatcher::call) and [`ControlClient::call`](super::ControlClient)
//! take a call and return its `Reply`, so a request paired with the wrong answer does not compile.
//! The same structs cross the control socket inside [`Request`] (`{"call": "list_incidents", "all":
//! true}`); the dispatcher's handler for each is named after it in `dispatch.rs`.

use super::{Dispatcher, IpcError, TestPagePath, WireSecret};
use crate::checklists::{ChecklistView, Readiness};
use crate::onboarding::Onboarding;
use crate::phone::{PhonePressed, PhoneView, RoundTrip};
use crate::schedule_view::ScheduleView;
use crate::{ResponderFetch, UserAction};
use chrono::{DateTime, Utc};
use klaxon_core::{
    Account, AccountKind, Incident, IncidentDetail, IncidentPage, OnCallStatus, OutboxEntry, OverrideEntry, RemoteUser,
    Responders, ShadowSettings, pager::RingState, phone::PhoneSettings,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::future::Future;

/// A request and the type of its answer.
pub trait Call: Into<Request> + Send + 'static {
    /// What the engine answers.
    type Reply: Serialize + DeserializeOwned + Send + 'static;
    /// Carries the call out on `dispatcher` (in this process, no serialization).
    fn run(self, dispatcher: &Dispatcher) -> impl Future<Output = Result<Self::Reply, IpcError>> + Send;
}

/// What an action did: the incident as it is now, and the outbox entry if it goes to a platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActionOutcome {
    pub incident: Incident,
    pub queued: Option<OutboxEntry>,
}

/// The answer to [`AttachWindow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attached {
    /// False: another window was already attached (and has been shown); this one should close.
    pub first: bool,
}

fn to_json<T: Serialize>(value: T) -> Result<serde_json::Value, IpcError> {
    serde_json::to_value(value).map_err(|e| IpcError::new(super::IpcErrorCode::Internal, e.to_string()))
}

/// Declares each call (a struct), its reply type and its handler on [`Dispatcher`], and the
/// [`Request`] enum that carries any of them over the socket.
macro_rules! calls {
    ($(
        $(#[$meta:meta])*
        $name:ident { $($(#[$field_meta:meta])* $field:ident: $ty:ty),* $(,)? } -> $reply:ty => $handler:ident;
    )*) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
            pub struct $name { $($(#[$field_meta])* pub $field: $ty),* }

            impl Call for $name {
                type Reply = $reply;
                fn run(self, dispatcher: &Dispatcher) -> impl Future<Output = Result<$reply, IpcError>> + Send {
                    dispatcher.$handler(self)
                }
            }

            impl From<$name> for Request {
                fn from(call: $name) -> Self {
                    Request::$name(call)
                }
            }
        )*

        /// Any call, as it crosses the control socket.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "call", rename_all = "snake_case")]
        pub enum Request {
            $($(#[$meta])* $name($name),)*
        }

        impl Request {
            /// Carries out whichever call this is and serializes its answer (the socket's side).
            pub async fn run_json(self, dispatcher: &Dispatcher) -> Result<serde_json::Value, IpcError> {
                match self {
                    $(Request::$name(call) => to_json(call.run(dispatcher).await?),)*
                }
            }
        }
    };
}

calls! {
    /// Open incidents (with `all`, also recently resolved), at most a dashboard's worth.
    ListIncidents { all: bool } -> IncidentPage => list_incidents;
    /// One incident with its alerts and timeline.
    GetIncident { id: i64 } -> IncidentDetail => get_incident;
    /// One action on one incident, as me.
    Act { id: i64, action: UserAction } -> ActionOutcome => act;
    /// Acknowledges every incident paging me; answers how many.
    AcknowledgeAll {} -> usize => acknowledge_all;
    /// Escalates the page that rings now (the tray); `None` when nothing rings.
    EscalateRinging {} -> Option<ActionOutcome> => escalate_ringing;
    /// Platform accounts, with how their sync is going.
    ListAccounts {} -> Vec<Account> => list_accounts;
    /// A new platform account; the token crosses the socket but is never logged: see [`WireSecret`].
    AddAccount {
        kind: AccountKind,
        name: String,
        base_url: Option<String>,
        username: Option<String>,
        token: WireSecret,
        poll_secs: Option<u32>,
    } -> Account => add_account;
    /// Stops syncing an account and removes it with its cache, outbox and token.
    RemoveAccount { name: String } -> () => remove_account;
    /// Who the account's token belongs to on its platform.
    TestAccount { name: String } -> RemoteUser => test_account;
    /// Polls the account's platform now.
    SyncAccount { name: String } -> () => sync_account;
    /// Every readiness checklist with its items' latest results, and the badge.
    GetReadiness {} -> Readiness => readiness;
    /// Runs a checklist now; answers it as it stands afterwards.
    RunChecklist { name: String } -> ChecklistView => run_checklist;
    /// Ticks (or with `ticked` false takes back) an item answered by hand, then checks it again.
    TickItem { checklist: String, item: String, ticked: bool, note: Option<String> } -> ChecklistView => tick_item;
    /// Every onboarding plan with each task's progress.
    GetOnboarding {} -> Onboarding => onboarding;
    /// Ticks (or takes back) a task done by hand (`part`: which link of a reading task); the
    /// sign-off counts in the mentor's name (`by`) only.
    TickTask { plan: String, task: String, part: u32, by: Option<String>, ticked: bool } -> Onboarding => tick_task;
    /// Marks an incident reviewed (a new hire's review task counts these).
    MarkReviewed { id: i64 } -> () => mark_reviewed;
    /// The Schedule view: every schedule over `[from, to)`, policies now, overrides, fairness.
    GetSchedule { from: DateTime<Utc>, to: DateTime<Utc> } -> ScheduleView => schedule;
    /// `person` holds `layer` (the first when none) of team-file schedule `schedule` over
    /// `[start, end)`: "cover my shift".
    AddOverride { schedule: String, layer: Option<String>, person: String, start: DateTime<Utc>, end: DateTime<Utc> } -> OverrideEntry => add_override;
    /// Removes an override.
    RemoveOverride { id: i64 } -> OverrideEntry => remove_override;
    /// Writes my shifts of the next `days` days (every source) as `klaxon-shifts.ics` in `folder`
    /// (default: Downloads); its path.
    ExportShifts { days: u32, folder: Option<String> } -> String => export_shifts;
    /// Whom the account's incidents can be reassigned to (its users and escalation policies):
    /// those whose name, detail or id holds every word of `search` (all when it is empty).
    ListResponders { account: String, fetch: ResponderFetch, search: String } -> Responders => list_responders;
    /// Actions waiting for (with `all`, also done with) their platform.
    ListOutbox { all: bool } -> Vec<OutboxEntry> => list_outbox;
    /// Sends a failed outbox entry again.
    RetryOutbox { id: i64 } -> OutboxEntry => retry_outbox;
    /// Gives up on an outbox entry.
    DiscardOutbox { id: i64 } -> OutboxEntry => discard_outbox;
    /// Who is on call, here and on every platform.
    GetOnCall {} -> OnCallStatus => on_call;
    /// What rings now.
    GetRingState {} -> RingState => ring_state;
    /// Silences the ringing page's ringtone for `minutes` (1 to
    /// [`MAX_MUTE_MINUTES`](super::MAX_MUTE_MINUTES)); a new page rings at once.
    Mute { minutes: u32 } -> RingState => mute;
    /// Lets the muted page ring again.
    Unmute {} -> RingState => unmute;
    /// A test page through every delivery path.
    TestPage {} -> Vec<TestPagePath> => test_page;
    /// Whom shadow mode follows.
    GetShadowSettings {} -> ShadowSettings => shadow_settings;
    /// Follow these (`person:ID`, `rotation:ID`, `level:POLICY:N`) instead of the team file's list.
    SetShadow { follow: Vec<String> } -> ShadowSettings => set_shadow;
    /// Back to the team file's `[shadow]` list.
    ResetShadow {} -> ShadowSettings => reset_shadow;
    /// The user has read the list's warnings (e.g. "the database was found empty").
    DismissWarnings {} -> () => dismiss_warnings;
    /// This connection is the app's window: the pager sends it `show_window` from now on. If
    /// another window is attached, that one is shown instead and the answer says so.
    AttachWindow {} -> Attached => attach_window;
    /// Show the app's window (attached, or started).
    ShowWindow {} -> () => show_window;
    /// Stop Klaxon (`klaxon stop`; the tray's Quit).
    Quit {} -> () => quit;
    /// Where pages go to the phone (no secrets).
    GetPhone {} -> PhoneView => phone;
    /// Fresh phone settings to start from: ntfy.sh and a new unguessable topic (nothing saved).
    SuggestPhone {} -> PhoneSettings => suggest_phone;
    /// Chooses where pages go to the phone (`None`: nowhere). `token`: keep this ntfy access
    /// token in the keyring (empty: forget it; absent: leave it).
    SetPhone { settings: Option<PhoneSettings>, token: Option<WireSecret> } -> PhoneView => set_phone;
    /// A message on the phone's reply topic (ntfy message id and body): carried out if it is a
    /// genuine, unexpired capability not used before, refused otherwise.
    PhonePress { message_id: String, body: String } -> PhonePressed => phone_press;
    /// Pushes a test page to the phone and waits up to `seconds` (at most 120) for its
    /// Acknowledge: the round trip, timed.
    TestPhone { seconds: u32 } -> RoundTrip => test_phone;
}

#[cfg(test)]
mod tests {
    use super::*;
    use klaxon_core::Secret;

    #[test]
    fn calls_keep_their_wire_shape() {
        let act = serde_json::to_value(Request::from(Act { id: 3, action: UserAction::Snooze(15) })).unwrap();
        assert_eq!(act, serde_json::json!({"call": "act", "id": 3, "action": {"action": "snooze", "value": 15}}));
        let quit = serde_json::to_value(Request::from(Quit {})).unwrap();
        assert_eq!(quit, serde_json::json!({"call": "quit"}));
        let back: Request = serde_json::from_value(serde_json::json!({"call": "acknowledge_all"})).unwrap();
        assert_eq!(back, Request::AcknowledgeAll(AcknowledgeAll {}));
    }

    #[test]
    fn a_new_accounts_token_stays_out_of_debug() {
        let add = Request::from(AddAccount {
            kind: AccountKind::PagerDuty,
            name: "pd".into(),
            base_url: None,
            username: None,
            token: WireSecret::from_secret(&Secret::new("s3cret")),
            poll_secs: None,
        });
        let line = serde_json::to_string(&add).unwrap();
        assert_eq!(serde_json::from_str::<Request>(&line).unwrap(), add);
        assert!(!format!("{add:?}").contains("s3cret"), "{add:?}");
    }
}
