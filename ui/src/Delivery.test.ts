import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import App from './App.svelte';
import type { DeliveryFailure } from './lib/bindings';
import { installFakeBackend, makeIncident, makeRing, type FakeBackend } from './test/fakeBackend';

const warnings = () => screen.queryAllByTestId('delivery-warning');
const problems = () => warnings().map((w) => within(w).getByTestId('delivery-problem').textContent?.trim());
const warningOf = (path: string) => warnings().find((w) => w.dataset.path === path);

async function renderApp(fake: FakeBackend) {
  render(App);
  await screen.findAllByTestId('incident-row');
  await waitFor(() => expect(fake.callsOf('ring_state')).toHaveLength(1));
}

async function failed(path: string, error = 'it broke') {
  await emit('klaxon://delivery-failed', { path, incident: 1, error } satisfies DeliveryFailure);
}

/** Clicks a warning's Test and waits for the test page's answer to show. */
async function testPage(path: string) {
  await fireEvent.click(within(warningOf(path)!).getByTestId('delivery-test'));
  await screen.findByTestId('test-page-result');
  await fireEvent.click(screen.getByRole('button', { name: 'Dismiss test page result' }));
}

describe('delivery failures', () => {
  it('say what each failure means for the person on call', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    await renderApp(fake);
    expect(warnings()).toHaveLength(0);

    await failed('ringtone', 'no usable audio output device');
    await failed('desktop-notification');
    await failed('os-notification');
    await failed('page-screen');
    await failed('carrier-pigeon');
    await waitFor(() => expect(warnings()).toHaveLength(5));
    expect(problems()).toEqual([
      "No sound on this computer — you won't hear pages.",
      'Desktop notifications are not showing — you may miss pages.',
      'Desktop notifications are not showing — you may miss pages.',
      'The page screen could not open.',
      'Pages could not be delivered through “carrier-pigeon” — you may miss pages.',
    ]);
    // Not an alarm that takes over: the dashboard stays usable.
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getAllByTestId('incident-row')).toHaveLength(1);
  });

  it('Details reveals the raw error, and hides it again', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    await renderApp(fake);
    await failed('ringtone', 'no usable audio output device');
    const warning = await screen.findByTestId('delivery-warning');
    expect(warning).not.toHaveTextContent('no usable audio output device');

    const toggle = within(warning).getByTestId('delivery-details-toggle');
    await fireEvent.click(toggle);
    expect(within(warning).getByTestId('delivery-details')).toHaveTextContent(
      'ringtone failed for incident #1: no usable audio output device',
    );
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    // The latest failure's error is the one shown.
    await failed('ringtone', 'device busy');
    await waitFor(() => expect(within(warning).getByTestId('delivery-details')).toHaveTextContent('device busy'));

    await fireEvent.click(toggle);
    expect(within(warning).queryByTestId('delivery-details')).toBeNull();
  });

  it('Test sends a test page; a path that worked loses its warning', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.testPaths = [
      { path: 'ringtone', ok: true, error: null },
      { path: 'page-screen', ok: false, error: 'no display' },
    ];
    await renderApp(fake);
    await failed('ringtone');
    await failed('page-screen');
    await waitFor(() => expect(warnings()).toHaveLength(2));

    await fireEvent.click(within(warningOf('ringtone')!).getByTestId('delivery-test'));
    await screen.findByTestId('test-page-result');
    expect(fake.callsOf('test_page')).toHaveLength(1);
    expect(warnings().map((w) => w.dataset.path)).toEqual(['page-screen']);
  });

  it('a dismissed warning stays dismissed while its path keeps failing', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.testPaths = [{ path: 'ringtone', ok: false, error: 'no usable audio output device' }];
    await renderApp(fake);
    await failed('ringtone');
    await fireEvent.click(await screen.findByRole('button', { name: 'Dismiss ringtone warning' }));
    expect(warnings()).toHaveLength(0);

    // The same path failing again changes nothing.
    await failed('ringtone', 'again');
    // Another path's failure is news: it shows, the dismissed one does not.
    await failed('page-screen');
    await waitFor(() => expect(warnings().map((w) => w.dataset.path)).toEqual(['page-screen']));

    // A test page in which the ringtone failed too is no reason to show it again.
    await testPage('page-screen');
    await failed('ringtone', 'still');
    await failed('page-screen', 'a newer one');
    // Events arrive in order: once the later one shows, the ringtone's has been handled.
    await fireEvent.click(within(warningOf('page-screen')!).getByTestId('delivery-details-toggle'));
    await waitFor(() => expect(screen.getByTestId('delivery-details')).toHaveTextContent('a newer one'));
    expect(warnings().map((w) => w.dataset.path)).toEqual(['page-screen']);
  });

  it('a dismissed warning shows again when its path fails after it worked', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.testPaths = [{ path: 'ringtone', ok: true, error: null }];
    await renderApp(fake);
    await failed('ringtone', 'no usable audio output device');
    await fireEvent.click(await screen.findByRole('button', { name: 'Dismiss ringtone warning' }));

    // The top bar's test page shows that the ringtone works now.
    await fireEvent.click(screen.getByTestId('test-page-button'));
    await screen.findByTestId('test-page-result');
    expect(warnings()).toHaveLength(0);

    await failed('ringtone', 'device busy');
    await waitFor(() => expect(warnings().map((w) => w.dataset.path)).toEqual(['ringtone']));
  });

  it('stay visible while a page rings', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.ring = makeRing(fake.incidents[0]);
    await renderApp(fake);
    const page = await screen.findByTestId('page-screen');
    await failed('ringtone', 'no usable audio output device');
    const warning = await within(page).findByTestId('delivery-warning');
    expect(warning).toHaveTextContent("No sound on this computer — you won't hear pages.");
  });
});
