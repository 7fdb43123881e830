import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import { tick } from 'svelte';
import App from './App.svelte';
import type { RingState } from './lib/bindings';
import { ringing as ringStore } from './lib/stores/ringing.svelte';
import { GUARD_MS } from './lib/guard.svelte';
import { installFakeBackend, makeIncident, makeRing, type FakeBackend } from './test/fakeBackend';

const pageScreen = () => screen.queryByTestId('page-screen');
const dashboard = () => document.querySelector('.app') as HTMLElement;

/** Renders the app and waits until the list is there and the ring state was asked for. */
async function renderApp(fake: FakeBackend) {
  const result = render(App);
  await screen.findAllByTestId('incident-row');
  await waitFor(() => expect(fake.callsOf('ring_state')).toHaveLength(1));
  return result;
}

async function ringing(ring: RingState) {
  await emit('klaxon://ringing', ring);
}

const press = (key: string, init: KeyboardEventInit = {}) => fireEvent.keyDown(window, { key, ...init });

/** A page just shown cannot be answered for a moment: let that moment pass (on fake timers). */
const pastGuard = () => vi.advanceTimersByTimeAsync(GUARD_MS);

afterEach(() => {
  vi.useRealTimers();
});

describe('page screen', () => {
  // Fake timers that also follow the real clock: `waitFor` works, and `pastGuard` skips the guard.
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
  });

  it('is not shown when nothing rings', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    await renderApp(fake);
    // ring_state's answer (nothing rings) is shown, and rendered.
    await waitFor(() => expect(ringStore.state.loaded).toBe(true));
    await tick();
    expect(ringStore.state.value?.current).toBeNull();
    expect(pageScreen()).toBeNull();
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(dashboard().inert).toBe(false);
  });

  it('fetches ring_state on start and shows the ringing incident in full', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2024-05-01T03:02:10Z'));
    const inc = makeIncident(7, {
      title: 'Database primary down',
      severity: 'sev1',
      service: 'postgres',
      escalation_level: 2,
      created_at: '2024-05-01T03:00:00Z',
    });
    const fake = installFakeBackend([makeIncident(1), inc]);
    const waiting = [
      { id: 1, severity: 'sev1' as const, title: 'Checkout errors', since: '2024-05-01T03:01:00Z' },
      { id: 5, severity: 'sev2' as const, title: 'Disk filling', since: '2024-05-01T02:59:00Z' },
    ];
    fake.ring = makeRing(inc, { unanswered: 3, next_up: ['Bob', 'Carol'], waiting });
    render(App);

    const page = await screen.findByTestId('page-screen');
    expect(fake.callsOf('ring_state')).toEqual([{ cmd: 'ring_state', args: {} }]);
    expect(page).toHaveAttribute('data-incident-id', '7');
    expect(screen.getByRole('alertdialog', { name: 'Database primary down' })).toBe(page);
    expect(within(page).getByTestId('page-title')).toHaveTextContent('Database primary down');
    const badge = within(page).getByTestId('page-severity');
    expect(badge).toHaveTextContent('SEV1');
    expect(badge).toHaveClass('sev-sev1');
    expect(page).toHaveTextContent('postgres');
    expect(page).toHaveTextContent('2m ago');
    expect(page).toHaveTextContent('Level 2');
    expect(within(page).getByTestId('page-next')).toHaveTextContent('Next: Bob, Carol');
    expect(within(page).getByTestId('page-more')).toHaveTextContent('+2 more paging');
    // What waits, in the order it will ring, each with its severity, title and age.
    const rows = within(page).getAllByTestId('waiting-page');
    expect(rows.map((r) => r.dataset.incidentId)).toEqual(['1', '5']);
    expect(rows[0]).toHaveTextContent('SEV1');
    expect(rows[0]).toHaveTextContent('Checkout errors');
    expect(rows[1]).toHaveTextContent('Disk filling');
    expect(rows[1]).toHaveTextContent('3m ago');
    expect(within(page).getByTestId('page-ack-all')).toHaveTextContent('Acknowledge all (3)');
    expect(within(page).queryByTestId('page-muted')).toBeNull();
    expect(within(page).getByTestId('page-ack')).toHaveTextContent('Acknowledge');
    expect(within(page).getByTestId('page-escalate')).toHaveTextContent('Escalate');
    expect(within(page).getByTestId('page-mute')).toHaveTextContent('Mute 5 min');
    // The dashboard stays underneath, out of reach.
    expect(dashboard().inert).toBe(true);

    // The age ticks on its own.
    vi.setSystemTime(Date.parse('2024-05-01T03:03:10Z'));
    await waitFor(() => expect(page).toHaveTextContent('3m ago'), { timeout: 2500 });
  });

  it('says "Last level", hides "+N more" for a single page and shows Muted', async () => {
    const inc = makeIncident(3);
    const fake = installFakeBackend([inc]);
    await renderApp(fake);
    await ringing(makeRing(inc, { unanswered: 1, next_up: [], muted: true }));
    const page = await screen.findByTestId('page-screen');
    expect(within(page).getByTestId('page-next')).toHaveTextContent('Last level');
    expect(within(page).queryByTestId('page-more')).toBeNull();
    expect(within(page).getByTestId('page-muted')).toHaveTextContent('Muted');
  });

  it('follows klaxon://ringing: another incident, then nothing (the dashboard is back)', async () => {
    const [a, b] = [makeIncident(1, { title: 'First' }), makeIncident(2, { title: 'Second' })];
    const fake = installFakeBackend([a, b]);
    fake.ring = makeRing(a);
    await renderApp(fake);
    expect(await screen.findByTestId('page-screen')).toHaveAttribute('data-incident-id', '1');

    const waitingA = { id: 1, severity: a.severity, title: 'First', since: a.created_at };
    await ringing(makeRing(b, { unanswered: 2, waiting: [waitingA] }));
    await waitFor(() => expect(pageScreen()).toHaveAttribute('data-incident-id', '2'));
    expect(screen.getByTestId('page-title')).toHaveTextContent('Second');
    expect(screen.getByTestId('page-more')).toHaveTextContent('+1 more paging');

    await ringing(makeRing(null));
    await waitFor(() => expect(pageScreen()).toBeNull());
    expect(dashboard().inert).toBe(false);
    expect(screen.getAllByTestId('incident-row')).toHaveLength(2);
  });

  it('Acknowledge invokes acknowledge_incident with the ringing id (not the selected one)', async () => {
    const fake = installFakeBackend([makeIncident(1), makeIncident(42)]);
    await renderApp(fake);
    await waitFor(() => expect(screen.getByTestId('incident-detail')).toHaveAttribute('data-incident-id', '1'));
    await ringing(makeRing(fake.incidents[1]));
    await screen.findByTestId('page-ack');
    await pastGuard();
    await fireEvent.click(screen.getByTestId('page-ack'));
    await waitFor(() => expect(fake.callsOf('acknowledge_incident').map((c) => c.args)).toEqual([{ id: 42 }]));
    expect(fake.callsOf('escalate_incident')).toHaveLength(0);
    // The list is refreshed after answering.
    await waitFor(() =>
      expect(within(screen.getAllByTestId('incident-row')[1]).getByTestId('incident-status').textContent).toBe(
        'acknowledged',
      ),
    );
  });

  it('Escalate invokes escalate_incident with the ringing id', async () => {
    const fake = installFakeBackend([makeIncident(1), makeIncident(9)]);
    await renderApp(fake);
    await ringing(makeRing(fake.incidents[1]));
    await screen.findByTestId('page-escalate');
    await pastGuard();
    await fireEvent.click(screen.getByTestId('page-escalate'));
    await waitFor(() => expect(fake.callsOf('escalate_incident').map((c) => c.args)).toEqual([{ id: 9 }]));
    expect(fake.callsOf('acknowledge_incident')).toHaveLength(0);
  });

  it('shows a rejected answer in the error banner, on top of the page', async () => {
    const fake = installFakeBackend([makeIncident(5)]);
    fake.failNext.set('acknowledge_incident', { code: 'invalid_state', message: 'incident 5 is already resolved' });
    fake.ring = makeRing(fake.incidents[0]);
    await renderApp(fake);
    await screen.findByTestId('page-ack');
    await pastGuard();
    await fireEvent.click(screen.getByTestId('page-ack'));
    const alert = await within(pageScreen()!).findByRole('alert');
    expect(alert).toHaveTextContent('incident 5 is already resolved');
    expect(screen.getAllByTestId('error-banner')).toHaveLength(1);
  });

  it('keys: a acknowledges, e escalates, only while shown and without modifiers', async () => {
    const fake = installFakeBackend([makeIncident(1), makeIncident(4)]);
    await renderApp(fake);
    const acks = () => fake.callsOf('acknowledge_incident').map((c) => c.args);
    const escalations = () => fake.callsOf('escalate_incident').map((c) => c.args);

    await ringing(makeRing(fake.incidents[1]));
    await screen.findByTestId('page-screen');
    await pastGuard();
    await press('a', { ctrlKey: true });
    await press('a', { metaKey: true });
    await press('e', { altKey: true });
    await press('a', { repeat: true });
    await press('x');

    // Each key, in either case, answers once the previous answer is done. The first answer is
    // the only call so far: none of the keys above made one (calls are recorded in order).
    const idle = () => waitFor(() => expect(screen.getByTestId('page-ack')).toBeEnabled());
    await press('a');
    await waitFor(() => expect(acks()).toEqual([{ id: 4 }]));
    expect(escalations()).toEqual([]);
    await idle();
    await press('A');
    await waitFor(() => expect(acks()).toHaveLength(2));
    await idle();
    await press('e');
    await waitFor(() => expect(escalations()).toEqual([{ id: 4 }]));
    await idle();
    await press('E');
    await waitFor(() => expect(escalations()).toHaveLength(2));
    await idle();

    // Nothing rings: the page screen's keys are gone (and the dashboard's wait out their guard
    // after it closed: see Keyboard.test.ts). Shown by a key after the next ring, whose answer
    // is the only one added.
    await ringing(makeRing(null));
    await waitFor(() => expect(pageScreen()).toBeNull());
    await press('a');
    await press('e');
    await ringing(makeRing(fake.incidents[0]));
    await waitFor(() => expect(pageScreen()).toHaveAttribute('data-incident-id', '1'));
    await pastGuard();
    await press('e');
    await waitFor(() => expect(escalations()).toHaveLength(3));
    expect(escalations()[2]).toEqual({ id: 1 });
    expect(acks()).toHaveLength(2);
  });

  it('ignores a second key while the first answer is in flight', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.ring = makeRing(fake.incidents[0]);
    await renderApp(fake);
    await screen.findByTestId('page-screen');
    await pastGuard();
    // Both presses land before the first acknowledge_incident answers.
    void fireEvent.keyDown(window, { key: 'a' });
    void fireEvent.keyDown(window, { key: 'e' });
    // The acknowledgement is done once the list it reloads shows it.
    await waitFor(() =>
      expect(within(screen.getAllByTestId('incident-row')[0]).getByTestId('incident-status').textContent).toBe(
        'acknowledged',
      ),
    );
    expect(screen.getByTestId('page-ack')).toBeEnabled();
    // A key pressed now answers, and its call is the first escalation: the 'e' above made none.
    await press('e');
    await waitFor(() => expect(fake.callsOf('escalate_incident')).not.toHaveLength(0));
    expect(fake.callsOf('escalate_incident').map((c) => c.args)).toEqual([{ id: 1 }]);
    expect(fake.callsOf('acknowledge_incident')).toHaveLength(1);
  });

  it('Mute invokes mute_ringing with 5 minutes and shows the new state', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.ring = makeRing(fake.incidents[0]);
    await renderApp(fake);
    await fireEvent.click(await screen.findByTestId('page-mute'));
    await waitFor(() => expect(fake.callsOf('mute_ringing').map((c) => c.args)).toEqual([{ minutes: 5 }]));
    expect(await screen.findByTestId('page-muted')).toHaveTextContent('Muted');
    expect(pageScreen()).not.toBeNull();
  });

  it('shows a failing ring_state in the error banner', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.failNext.set('ring_state', { code: 'internal', message: 'pager is gone' });
    render(App);
    expect(await screen.findByRole('alert')).toHaveTextContent('pager is gone');
    expect(pageScreen()).toBeNull();
  });
});

