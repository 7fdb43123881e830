// Display-only formatting helpers. No decisions are made here.

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

/** Local wall-clock time "YYYY-MM-DD HH:MM:SS"; "—" when absent or unparsable. */
export function formatTime(timestamp: string | null | undefined): string {
  if (!timestamp) return '—';
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return '—';
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** "sev1" -> "SEV1". */
export function severityLabel(severity: string): string {
  return severity.toUpperCase();
}

/** "alert_repeated" -> "alert repeated". */
export function humanize(token: string): string {
  return token.replace(/_/g, ' ');
}
