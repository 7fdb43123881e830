// The Schedule view: every schedule over the next four weeks (Rust renders the rows, gaps, names
// and my shifts), who holds each level now, the overrides and fairness; covering a shift and
// removing an override. Reloads whenever who is on call changes.
import * as api from '../api';
import type { ScheduleView } from '../bindings';
import { calendarRange } from '../timeline';
import { notices } from './notices.svelte';
import { Resource } from './resource.svelte';

function load(): Promise<ScheduleView> {
  const { from, to } = calendarRange(Date.now());
  return api.getSchedule(from.toISOString(), to.toISOString());
}

export const schedule = new Resource<ScheduleView | null>(load, null, { changes: 'on_call', onError: notices.show });

/** What a "cover my shift" form sends: who takes which layer of which schedule, when. */
export type Cover = { schedule: string; layer: string; person: string; start: string; end: string };

/** Hands a stretch of a team-file schedule to someone; resolves to the error's message, or null. */
export async function cover(c: Cover): Promise<string | null> {
  try {
    await schedule.reloadAfter(api.addOverride(c.schedule, c.layer, c.person, c.start, c.end));
    return null;
  } catch (err) {
    return api.toIpcError(err).message;
  }
}

/** Removes an override; a failure shows in the app's banner. */
export async function removeOverride(id: number): Promise<void> {
  try {
    await schedule.reloadAfter(api.removeOverride(id));
  } catch (err) {
    notices.show(err);
  }
}

/** Writes my shifts of the next four weeks as an .ics file; resolves to what to tell the user. */
export async function exportShifts(): Promise<string> {
  try {
    return `Saved to ${await api.exportShifts(28)} — import it into any calendar app.`;
  } catch (err) {
    return `Not saved: ${api.toIpcError(err).message}`;
  }
}
