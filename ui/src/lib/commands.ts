// Generated from the Rust commands and events (KLAXON_WRITE_BINDINGS=1 cargo test -p klaxon-app bindings). Do not edit.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { Account, AccountKind, ActionOutcome, ChecklistView, DeliveryFailure, Incident, IncidentDetail, IncidentId, IncidentPage, KindCapabilities, OnCallStatus, Onboarding, OutboxEntry, OverrideEntry, PhoneSettings, PhoneView, Readiness, ReassignTo, RemoteUser, Resource, ResponderFetch, Responders, RingState, RoundTrip, ScheduleView, ShadowSettings, TestPagePath } from './bindings';

/**
 * The head of the dashboard list (already sorted by Rust) and the total count; with `all`,
 * also recently resolved incidents.
 */
export function listIncidents(all: boolean): Promise<IncidentPage> {
  return invoke<IncidentPage>('list_incidents', { all });
}

/** The user has read the list's warnings (e.g. "the database was found empty"). */
export function dismissWarnings(): Promise<null> {
  return invoke<null>('dismiss_warnings');
}

/** One incident with its alerts and timeline. */
export function getIncident(id: IncidentId): Promise<IncidentDetail> {
  return invoke<IncidentDetail>('get_incident', { id });
}

/** Acknowledges as me (and stops its ringing). */
export function acknowledgeIncident(id: IncidentId): Promise<Incident> {
  return invoke<Incident>('acknowledge_incident', { id });
}

/** Escalates to the next level. */
export function escalateIncident(id: IncidentId): Promise<Incident> {
  return invoke<Incident>('escalate_incident', { id });
}

/** Resolves as me. */
export function resolveIncident(id: IncidentId): Promise<Incident> {
  return invoke<Incident>('resolve_incident', { id });
}

/** Adds a note to the timeline; platform incidents also queue it for their platform. */
export function noteIncident(id: IncidentId, text: string): Promise<ActionOutcome> {
  return invoke<ActionOutcome>('note_incident', { id, text });
}

/** Silences an acknowledged incident's notifications for `minutes` (1–1440). */
export function snoozeIncident(id: IncidentId, minutes: number): Promise<ActionOutcome> {
  return invoke<ActionOutcome>('snooze_incident', { id, minutes });
}

/**
 * Opens the incident's own link (its page on the platform, or the alert's source) in the
 * default browser. Only that http(s) link is opened, never a URL the webview names: a local
 * alert's sender chose it.
 */
export function openIncidentLink(id: IncidentId): Promise<null> {
  return invoke<null>('open_incident_link', { id });
}

/** Gives the incident to platform users or an escalation policy. */
export function reassignIncident(id: IncidentId, to: ReassignTo): Promise<ActionOutcome> {
  return invoke<ActionOutcome>('reassign_incident', { id, to });
}

/**
 * What each kind of account can do (the embedded `local` one first, then the platforms), and
 * what its add form needs.
 */
export function capabilities(): Promise<Array<KindCapabilities>> {
  return invoke<Array<KindCapabilities>>('capabilities');
}

/** Platform accounts, with how their sync is going. */
export function listAccounts(): Promise<Array<Account>> {
  return invoke<Array<Account>>('list_accounts');
}

/**
 * Adds a platform account once the platform accepted the credentials (never sent back), and
 * starts syncing it. `token` is the API token, or with `username` the password; it is wrapped
 * in a `Secret` as it is deserialized, goes to the keyring only (through the pager's control
 * socket where the engine runs in another process), and is never returned, logged or put in
 * an error.
 */
export function addAccount(kind: AccountKind, name: string, baseUrl: string | null, token: string, username: string | null, pollSecs: number | null): Promise<Account> {
  return invoke<Account>('add_account', { kind, name, baseUrl, token, username, pollSecs });
}

/** Stops syncing an account and removes it with its cached incidents, outbox and token. */
export function removeAccount(name: string): Promise<null> {
  return invoke<null>('remove_account', { name });
}

/** Who the account's token belongs to on its platform (proves the token and address work). */
export function testAccount(name: string): Promise<RemoteUser> {
  return invoke<RemoteUser>('test_account', { name });
}

