// A small stateful stand-in for the Rust commands, wired through mockIPC.
import { mockIPC } from '@tauri-apps/api/mocks';
import type { InvokeArgs } from '@tauri-apps/api/core';
import type {
  Account,
  Action,
  ActionOutcome,
  Incident,
  IncidentDetail,
  IncidentPage,
  IpcError,
  KindCapabilities,
  LogEntry,
  OnCallStatus,
  Onboarding,
  OutboxEntry,
  PhoneSettings,
  ReassignTo,
  RemoteUser,
  Responders,
  RingState,
  ShadowChoice,
  ShadowSettings,
  TestPagePath,
} from '../lib/bindings';
import type { NewAccount } from '../lib/api';
import { makeLine, makeRow } from './names';
import { FakeReadiness } from './fakeReadiness';
import { FakeSchedule } from './fakeSchedule';
import { FakePhone } from './fakePhone';
import {
  defaultKinds,
  defaultRemoteUser,
  defaultShadow,
  defaultStatus,
  defaultTestPaths,
  makeAccount,
  makeOutboxEntry,
  makeRing,
} from './fixtures';

export * from './fixtures';
export * from './fakeReadiness';
export * from './fakeSchedule';
export * from './fakePhone';

export type Call = { cmd: string; args: InvokeArgs | undefined };

