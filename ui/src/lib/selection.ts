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