describe('test page', () => {
  it('shows one row per delivery path, including a failure, and can be dismissed', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.testPaths = [
      { path: 'notification', ok: true, error: null },
      { path: 'ringtone', ok: false, error: 'no usable audio output device' },
      { path: 'page-screen', ok: true, error: null },
    ];
    await renderApp(fake);
    expect(screen.queryByTestId('test-page-result')).toBeNull();
    const button = screen.getByTestId('test-page-button');
    expect(button).toHaveTextContent('Send test page');
    await fireEvent.click(button);

    const result = await screen.findByTestId('test-page-result');
    expect(fake.callsOf('test_page')).toHaveLength(1);
    const rows = within(result).getAllByTestId('test-page-path');
    expect(rows.map((r) => r.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'notification fired',
      'ringtone failed: no usable audio output device',
      'page-screen fired',
    ]);
    expect(rows[1]).toHaveAttribute('data-ok', 'false');

    await fireEvent.click(within(result).getByRole('button', { name: 'Dismiss test page result' }));
    expect(screen.queryByTestId('test-page-result')).toBeNull();
  });

  it('shows a rejected test_page in the error banner', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.failNext.set('test_page', { code: 'internal', message: 'engine stopped' });
    await renderApp(fake);
    await fireEvent.click(screen.getByTestId('test-page-button'));
    expect(await screen.findByRole('alert')).toHaveTextContent('engine stopped');
    expect(screen.queryByTestId('test-page-result')).toBeNull();
  });
});

