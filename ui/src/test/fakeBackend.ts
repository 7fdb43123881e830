// A small stateful stand-in for the Rust commands, wired through mockIPC.
import { mockIPC } from '@tauri-apps/api/mocks';
import type { InvokeArgs } from '@tauri-apps/api/core';
import type {
  Incident,
  IncidentDetail,
  IncidentPage,
  IpcError,
  LogEntry,
  OnCallStatus,
  RingState,
  TestPagePath,
} from '../lib/bindings';

export function makeIncident(id: number, overrides: Partial<Incident> = {}): Incident {
  return {
    id,
    account: 'prod',
    provider_ref: `PD-${id}`,
    web_url: null,
    title: `Incident ${id}`,
    service: 'api',
    severity: 'sev2',
    urgency: 'high',
    status: 'triggered',
    assignees: ['alice'],
    escalation_level: 1,
    escalation_pass: 0,
    escalation_policy: 'default',
    next_escalation_at: null,
    created_at: '2024-05-01T03:00:00Z',
    acknowledged_at: null,
    resolved_at: null,
    updated_at: '2024-05-01T03:00:00Z',
    dedup_key: null,
    details: { text: null, labels: {} },
    trigger_seq: 1,
    alert_count: 1,
    ...overrides,
  };
}

export const defaultStatus: OnCallStatus = {
  me: { id: 'alice', name: 'Alice', email: null, phone: null, chat: null },
  me_on_call: true,
  entries: [
    { policy: 'default', level: 1, person_id: 'alice', person_name: 'Alice', rotation: 'primary', until: null },
  ],
};

/** A ring state with `incident` ringing (or nothing, for `null`). */
export function makeRing(incident: Incident | null, overrides: Partial<RingState> = {}): RingState {
  return {
    current: incident,
    unanswered: incident ? 1 : 0,
    muted: false,
    next_up: incident ? ['Bob'] : [],
    ...overrides,
  };
}

export const defaultTestPaths: TestPagePath[] = [
  { path: 'notification', ok: true, error: null },
  { path: 'page-screen', ok: true, error: null },
];

export type Call = { cmd: string; args: InvokeArgs | undefined };

export interface FakeBackend {
  incidents: Incident[];
  logs: Map<number, LogEntry[]>;
  status: OnCallStatus;
  /** What `ring_state` answers; `mute_ringing` sets `muted` on it. */
  ring: RingState;
  /** What `test_page` answers. */
  testPaths: TestPagePath[];
  /** Start at login. */
  autostart: boolean;
  calls: Call[];
  /** Make the next call of `cmd` reject with this error. */
  failNext: Map<string, IpcError>;
  /** How many incidents `list_incidents` sends at most (the rest only count in `total`). */
  limit: number;
  callsOf(cmd: string): Call[];
}

const T = '2024-05-01T03:05:00Z';

export function installFakeBackend(initial: Incident[], status: OnCallStatus = defaultStatus): FakeBackend {
  const fake: FakeBackend = {
    incidents: initial.map((i) => structuredClone(i)),
    logs: new Map(initial.map((i) => [i.id, [{ at: i.created_at, kind: 'triggered', message: 'Triggered', actor: null }]])),
    status,
    ring: makeRing(null),
    testPaths: structuredClone(defaultTestPaths),
    autostart: false,
    calls: [],
    failNext: new Map(),
    limit: 200,
    callsOf: (cmd) => fake.calls.filter((c) => c.cmd === cmd),
  };

  const find = (args: InvokeArgs | undefined): Incident => {
    const id = (args as { id: number }).id;
    const inc = fake.incidents.find((i) => i.id === id);
    if (!inc) throw { code: 'not_found', message: `incident ${id} not found` } satisfies IpcError;
    return inc;
  };
  const log = (inc: Incident, kind: LogEntry['kind'], message: string) =>
    fake.logs.get(inc.id)?.push({ at: T, kind, message, actor: 'alice' });

  // Values cross IPC as JSON: hand out copies, never the fake's own objects.
  mockIPC(
    (cmd, args) => structuredClone(handle(cmd, args)),
    { shouldMockEvents: true },
  );
  return fake;

  function handle(cmd: string, args: InvokeArgs | undefined): unknown {
    fake.calls.push({ cmd, args });
    const failure = fake.failNext.get(cmd);
    if (failure) {
      fake.failNext.delete(cmd);
      throw failure;
    }
    switch (cmd) {
      case 'list_incidents': {
        const all = (args as { all: boolean }).all;
        const listed = fake.incidents.filter((i) => all || i.status !== 'resolved');
        return { incidents: listed.slice(0, fake.limit), total: listed.length } satisfies IncidentPage;
      }
      case 'get_incident': {
        const inc = find(args);
        return { incident: inc, log: fake.logs.get(inc.id) ?? [] } satisfies IncidentDetail;
      }
      case 'acknowledge_incident': {
        const inc = find(args);
        inc.status = 'acknowledged';
        inc.acknowledged_at = T;
        log(inc, 'acknowledged', 'Acknowledged');
        return inc;
      }
      case 'escalate_incident': {
        const inc = find(args);
        inc.escalation_level += 1;
        log(inc, 'escalated', `Escalated to level ${inc.escalation_level}`);
        return inc;
      }
      case 'resolve_incident': {
        const inc = find(args);
        inc.status = 'resolved';
        inc.resolved_at = T;
        log(inc, 'resolved', 'Resolved');
        return inc;
      }
      case 'on_call_status':
        return fake.status;
      case 'ui_ready':
        return null;
      case 'ring_state':
        return fake.ring;
      case 'mute_ringing': {
        const minutes = (args as { minutes: number }).minutes;
        if (!(minutes >= 1 && minutes <= 60)) {
          throw { code: 'invalid_input', message: `minutes: ${minutes} is not between 1 and 60` } satisfies IpcError;
        }
        fake.ring = { ...fake.ring, muted: true };
        return fake.ring;
      }
      case 'test_page':
        return fake.testPaths;
      case 'autostart_enabled':
        return fake.autostart;
      case 'set_autostart':
        fake.autostart = (args as { enabled: boolean }).enabled;
        return fake.autostart;
      default:
        throw { code: 'internal', message: `unexpected command ${cmd}` } satisfies IpcError;
    }
  }
}
