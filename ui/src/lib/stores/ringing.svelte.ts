// What rings now. Rust decides; its latest word wins (an event overtakes an earlier request).
import * as api from '../api';
import type { IncidentId, RingState } from '../bindings';
import { notices, Task } from './notices.svelte';
import { Resource } from './resource.svelte';

/** The page screen was put aside for this page, while this many pages were unanswered. */
type Aside = { id: IncidentId; unanswered: number };

class Ringing {
  readonly state: Resource<RingState | null> = new Resource<RingState | null>(api.ringState, null, {
    listen: () => api.onRinging((ring) => void this.state.set(ring)),
    onError: notices.show,
  });
  /** The loud page ringing, if any (the worst unanswered). */
  readonly current = $derived(this.state.value?.current ?? null);
  readonly muting = new Task();
  private aside = $state<Aside | null>(null);
  /**
   * Whether the page screen covers the dashboard: while a page rings, unless the user put it
   * aside for that page — until another page takes over or a new one comes in.
   */
  readonly screen = $derived.by(() => {
    const ring = this.state.value;
    if (!ring?.current) return false;
    const aside = this.aside;
    return !(aside && aside.id === ring.current.id && ring.unanswered <= aside.unanswered);
  });

  readonly start = () => this.state.start();

  /** Silences the ringing page's ringtone for 5 minutes (a new page rings at once). */
  mute(): Promise<boolean> {
    return this.muting.run(() => this.state.replaceWith(() => api.muteRinging(5)));
  }

  /** Lets the muted page ring again. */
  unmute(): Promise<boolean> {
    return this.muting.run(() => this.state.replaceWith(() => api.unmuteRinging()));
  }

  /** Shows the dashboard while the page keeps ringing (the tray and the banner bring it back). */
  putAside() {
    const ring = this.state.value;
    if (ring?.current) this.aside = { id: ring.current.id, unanswered: ring.unanswered };
  }

  /** Brings the page screen back. */
  showScreen() {
    this.aside = null;
  }
}

export const ringing = new Ringing();
