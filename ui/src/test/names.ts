// What Rust's `Names` computes for the fake backend's answers: people by name, me as "you".
import type { Incident, IncidentRow, LogEntry, LogLine } from '../lib/bindings';

/** Ids that are me (the team file's and a platform account's), as Rust knows them. */
export const ME_IDS = ['alice', 'PALICE'];
/** Names Rust knows for ids (the team file's people, a platform's synced people). */
export const NAMES: Record<string, string> = {
  alice: 'Alice',
  bob: 'Bob',
  sam: 'Sam Lee',
  PSAM: 'Sam Lee',
  default: 'Default policy',
};

/** Like Rust's `Names::person`: me as "you", else the known name, else the id. */
export function personRef(id: string) {
  const me = ME_IDS.includes(id);
  return { id, name: me ? 'you' : (NAMES[id] ?? id), me };
}

/** Like Rust's `Names::row`: the incident with `mine` and its assignees by name. */
export function makeRow(incident: Incident): IncidentRow {
  return {
    ...incident,
    mine: incident.status !== 'resolved' && incident.assignees.some((a) => ME_IDS.includes(a)),
    assigned_to: incident.assignees.map(personRef),
    policy_name: incident.escalation_policy === null ? null : (NAMES[incident.escalation_policy] ?? incident.escalation_policy),
  };
}

/** Like Rust's `Names::line` (its "by <id>" by name, else " — <name>" after the message). */
export function makeLine(entry: LogEntry): LogLine {
  const by = entry.actor === null ? null : personRef(entry.actor);
  let said = entry.message;
  if (by && said.includes(`by ${by.id}`)) said = said.replace(`by ${by.id}`, `by ${by.name}`);
  else if (by) said = `${said} — ${by.name}`;
  return { ...entry, by, said };
}