/**
 * Whom the account's incidents can be reassigned to: its users and escalation policies
 * matching every word of `search`, from the cache (`cached`), from the platform when the
 * cache is old (`if_stale`) or now.
 */
export function listResponders(account: string, fetch: ResponderFetch, search: string): Promise<Responders> {
  return invoke<Responders>('list_responders', { account, fetch, search });
}

/** Polls the account's platform now (restarting its sync if it had stopped). */
export function syncAccount(name: string): Promise<null> {
  return invoke<null>('sync_account', { name });
}

/**
 * Actions waiting for, on their way to, or refused by their platform (with `all`, also the
 * done ones), oldest first.
 */
export function listOutbox(all: boolean): Promise<Array<OutboxEntry>> {
  return invoke<Array<OutboxEntry>>('list_outbox', { all });
}

/** Queues a failed action again. */
export function retryOutbox(id: number): Promise<OutboxEntry> {
  return invoke<OutboxEntry>('retry_outbox', { id });
}

/** Drops a failed or pending action; the platform's state wins at the next sync. */
export function discardOutbox(id: number): Promise<OutboxEntry> {
  return invoke<OutboxEntry>('discard_outbox', { id });
}

/** Who is on call now (team file and every platform account), and whether that is me. */
export function onCallStatus(): Promise<OnCallStatus> {
  return invoke<OnCallStatus>('on_call_status');
}

/**
 * The Schedule view over `[from, to)`: every schedule's rows with gaps, my shifts, each
 * policy's levels and who holds them now, the overrides, and the next 12 weeks' fairness.
 */
export function getSchedule(from: string, to: string): Promise<ScheduleView> {
  return invoke<ScheduleView>('get_schedule', { from, to });
}

/**
 * `person` holds `layer` (the first when none) of team-file schedule `schedule` over
 * `[start, end)`: "cover my shift".
 */
export function addOverride(schedule: string, layer: string | null, person: string, start: string, end: string): Promise<OverrideEntry> {
  return invoke<OverrideEntry>('add_override', { schedule, layer, person, start, end });
}

/** Removes an override; answers it as it was. */
export function removeOverride(id: number): Promise<OverrideEntry> {
  return invoke<OverrideEntry>('remove_override', { id });
}

/**
 * Writes my shifts of the next `days` days (every source) as `klaxon-shifts.ics` in the
 * Downloads folder; answers its path.
 */
export function exportShifts(days: number): Promise<string> {
  return invoke<string>('export_shifts', { days });
}

/** What rings now; the page screen shows `current`. */
export function ringState(): Promise<RingState> {
  return invoke<RingState>('ring_state');
}

/**
 * Silences the ringtone for `minutes` (1–60); pages stay unanswered and re-alerts still
 * happen. Returns the new state.
 */
export function muteRinging(minutes: number): Promise<RingState> {
  return invoke<RingState>('mute_ringing', { minutes });
}

/** Lets the muted page ring again; returns the new state. */
export function unmuteRinging(): Promise<RingState> {
  return invoke<RingState>('unmute_ringing');
}

/** Acknowledges every page ringing for me; answers how many. */
export function acknowledgeAll(): Promise<number> {
  return invoke<number>('acknowledge_all');
}

/** Sends a test page through every delivery path; one result per path, in order. */
export function testPage(): Promise<Array<TestPagePath>> {
  return invoke<Array<TestPagePath>>('test_page');
}

/**
 * Where pages go to the phone, its QR code, and whether an access token is kept (never the
 * token itself).
 */
export function getPhone(): Promise<PhoneView> {
  return invoke<PhoneView>('get_phone');
}

/** Settings to start from: ntfy.sh and a fresh unguessable topic (nothing saved). */
export function suggestPhone(): Promise<PhoneSettings> {
  return invoke<PhoneSettings>('suggest_phone');
}

/**
 * Chooses where pages go to the phone (`null`: nowhere; refused while the team file has
 * `[phone]`). `token`: keep this ntfy access token in the OS keyring (`""`: forget it;
 * `null`: leave it); it is wrapped in a `Secret` as it is deserialized and never returned.
 */
export function setPhone(settings: PhoneSettings | null, token: string | null): Promise<PhoneView> {
  return invoke<PhoneView>('set_phone', { settings, token });
}