describe('page screen: what waits, mute, the dashboard', () => {
  const waitingOf = (inc: ReturnType<typeof makeIncident>) => ({
    id: inc.id,
    severity: inc.severity,
    title: inc.title,
    since: inc.created_at,
  });

  it('answers a waiting page, or all of them, from the page screen', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const [a, b] = [makeIncident(1, { title: 'Ringing' }), makeIncident(2, { title: 'Waiting' })];
    const fake = installFakeBackend([a, b]);
    fake.ring = makeRing(a, { unanswered: 2, waiting: [waitingOf(b)] });
    await renderApp(fake);
    const page = await screen.findByTestId('page-screen');
    await pastGuard();
    await fireEvent.click(within(page).getByRole('button', { name: 'Acknowledge Waiting' }));
    await waitFor(() => expect(fake.callsOf('acknowledge_incident').map((c) => c.args)).toEqual([{ id: 2 }]));
    await fireEvent.click(within(page).getByTestId('page-ack-all'));
    await waitFor(() => expect(fake.callsOf('acknowledge_all')).toHaveLength(1));
  });

  it("shows the mute's time left and unmutes", async () => {
    const inc = makeIncident(3);
    const fake = installFakeBackend([inc]);
    fake.ring = makeRing(inc);
    await renderApp(fake);
    const page = await screen.findByTestId('page-screen');
    await fireEvent.click(within(page).getByTestId('page-mute'));
    await waitFor(() => expect(within(page).getByTestId('page-muted')).toHaveTextContent(/Muted [45]:\d\d/));
    await waitFor(() => expect(within(page).getByTestId('page-unmute')).toBeEnabled());
    await fireEvent.click(within(page).getByTestId('page-unmute'));
    await waitFor(() => expect(within(page).queryByTestId('page-muted')).toBeNull());
    expect(fake.callsOf('unmute_ringing')).toHaveLength(1);
    expect(within(page).getByTestId('page-mute')).toBeInTheDocument();
  });

  it('steps aside to the dashboard while paging, and a new page comes back over it', async () => {
    const [a, b] = [makeIncident(1, { title: 'First' }), makeIncident(2, { title: 'Second' })];
    const fake = installFakeBackend([a, b]);
    fake.ring = makeRing(a);
    await renderApp(fake);
    const page = await screen.findByTestId('page-screen');
    await fireEvent.click(within(page).getByTestId('page-dashboard'));
    await waitFor(() => expect(pageScreen()).toBeNull());
    expect(dashboard().inert).toBe(false);
    expect(screen.getByTestId('still-paging')).toHaveTextContent('Still paging: First');

    // The same page re-announced stays aside; a new one takes the screen again.
    await ringing(makeRing(a));
    await ringing(makeRing(a, { unanswered: 2, waiting: [waitingOf(b)] }));
    await waitFor(() => expect(pageScreen()).toHaveAttribute('data-incident-id', '1'));

    await fireEvent.click(screen.getByTestId('page-dashboard'));
    await waitFor(() => expect(pageScreen()).toBeNull());
    await fireEvent.click(screen.getByTestId('show-page'));
    await waitFor(() => expect(pageScreen()).toHaveAttribute('data-incident-id', '1'));
  });

  it('says where the page comes from, what it says, and where it goes next and when', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.setSystemTime(Date.parse('2024-05-01T03:00:00Z'));
    const local = makeIncident(1, {
      account: 'local',
      details: { text: 'disk /var at 97%\n\nhost db-1\nthird line\nfourth line', labels: {} },
      next_escalation_at: '2024-05-01T03:04:32Z',
      web_url: 'https://grafana.example/d/disk',
    });
    const fake = installFakeBackend([local]);
    fake.ring = makeRing(local, { next_up: ['Sam Lee'] });
    await renderApp(fake);
    const page = await screen.findByTestId('page-screen');
    expect(within(page).getByTestId('page-source')).toHaveTextContent('Local intake');
    expect(within(page).getByTestId('page-details').textContent).toBe('disk /var at 97%\nhost db-1\nthird line');
    expect(within(page).getByTestId('page-next')).toHaveTextContent('Escalates to Sam Lee in 4:32');
    await fireEvent.click(within(page).getByTestId('page-link'));
    await waitFor(() => expect(fake.callsOf('open_incident_link').map((c) => c.args)).toEqual([{ id: 1 }]));

    // A platform's page: its own policy decides what comes next (never "Last level").
    const pd = makeIncident(2, { account: 'pd-work', web_url: null, next_escalation_at: null });
    await ringing(makeRing(pd, { next_up: [], next_known: false }));
    await waitFor(() => expect(pageScreen()).toHaveAttribute('data-incident-id', '2'));
    expect(within(pageScreen()!).getByTestId('page-source')).toHaveTextContent('pd-work');
    expect(within(pageScreen()!).getByTestId('page-next')).toHaveTextContent('Escalation follows the platform’s policy');
    expect(within(pageScreen()!).getByTestId('page-escalate')).toHaveTextContent('Escalate to the next level');
    expect(within(pageScreen()!).queryByTestId('page-link')).toBeNull();
    expect(within(pageScreen()!).queryByTestId('page-details')).toBeNull();
  });
});
