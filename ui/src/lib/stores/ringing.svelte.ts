// What rings now. Rust decides; its latest word wins (an event overtakes an earlier request).
import * as api from '../api';
import type { RingState } from '../bindings';
import { notices, Task } from './notices.svelte';
import { Resource } from './resource.svelte';

class Ringing {
  readonly state: Resource<RingState | null> = new Resource<RingState | null>(api.ringState, null, {
    listen: () => api.onRinging((ring) => void this.state.set(ring)),
    onError: notices.show,
  });
  /** The loud page the page screen shows, if any. */
  readonly current = $derived(this.state.value?.current ?? null);
  readonly muting = new Task();

  readonly start = () => this.state.start();

  /** Silences the ringtone for 5 minutes. */
  mute(): Promise<boolean> {
    return this.muting.run(() => this.state.replaceWith(() => api.muteRinging(5)));
  }
}

export const ringing = new Ringing();