/**
 * Pushes a test page to the phone and waits up to `seconds` (at most 120) for its
 * Acknowledge: the round trip, timed.
 */
export function testPhone(seconds: number): Promise<RoundTrip> {
  return invoke<RoundTrip>('test_phone', { seconds });
}

/** Whom I shadow, where that list comes from, and everyone I could follow. */
export function shadowSettings(): Promise<ShadowSettings> {
  return invoke<ShadowSettings>('shadow_settings');
}

/**
 * Follows these targets (`person:…`, `rotation:…`, `level:…`) instead of the team file's list
 * (all checked before anything is saved).
 */
export function setShadow(follow: Array<string>): Promise<ShadowSettings> {
  return invoke<ShadowSettings>('set_shadow', { follow });
}

/** Drops the list chosen in the app: the team file's `[shadow]` list applies again. */
export function resetShadow(): Promise<ShadowSettings> {
  return invoke<ShadowSettings>('reset_shadow');
}

/** Every checklist with its items' latest results, the files that did not load, and the badge. */
export function getReadiness(): Promise<Readiness> {
  return invoke<Readiness>('get_readiness');
}

/** Runs the checklist now (its probes at once); answers it as it stands afterwards. */
export function runChecklist(name: string): Promise<ChecklistView> {
  return invoke<ChecklistView>('run_checklist', { name });
}

/** Ticks (or with `ticked` false takes back) an item answered by hand, then checks it again. */
export function tickChecklistItem(checklist: string, item: string, ticked: boolean, note: string | null): Promise<ChecklistView> {
  return invoke<ChecklistView>('tick_checklist_item', { checklist, item, ticked, note });
}

/** Every onboarding plan with each task's progress and what is next. */
export function getOnboarding(): Promise<Onboarding> {
  return invoke<Onboarding>('get_onboarding');
}

/**
 * Ticks (or takes back) a task done by hand; `part` is which link of a reading task; a
 * sign-off counts only in the mentor's name (`by`).
 */
export function tickOnboardingTask(plan: string, task: string, part: number, by: string | null, ticked: boolean): Promise<Onboarding> {
  return invoke<Onboarding>('tick_onboarding_task', { plan, task, part, by, ticked });
}

/** Marks an incident reviewed (a new hire's review task counts these). */
export function markIncidentReviewed(id: IncidentId): Promise<null> {
  return invoke<null>('mark_incident_reviewed', { id });
}

/** The UI rendered its first incident list: log the cold-start time once. */
export function uiReady(): Promise<null> {
  return invoke<null>('ui_ready');
}

/** Whether Klaxon starts at login (hidden in the tray). */
export function autostartEnabled(): Promise<boolean> {
  return invoke<boolean>('autostart_enabled');
}

/** Turns start at login on or off; returns the new setting. */
export function setAutostart(enabled: boolean): Promise<boolean> {
  return invoke<boolean>('set_autostart', { enabled });
}

export const CHANGED_EVENT = 'klaxon://changed';
/** Which kinds of server state changed (each store reloads only when named). */
export function onChanged(handler: (payload: Array<Resource>) => void): Promise<UnlistenFn> {
  return listen<Array<Resource>>(CHANGED_EVENT, (event) => handler(event.payload));
}

export const PAGE_EVENT = 'klaxon://page';
/** I am paged: the incident. */
export function onPage(handler: (payload: Incident) => void): Promise<UnlistenFn> {
  return listen<Incident>(PAGE_EVENT, (event) => handler(event.payload));
}

export const RINGING_EVENT = 'klaxon://ringing';
/** What rings changed. */
export function onRinging(handler: (payload: RingState) => void): Promise<UnlistenFn> {
  return listen<RingState>(RINGING_EVENT, (event) => handler(event.payload));
}

export const DELIVERY_FAILED_EVENT = 'klaxon://delivery-failed';
/** A delivery path failed (the others still ran). */
export function onDeliveryFailed(handler: (payload: DeliveryFailure) => void): Promise<UnlistenFn> {
  return listen<DeliveryFailure>(DELIVERY_FAILED_EVENT, (event) => handler(event.payload));
}
