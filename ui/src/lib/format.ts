// Display-only formatting helpers. No decisions are made here.
import type { AccountKind, Action, OutboxState } from './bindings';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function toMillis(now: Date | number): number {
  return typeof now === 'number' ? now : now.getTime();
}

/** "just now", "42s ago", "3m ago", "2h ago", "5d ago". Empty for unparsable input. */
export function formatAge(timestamp: string, now: Date | number = Date.now()): string {
  const then = Date.parse(timestamp);
  if (Number.isNaN(then)) return '';
  const secs = Math.floor((toMillis(now) - then) / 1000);
  if (secs < 5) return 'just now'; // includes small clock skew into the future
  if (secs < MINUTE) return `${secs}s ago`;
  if (secs < HOUR) return `${Math.floor(secs / MINUTE)}m ago`;
  if (secs < DAY) return `${Math.floor(secs / HOUR)}h ago`;
  return `${Math.floor(secs / DAY)}d ago`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The local zone's short name at `d` ("UTC", "CET", "GMT+2"). */
function zoneName(d: Date): string {
  const part = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' })
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'local time';
}

/** Local wall-clock time with its zone, "YYYY-MM-DD HH:MM:SS CET"; "—" when absent or unparsable. */
export function formatTime(timestamp: string | null | undefined): string {
  if (!timestamp) return '—';
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return '—';
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zoneName(d)}`
  );
}

/** A moment in the next days as "Mon 09:00 UTC": weekday, wall-clock time and zone. "" if unparsable. */
export function formatWeekdayTime(timestamp: string, timeZone?: string): string {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return '';
  const parts = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
    timeZone,
  }).formatToParts(new Date(ms));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
}

/** What is left until `timestamp` as a clock: "4:32", "1:04:32"; null once it passed (or unparsable). */
export function formatCountdown(timestamp: string | null, now: Date | number = Date.now()): string | null {
  if (!timestamp) return null;
  const secs = Math.ceil((Date.parse(timestamp) - toMillis(now)) / 1000);
  if (!(secs > 0)) return null;
  const h = Math.floor(secs / HOUR);
  const m = Math.floor((secs % HOUR) / MINUTE);
  const s = pad(secs % MINUTE);
  return h > 0 ? `${h}:${pad(m)}:${s}` : `${m}:${s}`;
}

/** How far ahead a time is: "in 42s", "in 4 min", "in 2h 5m", "in 3d"; "now" once it passed. */
export function formatIn(timestamp: string, now: Date | number = Date.now()): string {
  const then = Date.parse(timestamp);
  if (Number.isNaN(then)) return '';
  const secs = Math.ceil((then - toMillis(now)) / 1000);
  if (secs <= 0) return 'now';
  if (secs < MINUTE) return `in ${secs}s`;
  if (secs < HOUR) return `in ${Math.ceil(secs / MINUTE)} min`;
  if (secs < DAY) {
    const m = Math.floor((secs % HOUR) / MINUTE);
    return `in ${Math.floor(secs / HOUR)}h${m ? ` ${m}m` : ''}`;
  }
  return `in ${Math.floor(secs / DAY)}d`;
}

/** "sev1" -> "SEV1". */
export function severityLabel(severity: string): string {
  return severity.toUpperCase();
}

/** "alert_repeated" -> "alert repeated". */
export function humanize(token: string): string {
  return token.replace(/_/g, ' ');
}

const KIND_LABELS: Record<AccountKind, string> = {
  local: 'Local intake',
  pagerduty: 'PagerDuty',
  'grafana-oncall': 'Grafana OnCall',
  goalert: 'GoAlert',
};

/** "grafana-oncall" -> "Grafana OnCall". */
export function kindLabel(kind: AccountKind): string {
  return KIND_LABELS[kind];
}

/** A queued action in a few words: "note: looking into it", "snooze 30 min", "reassign to U1, U2". */
export function describeAction(action: Action): string {
  switch (action.type) {
    case 'escalate':
      return `escalate to level ${action.to_level}`;
    case 'reassign':
      return Array.isArray(action.to)
        ? `reassign to ${action.to.join(', ')}`
        : `reassign to escalation policy ${action.to.escalation_policy}`;
    case 'snooze':
      return `snooze ${action.minutes} min`;
    case 'note':
      return `note: ${action.text.length > 60 ? `${action.text.slice(0, 59)}…` : action.text}`;
    default:
      return action.type;
  }
}

const OUTBOX_STATE_LABELS: Record<OutboxState, string> = {
  pending: 'queued',
  sending: 'sending',
  done: 'sent',
  failed: 'failed',
};

/** Where a queued action is, in the user's words ("pending" reads as "queued"). */
export function outboxStateLabel(state: OutboxState): string {
  return OUTBOX_STATE_LABELS[state];
}

const DELIVERY_PROBLEMS: Record<string, string> = {
  ringtone: "No sound on this computer — you won't hear pages.",
  'desktop-notification': 'Desktop notifications are not showing — you may miss pages.',
  'os-notification': 'Desktop notifications are not showing — you may miss pages.',
  'page-screen': 'The page screen could not open.',
};

/** What a failed delivery path means for the person on call, in their words. */
export function deliveryProblem(path: string): string {
  return Object.prototype.hasOwnProperty.call(DELIVERY_PROBLEMS, path)
    ? DELIVERY_PROBLEMS[path]
    : `Pages could not be delivered through “${path}” — you may miss pages.`;
}
