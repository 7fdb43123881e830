import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from './App.svelte';
import { installFakeBackend, makeAccount, makeIncident, makeOutboxEntry } from './test/fakeBackend';

const rows = () => screen.queryAllByTestId('incident-row');

async function renderApp() {
  render(App);
  await screen.findAllByTestId('incident-row');
  return screen.findByTestId('incident-detail');
}

/** Waits until the detail knows the account's kind (accounts and capabilities arrive separately). */
/** The reasons shown for actions the incident's platform cannot do. */
const reasons = () => screen.queryAllByTestId('unsupported-action').map((p) => p.textContent?.trim());

async function waitForSupport(testId: string, title: string) {
  await waitFor(() => expect(screen.getByTestId(testId)).toHaveAttribute('title', title));
}

describe('incident list account badge', () => {
  it('shows the platform account and hides the local one', async () => {
    installFakeBackend([makeIncident(1, { account: 'local' }), makeIncident(2, { account: 'work' })]);
    await renderApp();
    expect(within(rows()[0]).queryByTestId('incident-account')).toBeNull();
    expect(within(rows()[1]).getByTestId('incident-account')).toHaveTextContent('work');
  });
});

describe('note, snooze and reassign', () => {
  it('are hidden, with the platform’s reason, when it cannot do them', async () => {
    const fake = installFakeBackend([makeIncident(1, { account: 'ga', status: 'acknowledged' })]);
    fake.accounts = [makeAccount('ga', { kind: 'goalert' })];
    await renderApp();
    await waitFor(() => expect(reasons()).toContain('GoAlert has no snooze for alerts'));
    expect(reasons()).toEqual([
      'GoAlert alerts take no notes through its API',
      'GoAlert has no snooze for alerts',
      'GoAlert alerts cannot be reassigned',
    ]);
    for (const id of ['note-input', 'note-button', 'snooze-button', 'reassign-input', 'reassign-button']) {
      expect(screen.queryByTestId(id)).toBeNull();
    }
    // What GoAlert can do stays available.
    expect(screen.getByTestId('escalate-button')).toBeEnabled();
    expect(screen.getByTestId('escalate-button')).not.toHaveAttribute('title');
    expect(screen.getByTestId('resolve-button')).toBeEnabled();
  });

  it('are hidden for local incidents, saying why once', async () => {
    installFakeBackend([makeIncident(1, { account: 'local' })]);
    await renderApp();
    await waitFor(() => expect(reasons()).toHaveLength(1));
    expect(reasons()[0]).toMatch(/^local incidents support acknowledge, resolve and escalate only/);
    expect(screen.queryByTestId('note-button')).toBeNull();
    expect(screen.getByTestId('ack-button')).toBeEnabled();
  });

  it('only Grafana OnCall’s reassign is hidden', async () => {
    const fake = installFakeBackend([makeIncident(1, { account: 'ops', status: 'acknowledged' })]);
    fake.accounts = [makeAccount('ops', { kind: 'grafana-oncall' })];
    await renderApp();
    await waitFor(() => expect(reasons()).toEqual(["Grafana OnCall's API cannot reassign an alert group"]));
    expect(screen.queryByTestId('reassign-input')).toBeNull();
    expect(screen.getByTestId('snooze-button')).toBeEnabled();
    expect(screen.getByTestId('note-input')).toBeEnabled();
  });

  it('what the status does not allow yet stays, disabled, saying why', async () => {
    const fake = installFakeBackend([makeIncident(1, { account: 'ops', status: 'triggered' })]);
    fake.accounts = [makeAccount('ops', { kind: 'grafana-oncall' })];
    await renderApp();
    await waitForSupport('snooze-button', 'Only acknowledged incidents can be snoozed');
    expect(screen.getByTestId('snooze-button')).toBeDisabled();
  });

  it('adds a note, shows it queued for the platform and clears the input', async () => {
    const fake = installFakeBackend([makeIncident(1), makeIncident(5, { account: 'work' })]);
    fake.accounts = [makeAccount('work')];
    await renderApp();
    await fireEvent.click(rows()[1]);
    await waitFor(() => expect(screen.getByTestId('incident-detail')).toHaveAttribute('data-incident-id', '5'));
    expect(screen.queryByTestId('queued-badge')).toBeNull();
    const input = screen.getByTestId('note-input') as HTMLTextAreaElement;
    expect(screen.getByTestId('note-button')).toBeDisabled(); // nothing typed yet
    await fireEvent.input(input, { target: { value: '  rolled back the deploy ' } });
    await fireEvent.click(screen.getByTestId('note-button'));

    await waitFor(() => expect(screen.getByTestId('queued-badge')).toHaveTextContent('queued'));
    expect(fake.callsOf('note_incident').map((c) => c.args)).toEqual([{ id: 5, text: 'rolled back the deploy' }]);
    const queued = screen.getAllByTestId('queued-action');
    expect(queued).toHaveLength(1);
    expect(queued[0]).toHaveAttribute('data-state', 'pending');
    expect(queued[0]).toHaveTextContent('note: rolled back the deploy');
    expect(queued[0]).toHaveTextContent('queued');
    await waitFor(() => expect(input.value).toBe(''));
    expect(screen.getAllByTestId('log-entry').at(-1)).toHaveTextContent('rolled back the deploy');
  });

  it('shows a failed action on the incident with the platform’s reason', async () => {
    const inc = makeIncident(1, { account: 'work' });
    const fake = installFakeBackend([inc]);
    fake.accounts = [makeAccount('work')];
    fake.outbox = [makeOutboxEntry(9, inc, { state: 'failed', last_error: 'refused by the platform: gone' })];
    await renderApp();
    const queued = await screen.findByTestId('queued-action');
    expect(queued).toHaveAttribute('data-state', 'failed');
    expect(queued).toHaveTextContent('acknowledge failed refused by the platform: gone');
    expect(screen.queryByTestId('queued-badge')).toBeNull(); // nothing is waiting any more
    expect(screen.getByTestId('failed-actions')).toHaveTextContent('1');
  });

  it('snoozes acknowledged incidents only, for the minutes chosen', async () => {
    const fake = installFakeBackend([makeIncident(1, { account: 'work' })]);
    fake.accounts = [makeAccount('work')];
    await renderApp();
    await waitForSupport('snooze-button', 'Only acknowledged incidents can be snoozed');
    expect(screen.getByTestId('snooze-button')).toBeDisabled();

    await fireEvent.click(screen.getByTestId('ack-button'));
    await waitFor(() => expect(screen.getByTestId('snooze-button')).toBeEnabled());
    const minutes = screen.getByTestId('snooze-minutes') as HTMLSelectElement;
    expect(minutes.value).toBe('30');
    await fireEvent.change(minutes, { target: { value: '60' } });
    await fireEvent.click(screen.getByTestId('snooze-button'));
    await waitFor(() => expect(fake.callsOf('snooze_incident')).toHaveLength(1));
    expect(fake.callsOf('snooze_incident')[0].args).toEqual({ id: 1, minutes: 60 });
  });

  it('shows Rust’s refusal and keeps the note typed', async () => {
    const fake = installFakeBackend([makeIncident(1, { account: 'work' })]);
    fake.accounts = [makeAccount('work')];
    fake.failNext.set('note_incident', { code: 'unsupported', message: 'cannot note: not on this platform' });
    await renderApp();
    const input = screen.getByTestId('note-input') as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: 'hello' } });
    await fireEvent.click(screen.getByTestId('note-button'));
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('cannot note: not on this platform');
    expect(input.value).toBe('hello');
    expect(screen.queryByTestId('queued-action')).toBeNull();
  });
});

describe('settings', () => {
  it('opens the accounts and outbox panels from the top bar and goes back', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.accounts = [makeAccount('work')];
    await renderApp();
    await fireEvent.click(screen.getByTestId('settings-button'));
    expect(await screen.findByTestId('accounts-panel')).toBeInTheDocument();
    expect(screen.getByTestId('outbox-panel')).toBeInTheDocument();
    expect(await screen.findByTestId('account-row')).toHaveAttribute('data-account', 'work');
    expect(screen.queryByTestId('incident-detail')).toBeNull();
    await fireEvent.click(screen.getByTestId('settings-close'));
    expect(await screen.findByTestId('incident-detail')).toBeInTheDocument();
    expect(screen.queryByTestId('accounts-panel')).toBeNull();
  });
});
