// Whether pages reach me: the latest failure per delivery path (ringtone, desktop notification,
// page screen, …), which of them the user dismissed, and the test page that checks them all.
import * as api from '../api';
import type { TestPagePath } from '../bindings';
import { notices, Task } from './notices.svelte';
import { shared, subscription, type Stop } from './resource.svelte';

class Delivery {
  /** The latest failure per delivery path. */
  failures = $state.raw<Record<string, api.DeliveryFailure>>({});
  /** Paths whose warning was dismissed: their failures stay hidden until the path worked again. */
  #dismissed = $state.raw<ReadonlySet<string>>(new Set());
  /** The failures to warn about. */
  readonly shown = $derived(Object.values(this.failures).filter((f) => !this.#dismissed.has(f.path)));
  /** What the last test page answered, until dismissed. */
  testResult = $state.raw<TestPagePath[] | null>(null);
  readonly testing = new Task();

  /** Follows `klaxon://delivery-failed` while the app shows the warnings; cleared before and after. */
  readonly start: () => Stop = shared(() => {
    this.#clear();
    const stop = subscription(
      api.onDeliveryFailed((f) => (this.failures = { ...this.failures, [f.path]: f })),
      notices.show,
    );
    return () => {
      stop();
      this.#clear();
    };
  });

  /** Hides the path's warning, also when it fails again, until it worked (e.g. in a test page). */
  dismiss(path: string) {
    this.#dismissed = new Set([...this.#dismissed, path]);
  }

  /** Sends a test page through every path; the paths that worked lose their warning. */
  sendTestPage(): Promise<boolean> {
    return this.testing.run(async () => {
      const paths = await api.testPage();
      this.testResult = paths;
      this.#worked(paths.filter((p) => p.ok).map((p) => p.path));
    });
  }

  dismissTestResult() {
    this.testResult = null;
  }

  #worked(paths: string[]) {
    if (paths.length === 0) return;
    this.failures = Object.fromEntries(Object.entries(this.failures).filter(([path]) => !paths.includes(path)));
    this.#dismissed = new Set([...this.#dismissed].filter((path) => !paths.includes(path)));
  }

  #clear() {
    this.failures = {};
    this.#dismissed = new Set();
    this.testResult = null;
  }
}

export const delivery = new Delivery();
