// Test data: incidents, accounts, ring states and the like as Rust would send them.
import type {
  Account,
  AccountKind,
  Incident,
  KindCapabilities,
  OnCallStatus,
  OutboxEntry,
  RemoteUser,
  RingState,
  ShadowSettings,
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
    { policy: 'default', level: 1, person_id: 'alice', person_name: 'Alice', rotation: 'primary', until: null, me: true },
  ],
};

/** A ring state with `incident` ringing (or nothing, for `null`). */
export function makeRing(incident: Incident | null, overrides: Partial<RingState> = {}): RingState {
  return {
    current: incident,
    unanswered: incident ? 1 : 0,
    muted: false,
    muted_until: null,
    waiting: [],
    next_up: incident ? ['Bob'] : [],
    next_known: true,
    ...overrides,
  };
}

export const defaultTestPaths: TestPagePath[] = [
  { path: 'notification', ok: true, error: null },
  { path: 'page-screen', ok: true, error: null },
];

export function makeAccount(name: string, overrides: Partial<Account> = {}): Account {
  return {
    name,
    kind: 'pagerduty',
    base_url: 'https://api.pagerduty.com',
    user_id: 'PALICE',
    user_name: 'Alice',
    user_email: 'alice@example.com',
    poll_secs: 15,
    created_at: '2024-05-01T02:00:00Z',
    last_synced_at: '2024-05-01T03:00:00Z',
    last_error: null,
    ...overrides,
  };
}

export function makeOutboxEntry(id: number, incident: Incident, overrides: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    id,
    account: incident.account,
    incident: incident.id,
    provider_ref: incident.provider_ref,
    incident_title: incident.title,
    action: { type: 'acknowledge' },
    state: 'pending',
    attempts: 0,
    maybe_sent: false,
    last_error: null,
    note: null,
    uncertain_since: null,
    checks: 0,
    next_attempt_at: null,
    created_at: '2024-05-01T03:01:00Z',
    updated_at: '2024-05-01T03:01:00Z',
    ...overrides,
  };
}

const ALL_ACTIONS = ['acknowledge', 'escalate', 'resolve', 'note', 'snooze', 'reassign'] as const;

function kind(
  k: AccountKind,
  defaultBaseUrl: string | null,
  unsupported: Partial<Record<(typeof ALL_ACTIONS)[number], string>>,
): KindCapabilities {
  return {
    kind: k,
    default_base_url: defaultBaseUrl,
    login: k === 'goalert',
    min_poll_secs: 10,
    actions: ALL_ACTIONS.map((action) => ({ action, unsupported: unsupported[action] ?? null })),
  };
}

/** What Rust's `capabilities` answers (the reasons shortened). */
export const defaultKinds: KindCapabilities[] = [
  kind('local', null, {
    note: 'local incidents support acknowledge, resolve and escalate only',
    snooze: 'local incidents support acknowledge, resolve and escalate only',
    reassign: 'local incidents support acknowledge, resolve and escalate only',
  }),
  kind('pagerduty', 'https://api.pagerduty.com', {}),
  kind('grafana-oncall', null, { reassign: "Grafana OnCall's API cannot reassign an alert group" }),
  kind('goalert', null, {
    note: 'GoAlert alerts take no notes through its API',
    snooze: 'GoAlert has no snooze for alerts',
    reassign: 'GoAlert alerts cannot be reassigned',
  }),
];

export const defaultRemoteUser: RemoteUser = {
  id: 'PALICE',
  name: 'Alice',
  email: 'alice@example.com',
  contact_methods: [{ kind: 'phone', label: 'Mobile', address: '+1 555 0100' }],
};

/** What Rust's `shadow_settings` answers for a team file without `[shadow]`. */
export const defaultShadow: ShadowSettings = {
  follow: [],
  source: 'team_file',
  choices: [
    { target: 'person:sam', label: 'Sam' },
    { target: 'rotation:primary', label: 'Whoever is on call in primary' },
    { target: 'level:default:2', label: 'Level 2 of default' },
  ],
};
