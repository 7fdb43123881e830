// Readiness checklists: where each stands (Rust runs them and keeps the results), running one,
// ticking what is answered by hand.
import * as api from '../api';
import type { ChecklistView, Readiness } from '../bindings';
import { notices } from './notices.svelte';
import { Resource } from './resource.svelte';

export const readiness = new Resource<Readiness | null>(api.getReadiness, null, {
  changes: 'readiness',
  onError: notices.show,
});

/** Checklists running now, by name. */
export const running = $state<Record<string, boolean>>({});

function replace(view: ChecklistView) {
  const current = readiness.value;
  if (!current) return readiness.load();
  return readiness.set({ ...current, checklists: current.checklists.map((c) => (c.name === view.name ? view : c)) });
}

/** Runs a checklist now; its probes run at once in Rust. */
export async function runChecklist(name: string): Promise<void> {
  running[name] = true;
  try {
    await replace(await api.runChecklist(name));
    void readiness.load(); // the badge counts every checklist
  } catch (err) {
    notices.show(err);
  } finally {
    running[name] = false;
  }
}

/** Runs every checklist, one after the other (each runs its probes at once). */
export async function runAll(): Promise<void> {
  for (const c of readiness.value?.checklists ?? []) await runChecklist(c.name);
}

/** Ticks (or takes back) an item answered by hand, with an optional note. */
export async function tick(checklist: string, item: string, ticked: boolean, note: string | null = null): Promise<void> {
  try {
    await replace(await api.tickChecklistItem(checklist, item, ticked, note));
    void readiness.load();
  } catch (err) {
    notices.show(err);
  }
}
