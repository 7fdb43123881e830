// The selected incident's detail (with its timeline), keyed by id: an answer about another id never shows.
import * as api from '../api';
import type { IncidentDetail, IncidentId, IpcError } from '../bindings';
import { notices } from './notices.svelte';
import { Resource } from './resource.svelte';

export class IncidentDetailStore {
  /** The selected incident, if any. */
  id = $state<IncidentId | null>(null);
  readonly #detail: Resource<IncidentDetail | null>;
  readonly #onGone: (id: IncidentId) => void;

  /** The detail of `id`; null while it loads (never another incident's). */
  readonly current = $derived.by(() => {
    const detail = this.#detail.value;
    return detail !== null && detail.incident.id === this.id ? detail : null;
  });

  /** `onGone` hears of a selected incident Rust no longer knows (e.g. purged). */
  constructor(onGone: (id: IncidentId) => void) {
    this.#onGone = onGone;
    this.#detail = new Resource<IncidentDetail | null>(() => this.#fetch(), null, {
      onError: (err) => this.#failed(err),
    });
  }

  /** Selects `id` and loads its detail; a later `show` wins whichever answers first. */
  show(id: IncidentId | null): Promise<void> {
    this.id = id;
    return this.#detail.load();
  }

  reload(): Promise<void> {
    return this.#detail.load();
  }

  reset() {
    this.id = null;
    this.#detail.reset();
  }

  #fetch(): Promise<IncidentDetail | null> {
    return this.id === null ? Promise.resolve(null) : api.getIncident(this.id);
  }

  #failed(err: IpcError) {
    // Only the latest load reports, so `id` is still the incident it asked about.
    if (err.code === 'not_found' && this.id !== null) this.#onGone(this.id);
    else notices.show(err);
  }
}