export interface FakeBackend {
  incidents: Incident[];
  logs: Map<number, LogEntry[]>;
  status: OnCallStatus;
  /** What `ring_state` answers; `mute_ringing` and `unmute_ringing` change it. */
  ring: RingState;
  /** What `test_page` answers. */
  testPaths: TestPagePath[];
  /** Start at login. */
  autostart: boolean;
  /** Platform accounts (`list_accounts`); `add_account` appends. */
  accounts: Account[];
  /** What `capabilities` answers. */
  kinds: KindCapabilities[];
  /** Unfinished and failed actions; platform actions append, `discard_outbox` removes. */
  outbox: OutboxEntry[];
  /** What `test_account` answers. */
  remoteUser: RemoteUser;
  /** What `get_onboarding` (and `tick_onboarding_task`, which records its arguments) answers. */
  onboarding: Onboarding;
  onboardingTicks: { plan: string; task: string; part: number; by: string | null; ticked: boolean }[];
  /** Readiness checklists (`get_readiness`, `run_checklist`, `tick_checklist_item`). */
  readiness: FakeReadiness;
  /** The Schedule view (`get_schedule`, `add_override`, `remove_override`). */
  schedule: FakeSchedule;
  /** The phone (`get_phone`, `suggest_phone`, `set_phone`, `test_phone`). */
  phone: FakePhone;
  /** Whom each incident escalates to next (`get_incident`'s `escalates_to`; absent: not known). */
  escalatesTo: Map<number, string[]>;
  /** Each account's people and escalation policies (`list_responders`, searched like Rust). */
  responders: Map<string, Responders>;
  /** What `list_responders` with fetch `if_stale` or `now` puts in `responders` first (the platform's answer). */
  platformResponders: Map<string, Responders>;
  /** What `shadow_settings` answers; `set_shadow` and `reset_shadow` change it. */
  shadow: ShadowSettings;
  /** The team file's `[shadow] follow` targets: what `reset_shadow` goes back to. */
  shadowTeamFile: string[];
  calls: Call[];
  /** Make the next call of `cmd` reject with this error. */
  failNext: Map<string, IpcError>;
  /** How many incidents `list_incidents` sends at most (the rest only count in `total`). */
  limit: number;
  /** What `list_incidents` says about the cache; `dismiss_warnings` clears it. */
  warnings: string[];
  callsOf(cmd: string): Call[];
  /** Holds back the answer to the next call of `cmd` (computed when called) until `release` is called. */
  hold(cmd: string): { release: () => void };
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
    accounts: [],
    kinds: structuredClone(defaultKinds),
    outbox: [],
    remoteUser: structuredClone(defaultRemoteUser),
    shadow: structuredClone(defaultShadow),
    responders: new Map(),
    escalatesTo: new Map(),
    readiness: new FakeReadiness(),
    schedule: new FakeSchedule(),
    phone: new FakePhone(),
    onboarding: { plans: [], problems: [] },
    onboardingTicks: [],
    platformResponders: new Map(),
    shadowTeamFile: [],
    calls: [],
    failNext: new Map(),
    limit: 200,
    warnings: [],
    callsOf: (cmd) => fake.calls.filter((c) => c.cmd === cmd),
    hold: (cmd) => {
      let release = () => {};
      held.set(cmd, new Promise<void>((resolve) => (release = resolve)));
      return { release: () => release() };
    },
  };
  const held = new Map<string, Promise<void>>();

  const find = (args: InvokeArgs | undefined): Incident => {
    const id = (args as { id: number }).id;
    const inc = fake.incidents.find((i) => i.id === id);
    if (!inc) throw { code: 'not_found', message: `incident ${id} not found` } satisfies IpcError;
    return inc;
  };
  const log = (inc: Incident, kind: LogEntry['kind'], message: string) =>
    fake.logs.get(inc.id)?.push({ at: T, kind, message, actor: 'alice' });
  const fail = (code: IpcError['code'], message: string): never => {
    throw { code, message } satisfies IpcError;
  };
  const account = (args: InvokeArgs | undefined): Account => {
    const name = (args as { name: string }).name;
    return fake.accounts.find((a) => a.name === name) ?? fail('not_found', `no account named \`${name}\``);
  };
  const entry = (args: InvokeArgs | undefined): OutboxEntry => {
    const id = (args as { id: number }).id;
    return fake.outbox.find((e) => e.id === id) ?? fail('not_found', `no outbox entry ${id} that can be found`);
  };
  const shadowChoice = (target: string): ShadowChoice =>
    fake.shadow.choices.find((c) => c.target === target) ??
    fail('invalid_input', `follow: \`${target}\` is not a person, rotation or level here`);
  // Like Rust: refused for the account's kind, else applied and (for platforms) queued.
  const act = (inc: Incident, action: Action, message: string): ActionOutcome => {
    const kind = inc.account === 'local' ? 'local' : fake.accounts.find((a) => a.name === inc.account)?.kind;
    const why = fake.kinds.find((k) => k.kind === kind)?.actions.find((a) => a.action === action.type)?.unsupported;
    if (why) fail('unsupported', `cannot ${action.type}: ${why}`);
    log(inc, 'note', message);
    if (inc.account === 'local') return { incident: inc, queued: null };
    const queued = makeOutboxEntry(Math.max(0, ...fake.outbox.map((e) => e.id)) + 1, inc, { action });
    fake.outbox.push(queued);
    return { incident: inc, queued };
  };

  // Values cross IPC as JSON: hand out copies, never the fake's own objects.
  mockIPC(
    (cmd, args) => {
      const gate = held.get(cmd);
      if (!gate) return structuredClone(handle(cmd, args));
      held.delete(cmd);
      const answer = new Promise((resolve) => resolve(structuredClone(handle(cmd, args))));
      return gate.then(() => answer);
    },
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
        return {
          incidents: listed.slice(0, fake.limit).map(makeRow),
          total: listed.length,
          warnings: [...fake.warnings],
        } satisfies IncidentPage;
      }
      case 'dismiss_warnings':
        fake.warnings = [];
        return null;
      case 'get_incident': {
        const inc = find(args);
        const log = (fake.logs.get(inc.id) ?? []).map(makeLine);
        return { incident: makeRow(inc), log, escalates_to: fake.escalatesTo.get(inc.id) ?? null } satisfies IncidentDetail;
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
      case 'note_incident': {
        const text = (args as { text: string }).text;
        return act(find(args), { type: 'note', text }, text);
      }
      case 'snooze_incident': {
        const minutes = (args as { minutes: number }).minutes;
        return act(find(args), { type: 'snooze', minutes }, `Snoozed for ${minutes} min`);
      }
      case 'reassign_incident': {
        const to = (args as { to: ReassignTo }).to;
        const inc = find(args);
        const target = Array.isArray(to) ? to.join(', ') : `escalation policy ${to.escalation_policy}`;
        const outcome = act(inc, { type: 'reassign', to }, `Reassigned to ${target}`);
        inc.assignees = Array.isArray(to) ? to : [];
        return outcome;
      }
      case 'list_responders': {
        const { account, fetch, search } = args as { account: string; fetch: string; search: string };
        const fresh = fake.platformResponders.get(account);
        if (fetch !== 'cached' && fresh) fake.responders.set(account, fresh);
        const all = fake.responders.get(account) ?? fail('not_found', `no account named \`${account}\``);
        const words = search.toLowerCase().split(/\s+/).filter((w) => w !== '');
        const hay = (r: Responders['entries'][number]) => `${r.name} ${r.detail ?? ''} ${r.id}`.toLowerCase();
        return { ...all, entries: all.entries.filter((r) => words.every((w) => hay(r).includes(w))) };
      }
      case 'capabilities':
        return fake.kinds;
      case 'list_accounts':
        return fake.accounts;
      case 'add_account': {
        const a = args as NewAccount;
        const caps = fake.kinds.find((k) => k.kind === a.kind);
        if (fake.accounts.some((x) => x.name === a.name)) fail('account', `an account named \`${a.name}\` exists already`);
        const baseUrl = a.baseUrl ?? caps?.default_base_url ?? fail('account', `${a.kind} accounts need --base-url`);
        const added = makeAccount(a.name, { kind: a.kind, base_url: baseUrl, last_synced_at: null });
        fake.accounts.push(added);
        return added;
      }
      case 'remove_account': {
        const gone = account(args);
        fake.accounts = fake.accounts.filter((a) => a !== gone);
        return null;
      }
      case 'test_account':
        account(args);
        return fake.remoteUser;
      case 'sync_account':
        account(args);
        return null;
      case 'list_outbox':
        return fake.outbox;
      case 'retry_outbox': {
        const e = entry(args);
        if (e.state !== 'failed') fail('invalid_state', `outbox entry ${e.id} cannot be retried (only failed ones can)`);
        e.state = 'pending';
        return e;
      }
      case 'discard_outbox': {
        const e = entry(args);
        fake.outbox = fake.outbox.filter((x) => x !== e);
        return e;
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
        const until = new Date(Date.now() + minutes * 60_000).toISOString();
        fake.ring = { ...fake.ring, muted: true, muted_until: until };
        return fake.ring;
      }
      case 'open_incident_link': {
        const inc = find(args);
        if (!inc.web_url) throw { code: 'invalid_input', message: `incident ${inc.id} has no web link to open` } satisfies IpcError;
        return null;
      }
      case 'unmute_ringing':
        fake.ring = { ...fake.ring, muted: false, muted_until: null };
        return fake.ring;
      case 'acknowledge_all': {
        const triggered = fake.incidents.filter((i) => i.status === 'triggered');
        for (const inc of triggered) {
          inc.status = 'acknowledged';
          inc.acknowledged_at = T;
          log(inc, 'acknowledged', 'Acknowledged');
        }
        fake.ring = makeRing(null);
        return triggered.length;
      }
      case 'test_page':
        return fake.testPaths;
      case 'autostart_enabled':
        return fake.autostart;
      case 'set_autostart':
        fake.autostart = (args as { enabled: boolean }).enabled;
        return fake.autostart;
      case 'shadow_settings':
        return fake.shadow;
      case 'set_shadow': {
        const follow = (args as { follow: string[] }).follow.map(shadowChoice);
        fake.shadow = { ...fake.shadow, follow, source: 'app' };
        return fake.shadow;
      }
      case 'reset_shadow': {
        const follow = fake.shadowTeamFile.map(shadowChoice);
        fake.shadow = { ...fake.shadow, follow, source: 'team_file' };
        return fake.shadow;
      }
      case 'get_onboarding':
        return fake.onboarding;
      case 'tick_onboarding_task': {
        const a = args as { plan: string; task: string; part: number; by: string | null; ticked: boolean };
        fake.onboardingTicks.push(a);
        return fake.onboarding;
      }
      case 'mark_incident_reviewed':
        return null;
      case 'get_readiness':
        return fake.readiness.view();
      case 'run_checklist':
        return fake.readiness.run((args as { name: string }).name);
      case 'tick_checklist_item': {
        const a = args as { checklist: string; item: string; ticked: boolean };
        return fake.readiness.tick(a.checklist, a.item, a.ticked);
      }
      case 'get_schedule':
        return fake.schedule.view;
      case 'add_override':
        return fake.schedule.add(args as Parameters<FakeSchedule['add']>[0]);
      case 'remove_override':
        return fake.schedule.remove((args as { id: number }).id);
      case 'get_phone':
        return fake.phone.view();
      case 'suggest_phone':
        return fake.phone.suggest();
      case 'set_phone': {
        const a = args as { settings: PhoneSettings | null; token: string | null };
        return fake.phone.set(a.settings, a.token);
      }
      case 'test_phone':
        return fake.phone.test();
      case 'export_shifts':
        return '/home/alex/Downloads/klaxon-shifts.ics';
      default:
        throw { code: 'internal', message: `unexpected command ${cmd}` } satisfies IpcError;
    }
  }
}
