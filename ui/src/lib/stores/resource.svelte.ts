// Server state as Svelte stores: a value with its error and loading flag, one loader that drops
// answers overtaken by a newer one, and one event subscription however many components show it.
import type { UnlistenFn } from '@tauri-apps/api/event';
import * as api from '../api';
import type { IpcError } from '../bindings';

export type Stop = () => void;

/** Anything a component can keep live while it is mounted. */
export type Live = { start(): Stop };

/** Keeps an event subscription until stopped, also when stopped before `listen` answered. */
export function subscription(listening: Promise<UnlistenFn>, onError: (err: unknown) => void): Stop {
  let stopped = false;
  let unlisten: UnlistenFn | null = null;
  listening.then((un) => (stopped ? un() : (unlisten = un)), onError);
  return () => {
    stopped = true;
    unlisten?.();
  };
}

/** `begin` runs for the first user and its stop after the last one left; each user stops once. */
export function shared(begin: () => Stop): () => Stop {
  let users = 0;
  let end: Stop = () => {};
  return () => {
    if (users++ === 0) end = begin();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      if (--users === 0) end();
    };
  };
}

/** Starts the stores for as long as the returned stop is not called (e.g. `onMount(() => keepLive(a, b))`). */
export function keepLive(...stores: Live[]): Stop {
  const stops = stores.map((s) => s.start());
  return () => stops.forEach((stop) => stop());
}

export type ResourceOptions<T> = {
  /** Reload whenever a `klaxon://changed` event names this. */
  changes?: api.Resource;
  /** Or follow this event instead (e.g. one carrying the new value for `set`). */
  listen?: () => Promise<UnlistenFn>;
  /** Runs for each answer shown, with the one shown before; `load` waits for it. */
  onValue?: (value: T, previous: T) => void | Promise<void>;
  /** Who else hears of a failed load, besides `error` (e.g. the app's banner). */
  onError?: (err: IpcError) => void;
};

export class Resource<T> {
  value: T = $state.raw() as T;
  error = $state.raw<IpcError | null>(null);
  loading = $state(false);
  /** An answer has been shown since the store started. */
  loaded = $state(false);
  #commands = $state(0);
  /** A `replaceWith` command is in flight. */
  readonly saving = $derived(this.#commands > 0);
  /** Live while a component shows it: the subscription, then the first load; reset after. */
  readonly start: () => Stop;

  #seq = 0;
  readonly #fetch: () => Promise<T>;
  readonly #initial: T;
  readonly #options: ResourceOptions<T>;

  constructor(fetch: () => Promise<T>, initial: T, options: ResourceOptions<T> = {}) {
    this.#fetch = fetch;
    this.#initial = initial;
    this.#options = options;
    this.value = initial;
    this.start = shared(() => this.#begin());
  }

  /** Fetches again; an answer overtaken by a later load or `set` is dropped, whichever answers last. */
  async load(): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const value = await this.#fetch();
      if (seq === this.#seq) await this.#show(value);
    } catch (err) {
      if (seq !== this.#seq) return;
      this.error = api.toIpcError(err);
      this.#options.onError?.(this.error);
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  /**
   * Shows what `call` answers (e.g. a command returning the new state) unless overtaken; rejects as
   * it does. `saving` ends as the answer shows.
   */
  async replaceWith(call: () => Promise<T>): Promise<void> {
    const seq = ++this.#seq;
    this.#commands++;
    let value: T;
    try {
      value = await call();
    } finally {
      this.#commands--;
    }
    if (seq === this.#seq) await this.#show(value);
  }

  /** Awaits a command that changes this state, then loads it as it now is, whether or not the command succeeded. */
  async reloadAfter<R>(command: Promise<R>): Promise<R> {
    try {
      return await command;
    } finally {
      void this.load();
    }
  }

  /** Shows a value that arrived otherwise (e.g. in an event); loads still answering are dropped. */
  set(value: T): Promise<void> {
    this.#seq++;
    return this.#show(value);
  }

  /** Back to the initial value; answers still on their way are dropped. */
  reset() {
    this.#seq++;
    this.value = this.#initial;
    this.error = null;
    this.loading = false;
    this.loaded = false;
  }

  async #show(value: T) {
    const previous = this.value;
    this.value = value;
    this.error = null;
    this.loading = false;
    this.loaded = true;
    await this.#options.onValue?.(value, previous);
  }

  #begin(): Stop {
    this.reset();
    const { changes, listen } = this.#options;
    const reloadOnChange = changes
      ? () =>
          api.onChanged((names) => {
            if (names.includes(changes)) void this.load();
          })
      : undefined;
    const listening = (listen ?? reloadOnChange)?.();
    if (!listening) {
      void this.load();
      return () => this.reset();
    }
    const fail = (err: unknown) => this.#options.onError?.(api.toIpcError(err));
    const stop = subscription(listening, fail);
    // Listen first, then fetch: a change between the two still arrives as an event.
    let stopped = false;
    const first = () => {
      if (!stopped) void this.load();
    };
    listening.then(first, first);
    return () => {
      stopped = true;
      stop();
      this.reset();
    };
  }
}
