// Time in tests: fake timers that move only when told, and a way to let the fake backend answer.
import { vi } from 'vitest';

/**
 * Timers, the clock and `performance` stand still until `vi.advanceTimersByTime`; `setImmediate`
 * stays real for `flush`.
 */
export function freezeTime(at = '2024-05-01T03:05:00Z') {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    now: Date.parse(at),
  });
}

/**
 * Lets every promise chain that waits on no timer run to its end: the fake backend's answers,
 * its events, and the renders after them.
 */
export async function flush() {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
