// The dashboard's incidents: the head of the list, which one is selected with its detail, and the
// commands on them. Reloads on `changed` naming "incidents" (the detail with it) and selects paged ones.
import * as api from '../api';
import type { IncidentId, IncidentPage, IncidentRow } from '../bindings';
import { arrange, DEFAULT_FILTERS, inOrder, type Filters } from '../needsMe';
import { nextSelection } from '../selection';
import { IncidentDetailStore } from './detail.svelte';
import { notices, Task } from './notices.svelte';
import { outbox } from './outbox.svelte';
import { Resource, shared, subscription, type Stop } from './resource.svelte';

const EMPTY_PAGE: IncidentPage = { incidents: [], total: 0, warnings: [] };

class Incidents {
  /** Resolved incidents are listed too. */
  showResolved = $state(false);
  /** Which incidents the list shows; kept for the session (not reset when the dashboard stops). */
  filters = $state<Filters>({ ...DEFAULT_FILTERS });
  /** What the list says about the cache itself (e.g. it was found empty), until dismissed. */
  warnings = $state.raw<string[]>([]);
  readonly page = new Resource<IncidentPage>(() => api.listIncidents(this.showResolved), EMPTY_PAGE, {
    changes: 'incidents',
    onValue: (page, previous) => this.#listed(page, previous),
    onError: notices.show,
  });
  /** The list as shown: "Needs me" first, then the rest, filtered. */
  readonly arranged = $derived(arrange(this.page.value.incidents, this.filters));
  /** The rows in the order shown. */
  readonly shown: IncidentRow[] = $derived(inOrder(this.arranged));
  readonly detail = new IncidentDetailStore((gone) => this.#gone(gone));
  /** A command on an incident is in flight. */
  readonly acting = new Task();

  readonly start: () => Stop = shared(() => {
    const stopPage = this.page.start();
    const stopPaged = subscription(
      api.onPage((incident) => void this.select(incident.id)),
      notices.show,
    );
    return () => {
      stopPage();
      stopPaged();
      this.detail.reset();
      this.warnings = [];
      this.showResolved = false;
    };
  });

  select(id: IncidentId | null): Promise<void> {
    return this.detail.show(id);
  }

  toggleResolved(all: boolean): Promise<void> {
    this.showResolved = all;
    return this.page.load();
  }

  /**
   * Runs a command on the incident shown (or on `id`), then reloads what it may have changed.
   * Resolves to whether it was done (forms keep their input otherwise).
   */
  async act(command: (id: IncidentId) => Promise<unknown>, id = this.detail.current?.incident.id): Promise<boolean> {
    if (id === undefined) return false;
    const done = await this.acting.run(() => command(id));
    // Platform incidents queue the action in the outbox.
    await Promise.all([this.page.load(), outbox.load()]);
    return done;
  }

  /** Changes the filters (only what the list shows: nothing is fetched). */
  filter(change: Partial<Filters>) {
    this.filters = { ...this.filters, ...change };
  }

  async dismissWarnings() {
    try {
      await api.dismissWarnings();
      this.warnings = [];
    } catch (err) {
      notices.show(err);
    }
  }

  #listed(page: IncidentPage, previous: IncidentPage): Promise<void> {
    this.warnings = page.warnings;
    const shown = (p: IncidentPage) => inOrder(arrange(p.incidents, this.filters));
    return this.select(nextSelection(this.detail.id, previous.incidents, shown(page)));
  }

  #gone(id: IncidentId) {
    // Fall back to the first row, if it is another one.
    const first = this.shown[0]?.id ?? null;
    void this.select(first === id ? null : first);
  }
}

export const incidents = new Incidents();
