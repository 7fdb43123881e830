// Readiness checklists in the fake backend: what `get_readiness` answers, what a run finds, and
// ticks of items answered by hand, summarised as Rust does (the worst item; never run: waiting).
import type { ChecklistView, IpcError, ItemResult, ItemView, Outcome, Readiness } from '../lib/bindings';

const ORDER: Outcome[] = ['pass', 'warn', 'needs_you', 'fail'];
const worst = (outcomes: Outcome[]): Outcome => outcomes.reduce((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a), 'pass');

export function makeItem(id: string, kind: string, extra: Partial<ItemView> = {}): ItemView {
  const byHand = ['manual', 'test_page', 'recent_incidents'].includes(kind);
  return { id, title: id, help: null, runbook: null, required: true, kind, by_hand: byHand, result: null, incidents: [], ...extra };
}

export function makeChecklist(name: string, items: ItemView[], extra: Partial<ChecklistView> = {}): ChecklistView {
  return {
    name,
    title: name,
    description: null,
    file: `/home/me/.config/klaxon/checklists/${name}.toml`,
    before_shift_minutes: null,
    items,
    outcome: 'needs_you',
    failing: [],
    last_run: null,
    ...extra,
  };
}

export function found(item: string, outcome: Outcome, result: string): ItemResult {
  return { item, outcome, evidence: { checked: `probe ${item}`, result, took_ms: 12 }, at: new Date().toISOString() };
}

/** The fake's readiness state; `findings` is what a run of each item finds. */
export class FakeReadiness {
  checklists: ChecklistView[] = [];
  problems: string[] = [];
  findings = new Map<string, ItemResult>();

  view(): Readiness {
    const counted = this.checklists.some((c) => c.before_shift_minutes !== null)
      ? this.checklists.filter((c) => c.before_shift_minutes !== null)
      : this.checklists;
    const count = (o: Outcome) => counted.flatMap((c) => c.items).filter((i) => i.required && i.result?.outcome === o).length;
    return {
      checklists: this.checklists,
      problems: this.problems,
      badge: {
        outcome: worst(counted.map((c) => c.outcome)),
        failing: count('fail'),
        waiting: count('needs_you'),
        never_run: counted.every((c) => c.last_run === null),
      },
      directory: '/home/me/.config/klaxon/checklists',
    };
  }

  #summarise(c: ChecklistView): ChecklistView {
    const outcomes = c.items.map((i) => i.result?.outcome ?? 'needs_you');
    const failing = c.items.filter((i) => i.required && i.result?.outcome === 'fail').map((i) => i.title);
    return { ...c, outcome: worst(outcomes), failing, last_run: new Date().toISOString() };
  }

  #find(name: string): ChecklistView {
    const c = this.checklists.find((x) => x.name === name);
    if (!c) throw { code: 'invalid_input', message: `no checklist \`${name}\`` } satisfies IpcError;
    return c;
  }

  #store(c: ChecklistView): ChecklistView {
    const next = this.#summarise(c);
    this.checklists = this.checklists.map((x) => (x.name === c.name ? next : x));
    return next;
  }

  run(name: string): ChecklistView {
    const c = this.#find(name);
    const items = c.items.map((i) => ({ ...i, result: this.findings.get(i.id) ?? i.result ?? found(i.id, 'needs_you', 'tick it') }));
    return this.#store({ ...c, items });
  }

  tick(name: string, item: string, ticked: boolean): ChecklistView {
    const c = this.#find(name);
    const target = c.items.find((i) => i.id === item);
    if (!target?.by_hand) throw { code: 'invalid_input', message: `\`${item}\` is checked by its probe, not ticked by hand` } satisfies IpcError;
    const result = ticked ? found(item, 'pass', 'ticked just now') : found(item, 'needs_you', 'tick it');
    return this.#store({ ...c, items: c.items.map((i) => (i.id === item ? { ...i, result } : i)) });
  }
}
