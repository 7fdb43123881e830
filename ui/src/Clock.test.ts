// Relative times ("50s ago") tick every second on one shared clock, which stops while the window is hidden.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import App from './App.svelte';
import { TICK_MS } from './lib/stores/clock.svelte';
import { installFakeBackend, makeIncident, makeRing } from './test/fakeBackend';
import { flush, freezeTime } from './test/time';

/** The ages on screen: in the list, in the detail, on the page screen. */
function ages() {
  const row = screen.getByTestId('incident-row');
  return [
    within(row).getByRole('time').textContent?.trim(),
    screen.getByTestId('incident-detail').textContent?.match(/\((\d+s ago)\)/)?.[1],
    screen.getByTestId('page-age').textContent?.trim(),
  ];
}

async function after(ms: number) {
  vi.advanceTimersByTime(ms);
  await flush();
}

function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}

afterEach(() => {
  vi.useRealTimers();
  // Back to the document's own answer.
  delete (document as { hidden?: boolean }).hidden;
});

describe('ages', () => {
  it('tick every second while the window shows, and not while it is hidden', async () => {
    freezeTime('2024-05-01T03:00:50Z');
    const fake = installFakeBackend([makeIncident(1, { created_at: '2024-05-01T03:00:00Z' })]);
    fake.ring = makeRing(fake.incidents[0]);
    render(App);
    await flush();
    expect(ages()).toEqual(['50s ago', '50s ago', '50s ago']);

    await after(TICK_MS);
    expect(ages()).toEqual(['51s ago', '51s ago', '51s ago']);
    await after(TICK_MS);
    expect(ages()).toEqual(['52s ago', '52s ago', '52s ago']);

    setHidden(true);
    await after(5 * TICK_MS);
    expect(vi.getTimerCount()).toBe(0);
    expect(ages()).toEqual(['52s ago', '52s ago', '52s ago']);

    // Shown again: at once the right age, then ticking on.
    setHidden(false);
    await flush();
    expect(ages()).toEqual(['57s ago', '57s ago', '57s ago']);
    await after(TICK_MS);
    expect(ages()).toEqual(['58s ago', '58s ago', '58s ago']);
  });
});
