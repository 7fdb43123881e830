// Typed wrappers around the Tauri IPC. This is the only module that calls
// `invoke` or `listen`; names and argument shapes mirror the Rust commands.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  Incident,
  IncidentDetail,
  IncidentId,
  IncidentPage,
  IpcError,
  IpcErrorCode,
  OnCallStatus,
  RingState,
  TestPagePath,
} from './bindings';

export const INCIDENTS_CHANGED_EVENT = 'klaxon://incidents-changed';
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

export function onIncidentsChanged(handler: () => void): Promise<UnlistenFn> {
  return listen<unknown>(INCIDENTS_CHANGED_EVENT, () => handler());
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

const CODES: readonly IpcErrorCode[] = [
  'not_found',
  'invalid_state',
  'invalid_input',
  'storage',
  'config',
  'internal',
];

/** Normalise whatever a rejected invoke produced into an `IpcError`. */
export function toIpcError(err: unknown): IpcError {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    if (typeof e.message === 'string') {
      const code = CODES.includes(e.code as IpcErrorCode) ? (e.code as IpcErrorCode) : 'internal';
      return { code, message: e.message };
    }
  }
  if (typeof err === 'string') return { code: 'internal', message: err };
  return { code: 'internal', message: String(err) };
}
