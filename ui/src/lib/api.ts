// Typed wrappers around the Tauri IPC. This is the only module that calls
// `invoke` or `listen`; names and argument shapes mirror the Rust commands.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  Account,
  AccountKind,
  ActionOutcome,
  Incident,
  IncidentDetail,
  IncidentId,
  IncidentPage,
  IpcError,
  IpcErrorCode,
  KindCapabilities,
  OnCallStatus,
  OutboxEntry,
  RemoteUser,
  RingState,
  ShadowSettings,
  TestPagePath,
} from './bindings';

/** Names the kinds of server state that changed; the payload of `CHANGED_EVENT`. */
// TODO generated: Rust will export this type into bindings.ts.
export type Resource = 'incidents' | 'accounts' | 'outbox' | 'on_call' | 'shadow';

export const CHANGED_EVENT = 'klaxon://changed';
export const PAGE_EVENT = 'klaxon://page';
export const RINGING_EVENT = 'klaxon://ringing';
export const DELIVERY_FAILED_EVENT = 'klaxon://delivery-failed';

/** Payload of `klaxon://delivery-failed` (not exported by ts-rs: it is an app-side event struct). */
export type DeliveryFailure = {
  /** The delivery path's name, e.g. `ringtone`, `notification`, `page-screen`. */
  path: string;
  incident: IncidentId;
  error: string;
};

/** The head of the dashboard list (already sorted by Rust) and the total count. */
export function listIncidents(all: boolean): Promise<IncidentPage> {
  return invoke<IncidentPage>('list_incidents', { all });
}

/** The user has read the list's warnings (e.g. "the database was found empty"). */
export function dismissWarnings(): Promise<void> {
  return invoke<void>('dismiss_warnings');
}

export function getIncident(id: IncidentId): Promise<IncidentDetail> {
  return invoke<IncidentDetail>('get_incident', { id });
}

export function acknowledgeIncident(id: IncidentId): Promise<Incident> {
  return invoke<Incident>('acknowledge_incident', { id });
}

export function escalateIncident(id: IncidentId): Promise<Incident> {
  return invoke<Incident>('escalate_incident', { id });
}

export function resolveIncident(id: IncidentId): Promise<Incident> {
  return invoke<Incident>('resolve_incident', { id });
}

/** Adds a note to the timeline; platform incidents also queue it for their platform. */
export function noteIncident(id: IncidentId, text: string): Promise<ActionOutcome> {
  return invoke<ActionOutcome>('note_incident', { id, text });
}

/** Silences an acknowledged incident's notifications for `minutes` (Rust accepts 1–1440). */
export function snoozeIncident(id: IncidentId, minutes: number): Promise<ActionOutcome> {
  return invoke<ActionOutcome>('snooze_incident', { id, minutes });
}

/** Gives the incident to these platform user ids. */
export function reassignIncident(id: IncidentId, to: string[]): Promise<ActionOutcome> {
  return invoke<ActionOutcome>('reassign_incident', { id, to });
}

/** What each kind of account can do, and what its add form needs. */
export function capabilities(): Promise<KindCapabilities[]> {
  return invoke<KindCapabilities[]>('capabilities');
}

/** Platform accounts with how their sync is going. */
export function listAccounts(): Promise<Account[]> {
  return invoke<Account[]>('list_accounts');
}

/** What the add-account form sends. `token` is the API token, or the password with `username`. */
export type NewAccount = {
  kind: AccountKind;
  name: string;
  baseUrl: string | null;
  token: string;
  username: string | null;
  pollSecs: number | null;
};

/** Adds an account once its platform accepted the credentials (which Rust never sends back). */
export function addAccount(account: NewAccount): Promise<Account> {
  return invoke<Account>('add_account', account);
}

/** Removes an account with its cached incidents, queued actions and token. */
export function removeAccount(name: string): Promise<null> {
  return invoke<null>('remove_account', { name });
}

/** Who the account's token belongs to on its platform. */
export function testAccount(name: string): Promise<RemoteUser> {
  return invoke<RemoteUser>('test_account', { name });
}

