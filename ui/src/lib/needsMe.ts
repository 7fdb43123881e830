// How the dashboard groups and filters the list Rust sent (already sorted, `mine` computed there):
// "Needs me" (triggered and assigned to me) first, then the rest, each in Rust's order.
import type { IncidentRow } from './bindings';

/** Which statuses the list shows ("all" includes resolved ones when Rust sent them). */
export type StatusFilter = 'all' | 'triggered' | 'acknowledged';
/** Whose incidents the list shows. */
export type WhoFilter = 'everyone' | 'mine';

export interface Filters {
  status: StatusFilter;
  who: WhoFilter;
}

export const DEFAULT_FILTERS: Filters = { status: 'all', who: 'everyone' };

/** The list in two sections, filtered. */
export interface Arranged {
  needsMe: IncidentRow[];
  rest: IncidentRow[];
}

/** Triggered and assigned to me: what the person on call must look at first. */
export function needsMe(row: IncidentRow): boolean {
  return row.mine && row.status === 'triggered';
}

function passes(row: IncidentRow, filters: Filters): boolean {
  if (filters.status !== 'all' && row.status !== filters.status) return false;
  return filters.who === 'everyone' || row.mine;
}

export function arrange(rows: readonly IncidentRow[], filters: Filters): Arranged {
  const shown = rows.filter((r) => passes(r, filters));
  return { needsMe: shown.filter(needsMe), rest: shown.filter((r) => !needsMe(r)) };
}

/** The rows in the order the dashboard shows them (for the keys and the first-row fallback). */
export function inOrder(arranged: Arranged): IncidentRow[] {
  return [...arranged.needsMe, ...arranged.rest];
}

/** "Assigned to Sam Lee", "Assigned to you and Sam Lee", "Assigned to nobody". */
export function assignedTo(row: IncidentRow): string {
  const names = row.assigned_to.map((p) => p.name);
  if (names.length === 0) return 'Assigned to nobody';
  const last = names.pop();
  return `Assigned to ${names.length ? `${names.join(', ')} and ${last}` : last}`;
}
