import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import { tick } from 'svelte';
import App from './App.svelte';
import OutboxPanel from './components/OutboxPanel.svelte';
import type { Resource } from './lib/api';
import { incidents } from './lib/stores/incidents.svelte';
import { installFakeBackend, makeAccount, makeIncident, makeOutboxEntry, type FakeBackend } from './test/fakeBackend';

const COMMANDS = ['list_incidents', 'get_incident', 'on_call_status', 'list_accounts', 'list_outbox', 'shadow_settings'];

const counts = (fake: FakeBackend) => Object.fromEntries(COMMANDS.map((cmd) => [cmd, fake.callsOf(cmd).length]));

/** A backend with an incident, a platform account and a queued action on it. */
function backend(): FakeBackend {
  const inc = makeIncident(1, { account: 'work' });
  const fake = installFakeBackend([inc]);
  fake.accounts = [makeAccount('work')];
  fake.outbox = [makeOutboxEntry(1, inc)];
  return fake;
}

/** Renders the app with Settings open, once everything it shows has loaded. */
async function renderSettings(fake: FakeBackend) {
  render(App);
  await screen.findByTestId('incident-detail');
  await fireEvent.click(screen.getByTestId('settings-button'));
  await screen.findByTestId('account-row');
  await screen.findByTestId('outbox-entry');
  await screen.findAllByTestId('shadow-choice');
  await waitFor(() => expect(fake.callsOf('on_call_status')).toHaveLength(1));
}

describe('shared stores', () => {
  it('the settings panels show what the app fetched, fetching nothing again', async () => {
    const fake = backend();
    await renderSettings(fake);
    // Each change event reloads each store once: a panel with its own fetch or subscription would count twice.
    fake.accounts[0].last_synced_at = '2024-05-01T03:04:00Z';
    fake.outbox[0].state = 'sending';
    await emit('klaxon://changed', ['accounts', 'outbox']);
    await waitFor(() => expect(screen.getByTestId('outbox-entry')).toHaveAttribute('data-state', 'sending'));
    await waitFor(() => expect(screen.getByTestId('account-synced')).toHaveTextContent('Last synced'));
    expect(fake.callsOf('list_accounts')).toHaveLength(2);
    expect(fake.callsOf('list_outbox')).toHaveLength(2);
    expect(fake.callsOf('capabilities')).toHaveLength(1);
  });

  it('a panel mounted next to the app shares its outbox', async () => {
    const fake = backend();
    render(App);
    // The detail shows the incident's queued action: the app's outbox is in.
    await screen.findByTestId('queued-action');
    render(OutboxPanel, { props: { now: Date.parse('2024-05-01T03:05:00Z') } });
    expect(await screen.findByTestId('outbox-entry')).toHaveAttribute('data-state', 'pending');
    fake.outbox[0].state = 'failed';
    await emit('klaxon://changed', ['outbox']);
    // The app's badge and the panel show the one answer.
    expect(await screen.findByTestId('failed-actions')).toHaveTextContent('1');
    expect(screen.getByTestId('outbox-entry')).toHaveAttribute('data-state', 'failed');
    expect(fake.callsOf('list_outbox')).toHaveLength(2);
  });

  it.each<[Resource, string[]]>([
    ['incidents', ['list_incidents', 'get_incident']],
    ['accounts', ['list_accounts']],
    ['outbox', ['list_outbox']],
    ['on_call', ['on_call_status']],
    ['shadow', ['shadow_settings']],
  ])('a change of %s refetches %j and nothing else', async (resource, refetched) => {
    const fake = backend();
    await renderSettings(fake);
    const before = counts(fake);
    await emit('klaxon://changed', [resource]);
    // Handlers run as the event is emitted: once these answered, any other reload was asked too.
    await waitFor(() => refetched.forEach((cmd) => expect(fake.callsOf(cmd)).toHaveLength(before[cmd] + 1)));
    const expected = { ...before, ...Object.fromEntries(refetched.map((cmd) => [cmd, before[cmd] + 1])) };
    expect(counts(fake)).toEqual(expected);
  });

  it('a stale list answer does not replace a later one', async () => {
    const fake = backend();
    fake.incidents.push(makeIncident(2, { status: 'resolved' }));
    render(App);
    await screen.findByTestId('incident-detail');
    const rowIds = () => screen.getAllByTestId('incident-row').map((r) => r.getAttribute('data-incident-id'));
    expect(rowIds()).toEqual(['1']);

    const slow = fake.hold('list_incidents');
    const stale = incidents.page.load(); // e.g. for a change event: without the resolved one
    await incidents.toggleResolved(true);
    await tick();
    expect(rowIds()).toEqual(['1', '2']);
    slow.release();
    await stale;
    await tick();
    expect(rowIds()).toEqual(['1', '2']);
    expect(fake.callsOf('list_incidents').map((c) => c.args)).toEqual([{ all: false }, { all: false }, { all: true }]);
  });
});
