// The 3 a.m. test: a double tap never answers a page nobody saw, and Escalate is not Acknowledge's twin.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import App from './App.svelte';
import type { Incident, RingState } from './lib/bindings';
import { GUARD_MS } from './lib/guard.svelte';
import { installFakeBackend, makeIncident, makeRing, type FakeBackend } from './test/fakeBackend';
import { flush, freezeTime } from './test/time';

const page = () => screen.getByTestId('page-screen');
const transition = () => screen.queryByTestId('page-transition');
const acknowledged = (fake: FakeBackend) => fake.callsOf('acknowledge_incident').map((c) => c.args);
const press = (key: string) => fireEvent.keyDown(window, { key });

/** Two pages: a SEV2 ringing, a SEV1 waiting behind it. */
async function twoPages() {
  const sev2 = makeIncident(2, { title: 'Queue lag', severity: 'sev2' });
  const sev1 = makeIncident(7, { title: 'Database primary down', severity: 'sev1' });
  const fake = installFakeBackend([sev2, sev1]);
  fake.ring = makeRing(sev2, { unanswered: 2 });
  render(App);
  await flush();
  expect(page()).toHaveAttribute('data-incident-id', '2');
  return { fake, sev1 };
}

/** Lets `ms` pass on the frozen clock, and the renders after it. */
async function after(ms: number) {
  vi.advanceTimersByTime(ms);
  await flush();
}

/** Rust rings the next page (after the first was answered). */
async function rings(ring: RingState) {
  await emit('klaxon://ringing', ring);
  await flush();
}

afterEach(() => {
  vi.useRealTimers();
});

describe('double tap', () => {
  it('a second A within the guard does not acknowledge the page that just came on screen', async () => {
    freezeTime();
    const { fake, sev1 } = await twoPages();
    // A page just shown waits too: nobody has seen it yet.
    await press('a');
    expect(acknowledged(fake)).toEqual([]);
    await after(GUARD_MS);

    await press('a');
    expect(acknowledged(fake)).toEqual([{ id: 2 }]);
    await rings(makeRing(sev1));
    expect(page()).toHaveAttribute('data-incident-id', '7');
    expect(transition()).toHaveTextContent('Acknowledged #2 — next: SEV1 Database primary down');
    expect(screen.getByTestId('page-ack')).toBeDisabled();

    // The second tap, 250 ms after the first.
    await after(250 - 1);
    await press('a');
    await press('e');
    await flush();
    expect(acknowledged(fake)).toEqual([{ id: 2 }]);
    expect(fake.callsOf('escalate_incident')).toHaveLength(0);

    await after(GUARD_MS);
    expect(transition()).toBeNull();
    expect(screen.getByTestId('page-ack')).toBeEnabled();
    await press('a');
    expect(acknowledged(fake)).toEqual([{ id: 2 }, { id: 7 }]);
  });

  it('a second click within the guard does not either', async () => {
    freezeTime();
    const { fake, sev1 } = await twoPages();
    await after(GUARD_MS);
    await fireEvent.click(screen.getByTestId('page-ack'));
    expect(acknowledged(fake)).toEqual([{ id: 2 }]);
    await rings(makeRing(sev1));

    await after(250);
    await fireEvent.click(screen.getByTestId('page-ack'));
    await fireEvent.click(screen.getByTestId('page-escalate'));
    await flush();
    expect(acknowledged(fake)).toEqual([{ id: 2 }]);
    expect(fake.callsOf('escalate_incident')).toHaveLength(0);

    await after(GUARD_MS);
    await fireEvent.click(screen.getByTestId('page-ack'));
    expect(acknowledged(fake)).toEqual([{ id: 2 }, { id: 7 }]);
  });

  it('also when the page screen closed in between and opens again for the next page', async () => {
    freezeTime();
    const { fake, sev1 } = await twoPages();
    await after(GUARD_MS);
    await press('a');
    await rings(makeRing(null));
    expect(screen.queryByTestId('page-screen')).toBeNull();
    await rings(makeRing(sev1));

    await after(250);
    await press('a');
    await flush();
    expect(acknowledged(fake)).toEqual([{ id: 2 }]);
    await after(GUARD_MS);
    await press('a');
    expect(acknowledged(fake)).toEqual([{ id: 2 }, { id: 7 }]);
  });

  it('says when the page changed without an answer from here', async () => {
    freezeTime();
    const { sev1 } = await twoPages();
    await rings(makeRing(sev1, { unanswered: 2 }));
    expect(transition()).toHaveTextContent('Switched from #2 — next: SEV1 Database primary down');
  });
});

describe('escalate', () => {
  async function ringing(incident: Incident, ring: Partial<RingState>) {
    const fake = installFakeBackend([incident]);
    fake.ring = makeRing(incident, ring);
    render(App);
    return within(await screen.findByTestId('page-screen')).findByTestId('page-escalate');
  }

  it('on the page screen says to whom it goes, apart from Acknowledge', async () => {
    const escalate = await ringing(makeIncident(1), { next_up: ['Sam Lee'] });
    expect(escalate).toHaveTextContent('Escalate to Sam Lee');
    // Not Acknowledge's twin: another style, not beside it.
    const ack = screen.getByTestId('page-ack');
    expect(escalate.className).not.toBe(ack.className);
    expect(escalate.parentElement).not.toBe(ack.parentElement);
  });

  it('on the page screen says so at the last level', async () => {
    const escalate = await ringing(makeIncident(1), { next_up: [] });
    expect(escalate).toHaveTextContent('Escalate (last level)');
  });

  it('in the incident detail says to whom it goes, or the level when that is not known', async () => {
    const fake = installFakeBackend([makeIncident(1, { escalation_level: 2 }), makeIncident(2), makeIncident(3)]);
    fake.escalatesTo.set(2, ['Sam Lee', 'you']);
    fake.escalatesTo.set(3, []);
    render(App);
    expect(await screen.findByTestId('escalate-button')).toHaveTextContent('Escalate to level 3');
    expect(screen.getByTestId('escalate-button').className).not.toBe(screen.getByTestId('ack-button').className);
    const rows = screen.getAllByTestId('incident-row');
    const pick = async (title: string) => {
      const row = rows.find((r) => r.textContent?.includes(title));
      if (row) await fireEvent.click(row);
    };
    await pick('Incident 2');
    await waitFor(() => expect(screen.getByTestId('escalate-button')).toHaveTextContent('Escalate to Sam Lee, you'));
    await pick('Incident 3');
    await waitFor(() => expect(screen.getByTestId('escalate-button')).toHaveTextContent('Escalate (last level)'));
  });
});
