import { describe, expect, it } from 'vitest';
import {
  describeAction,
  formatAge,
  formatCountdown,
  formatIn,
  formatTime,
  formatWeekdayTime,
  humanize,
  kindLabel,
  outboxStateLabel,
  severityLabel,
} from './format';

const NOW = Date.parse('2024-05-01T03:00:00Z');
const ago = (secs: number) => new Date(NOW - secs * 1000).toISOString();

describe('formatAge', () => {
  it.each([
    [0, 'just now'],
    [4, 'just now'],
    [5, '5s ago'],
    [59, '59s ago'],
    [60, '1m ago'],
    [3 * 60 + 59, '3m ago'],
    [59 * 60 + 59, '59m ago'],
    [3600, '1h ago'],
    [23 * 3600 + 3599, '23h ago'],
    [86400, '1d ago'],
    [10 * 86400 + 5, '10d ago'],
  ])('%is old -> %s', (secs, expected) => {
    expect(formatAge(ago(secs), NOW)).toBe(expected);
  });

  it('accepts a Date for now and offsets in the timestamp', () => {
    expect(formatAge('2024-05-01T04:57:00+02:00', new Date(NOW))).toBe('3m ago');
  });

  it('treats timestamps slightly in the future as just now', () => {
    expect(formatAge(ago(-30), NOW)).toBe('just now');
  });

  it('returns empty text for garbage', () => {
    expect(formatAge('not a time', NOW)).toBe('');
  });
});

describe('formatIn', () => {
  const at = (secs: number) => new Date(Date.parse('2024-05-01T03:00:00Z') + secs * 1000).toISOString();
  const now = Date.parse('2024-05-01T03:00:00Z');
  it('says how far ahead a time is', () => {
    expect(formatIn(at(42), now)).toBe('in 42s');
    expect(formatIn(at(4 * 60), now)).toBe('in 4 min');
    expect(formatIn(at(3 * 60 + 10), now)).toBe('in 4 min');
    expect(formatIn(at(2 * 3600 + 5 * 60), now)).toBe('in 2h 5m');
    expect(formatIn(at(3 * 86400), now)).toBe('in 3d');
  });
  it('says now once the time passed, and nothing for garbage', () => {
    expect(formatIn(at(-5), now)).toBe('now');
    expect(formatIn('nope', now)).toBe('');
  });
});

describe('formatTime', () => {
  it('formats a timestamp as local wall-clock time, saying its zone', () => {
    const ts = '2024-05-01T03:04:05Z';
    const d = new Date(ts);
    const p = (n: number) => String(n).padStart(2, '0');
    const zone = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' })
      .formatToParts(d)
      .find((x) => x.type === 'timeZoneName')!.value;
    expect(formatTime(ts)).toBe(
      `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${zone}`,
    );
    expect(formatTime(ts)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \S+/);
  });

  it('shows a dash for missing or bad values', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatTime(undefined)).toBe('—');
    expect(formatTime('')).toBe('—');
    expect(formatTime('nope')).toBe('—');
  });
});

describe('labels', () => {
  it('uppercases severities and humanizes kinds', () => {
    expect(severityLabel('sev1')).toBe('SEV1');
    expect(humanize('alert_repeated')).toBe('alert repeated');
  });
});

describe('account and outbox wording', () => {
  it('labels account kinds', () => {
    expect(kindLabel('pagerduty')).toBe('PagerDuty');
    expect(kindLabel('grafana-oncall')).toBe('Grafana OnCall');
    expect(kindLabel('goalert')).toBe('GoAlert');
  });

  it('describes queued actions in a few words', () => {
    expect(describeAction({ type: 'acknowledge' })).toBe('acknowledge');
    expect(describeAction({ type: 'escalate', to_level: 3 })).toBe('escalate to level 3');
    expect(describeAction({ type: 'snooze', minutes: 30 })).toBe('snooze 30 min');
    expect(describeAction({ type: 'reassign', to: ['A', 'B'] })).toBe('reassign to A, B');
    expect(describeAction({ type: 'reassign', to: { escalation_policy: 'EP1' } })).toBe(
      'reassign to escalation policy EP1',
    );
    expect(describeAction({ type: 'note', text: 'short' })).toBe('note: short');
    const long = describeAction({ type: 'note', text: 'x'.repeat(100) });
    expect(long).toBe(`note: ${'x'.repeat(59)}…`);
  });

  it('says "queued" for pending actions', () => {
    expect(outboxStateLabel('pending')).toBe('queued');
    expect(outboxStateLabel('failed')).toBe('failed');
  });
});

describe('formatWeekdayTime', () => {
  it('says weekday, 24-hour time and zone', () => {
    expect(formatWeekdayTime('2024-05-06T09:00:00Z', 'UTC')).toBe('Mon 09:00 UTC');
    expect(formatWeekdayTime('2024-05-06T22:30:00Z', 'Europe/Berlin')).toBe('Tue 00:30 CEST');
    expect(formatWeekdayTime('not a time')).toBe('');
  });
});

describe('formatCountdown', () => {
  it('says what is left as a clock, and nothing once it passed', () => {
    const now = Date.parse('2024-05-01T03:00:00Z');
    expect(formatCountdown('2024-05-01T03:04:32Z', now)).toBe('4:32');
    expect(formatCountdown('2024-05-01T04:05:09Z', now)).toBe('1:05:09');
    expect(formatCountdown('2024-05-01T03:00:00Z', now)).toBeNull();
    expect(formatCountdown(null, now)).toBeNull();
    expect(formatCountdown('soon', now)).toBeNull();
  });
});

