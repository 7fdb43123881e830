// What the app's error banner says: the last error, until dismissed (delivery failures are `delivery`'s).
import * as api from '../api';
import { shared, type Stop } from './resource.svelte';

class Notices {
  error = $state<string | null>(null);

  /** Shows errors while the app does; cleared before and after. */
  readonly start: () => Stop = shared(() => {
    this.dismiss();
    return () => this.dismiss();
  });

  /** Shows a rejected command's message (the last one wins). */
  readonly show = (err: unknown) => {
    this.error = api.toIpcError(err).message;
  };

  dismiss() {
    this.error = null;
  }
}

export const notices = new Notices();

/** A user's command in flight: `running` meanwhile; it clears the banner first and shows its failure there. */
export class Task {
  running = $state(false);

  /** Resolves to whether `call` succeeded. */
  async run(call: () => Promise<unknown>): Promise<boolean> {
    this.running = true;
    notices.dismiss();
    try {
      await call();
      return true;
    } catch (err) {
      notices.show(err);
      return false;
    } finally {
      this.running = false;
    }
  }
}
