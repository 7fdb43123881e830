// What the app's banners say: the last error (until dismissed) and the latest delivery failure per path.
import * as api from '../api';
import { shared, subscription, type Stop } from './resource.svelte';

class Notices {
  error = $state<string | null>(null);
  /** The latest failure per delivery path (ringtone, notification, …). */
  failures = $state.raw<Record<string, api.DeliveryFailure>>({});

  /** Follows `klaxon://delivery-failed` while the app shows the banners; cleared before and after. */
  readonly start: () => Stop = shared(() => {
    this.#clear();
    const stop = subscription(
      api.onDeliveryFailed((f) => (this.failures = { ...this.failures, [f.path]: f })),
      this.show,
    );
    return () => {
      stop();
      this.#clear();
    };
  });

  /** Shows a rejected command's message (the last one wins). */
  readonly show = (err: unknown) => {
    this.error = api.toIpcError(err).message;
  };

  dismiss() {
    this.error = null;
  }

  dismissFailure(path: string) {
    const { [path]: _gone, ...rest } = this.failures;
    this.failures = rest;
  }

  #clear() {
    this.error = null;
    this.failures = {};
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
