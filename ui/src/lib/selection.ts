// Which incident the detail panel shows. Pure UI state, no domain decisions:
// keep what the user picked; otherwise fall back to the first row as sent.
import type { Incident, IncidentId } from './bindings';

export function nextSelection(
  selected: IncidentId | null,
  previous: readonly Incident[],
  current: readonly Incident[],
): IncidentId | null {
  if (current.length === 0) return selected;
  if (selected === null) return current[0].id;
  if (current.some((i) => i.id === selected)) return selected;
  // The selected incident left the list (e.g. resolved): keep showing it so the
  // user sees the outcome, unless something new arrived that needs attention.
  const seen = new Set(previous.map((i) => i.id));
  return current.some((i) => !seen.has(i.id)) ? current[0].id : selected;
}

/** The incident `step` rows away from the selected one (kept within the list); the first if none is selected. */
export function neighbour(list: readonly Incident[], selected: IncidentId | null, step: number): IncidentId | null {
  if (list.length === 0) return selected;
  const at = list.findIndex((i) => i.id === selected);
  if (at < 0) return list[0].id;
  return list[Math.min(list.length - 1, Math.max(0, at + step))].id;
}
