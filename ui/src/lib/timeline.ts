// Layout maths for the Schedule view's calendar: where a stretch of time sits on an axis, the
// days along it, and how a stretch reads. No decisions about who is on call are made here.

/** How many days the calendar shows. */
export const DAYS = 28;

/** The calendar's range: local midnight today and `days` local days later (DST-aware). */
export function calendarRange(now: number, days = DAYS): { from: Date; to: Date } {
  const from = new Date(now);
  from.setHours(0, 0, 0, 0);
  const to = new Date(from);
  to.setDate(to.getDate() + days);
  return { from, to };
}

/** Where `[start, end)` sits on the axis `[from, to)`, in percent of its width, clipped to it. */
export function place(start: string, end: string, from: string, to: string): { left: number; width: number } {
  const [a, b] = [Date.parse(from), Date.parse(to)];
  const span = b - a;
  if (!(span > 0)) return { left: 0, width: 0 };
  const s = Math.min(Math.max(Date.parse(start), a), b);
  const e = Math.min(Math.max(Date.parse(end), a), b);
  return { left: ((s - a) / span) * 100, width: (Math.max(e - s, 0) / span) * 100 };
}

/** Where the moment `at` (ms) sits on the axis, in percent; null outside it. */
export function at(moment: number, from: string, to: string): number | null {
  const [a, b] = [Date.parse(from), Date.parse(to)];
  if (!(b > a) || moment < a || moment > b) return null;
  return ((moment - a) / (b - a)) * 100;
}

export type Day = {
  /** Local midnight, ISO. */
  start: string;
  end: string;
  /** "Mon" */
  weekday: string;
  /** "12" */
  date: number;
  /** "Mon 12 Jan" */
  long: string;
  weekend: boolean;
  /** The first day of a month (the label shows it). */
  month: string | null;
};

/** The local days from `from` until `to`, each with its labels. */
export function days(from: string, to: string): Day[] {
  const out: Day[] = [];
  const end = Date.parse(to);
  const d = new Date(Date.parse(from));
  d.setHours(0, 0, 0, 0);
  for (let i = 0; d.getTime() < end && i < 400; i++) {
    const next = new Date(d);
    next.setDate(next.getDate() + 1);
    const weekday = d.toLocaleDateString('en-GB', { weekday: 'short' });
    const month = d.toLocaleDateString('en-GB', { month: 'short' });
    out.push({
      start: d.toISOString(),
      end: next.toISOString(),
      weekday,
      date: d.getDate(),
      long: `${weekday} ${d.getDate()} ${month}`,
      weekend: d.getDay() === 0 || d.getDay() === 6,
      month: i === 0 || d.getDate() === 1 ? month : null,
    });
    d.setTime(next.getTime());
  }
  return out;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A moment in local time: "Mon 12 Jan 09:00". */
export function formatMoment(iso: string): string {
  const d = new Date(Date.parse(iso));
  if (Number.isNaN(d.getTime())) return '';
  const weekday = d.toLocaleDateString('en-GB', { weekday: 'short' });
  const month = d.toLocaleDateString('en-GB', { month: 'short' });
  return `${weekday} ${d.getDate()} ${month} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A stretch in local time: "Mon 12 Jan 09:00 – Mon 19 Jan 09:00". */
export function formatStretch(start: string, end: string): string {
  return `${formatMoment(start)} – ${formatMoment(end)}`;
}

/** Minutes as hours, to a tenth: 90 → "1.5", 480 → "8". */
export function hours(minutes: number): string {
  return String(Math.round(minutes / 6) / 10);
}

/** An ISO moment as a `datetime-local` input's value, in local time ("2027-01-04T09:00"). */
export function toLocalInput(iso: string): string {
  const d = new Date(Date.parse(iso));
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` input's value (local time) as an ISO moment; null when it is not one. */
export function fromLocalInput(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  const date = new Date(y, mo - 1, d, h, mi);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