/** Polls the account's platform now. */
export function syncAccount(name: string): Promise<null> {
  return invoke<null>('sync_account', { name });
}

/** Queued, sending and failed actions (with `all`, also done ones), oldest first. */
export function listOutbox(all: boolean): Promise<OutboxEntry[]> {
  return invoke<OutboxEntry[]>('list_outbox', { all });
}

/** Queues a failed action again. */
export function retryOutbox(id: number): Promise<OutboxEntry> {
  return invoke<OutboxEntry>('retry_outbox', { id });
}

/** Drops a failed or pending action; the platform's state wins at the next sync. */
export function discardOutbox(id: number): Promise<OutboxEntry> {
  return invoke<OutboxEntry>('discard_outbox', { id });
}

export function onCallStatus(): Promise<OnCallStatus> {
  return invoke<OnCallStatus>('on_call_status');
}

export function uiReady(): Promise<null> {
  return invoke<null>('ui_ready');
}

/** What rings now; the page screen shows `current`. */
export function ringState(): Promise<RingState> {
  return invoke<RingState>('ring_state');
}

/** Silences the ringtone for `minutes` (Rust accepts 1–60); returns the new state. */
export function muteRinging(minutes: number): Promise<RingState> {
  return invoke<RingState>('mute_ringing', { minutes });
}

/** Sends a test page through every delivery path; one result per path, in order. */
export function testPage(): Promise<TestPagePath[]> {
  return invoke<TestPagePath[]>('test_page');
}

/** Whether Klaxon starts at login (hidden in the tray). */
export function autostartEnabled(): Promise<boolean> {
  return invoke<boolean>('autostart_enabled');
}

/** Turns start at login on or off; resolves to the new setting. */
export function setAutostart(enabled: boolean): Promise<boolean> {
  return invoke<boolean>('set_autostart', { enabled });
}

/** Whom I shadow, where that list comes from, and everyone I could follow. */
export function shadowSettings(): Promise<ShadowSettings> {
  return invoke<ShadowSettings>('shadow_settings');
}

/** Follows these targets (`person:…`, `rotation:…`, `level:…`), replacing the team file's list. */
export function setShadow(follow: string[]): Promise<ShadowSettings> {
  return invoke<ShadowSettings>('set_shadow', { follow });
}

/** Drops the list chosen in the app: the team file's `[shadow]` list applies again. */
export function resetShadow(): Promise<ShadowSettings> {
  return invoke<ShadowSettings>('reset_shadow');
}

/** Which kinds of server state changed (each store reloads only when it is named). */
export function onChanged(handler: (resources: Resource[]) => void): Promise<UnlistenFn> {
  return listen<Resource[]>(CHANGED_EVENT, (event) => handler(event.payload));
}

export function onPage(handler: (incident: Incident) => void): Promise<UnlistenFn> {
  return listen<Incident>(PAGE_EVENT, (event) => handler(event.payload));
}

export function onRinging(handler: (ring: RingState) => void): Promise<UnlistenFn> {
  return listen<RingState>(RINGING_EVENT, (event) => handler(event.payload));
}

export function onDeliveryFailed(handler: (failure: DeliveryFailure) => void): Promise<UnlistenFn> {
  return listen<DeliveryFailure>(DELIVERY_FAILED_EVENT, (event) => handler(event.payload));
}

// A record, so that type-checking fails when Rust adds a code this list lacks.
const CODES: Record<IpcErrorCode, true> = {
  not_found: true,
  invalid_state: true,
  invalid_input: true,
  storage: true,
  config: true,
  internal: true,
  unsupported: true,
  unauthorized: true,
  unreachable: true,
  rate_limited: true,
  platform: true,
  keyring: true,
  account: true,
  pager: true,
};

function isCode(code: unknown): code is IpcErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(CODES, code);
}

/** Normalise whatever a rejected invoke produced into an `IpcError`. */
export function toIpcError(err: unknown): IpcError {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    if (typeof e.message === 'string') {
      const code = isCode(e.code) ? e.code : 'internal';
      return { code, message: e.message };
    }
  }
  if (typeof err === 'string') return { code: 'internal', message: err };
  return { code: 'internal', message: String(err) };
}
