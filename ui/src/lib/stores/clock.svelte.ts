// One clock for every relative time on screen ("3m ago"): ticks each second while the window is
// visible, stops while it is hidden and catches up as it shows again.
import { shared, type Stop } from './resource.svelte';

export const TICK_MS = 1000;

class Clock {
  now = $state(Date.now());

  /** Ticks while a component shows it (the app does, for its lifetime). */
  readonly start: () => Stop = shared(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const pause = () => {
      clearInterval(timer);
      timer = undefined;
    };
    const follow = () => {
      pause();
      if (document.hidden) return;
      this.now = Date.now();
      timer = setInterval(() => (this.now = Date.now()), TICK_MS);
    };
    follow();
    document.addEventListener('visibilitychange', follow);
    return () => {
      document.removeEventListener('visibilitychange', follow);
      pause();
    };
  });
}

export const clock = new Clock();
