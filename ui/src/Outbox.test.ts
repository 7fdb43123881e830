import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import OutboxPanel from './components/OutboxPanel.svelte';
import { installFakeBackend, makeIncident, makeOutboxEntry, type FakeBackend } from './test/fakeBackend';

const NOW = Date.parse('2024-05-01T03:05:00Z');
const entries = () => screen.queryAllByTestId('outbox-entry');
const entry = (id: number) => entries().find((e) => e.getAttribute('data-id') === String(id))!;

function withQueue(): FakeBackend {
  const inc = makeIncident(7, { account: 'work', title: 'Checkout down' });
  const fake = installFakeBackend([inc]);
  fake.outbox = [
    makeOutboxEntry(1, inc, { action: { type: 'note', text: 'looking into it' } }),
    makeOutboxEntry(2, inc, { action: { type: 'snooze', minutes: 30 }, state: 'sending', attempts: 1 }),
    makeOutboxEntry(3, inc, {
      action: { type: 'reassign', to: ['PSAM', 'PBOB'] },
      state: 'failed',
      attempts: 2,
      last_error: 'refused by the platform: Incident Already Resolved',
    }),
  ];
  return fake;
}

async function renderPanel() {
  const result = render(OutboxPanel, { props: { now: NOW } });
  await screen.findAllByTestId('outbox-entry');
  return result;
}

describe('outbox panel', () => {
  it('lists queued, sending and failed actions with the reason', async () => {
    const fake = withQueue();
    await renderPanel();
    expect(fake.callsOf('list_outbox')[0].args).toEqual({ all: false });
    expect(entries().map((e) => e.getAttribute('data-state'))).toEqual(['pending', 'sending', 'failed']);
    expect(entry(1)).toHaveTextContent('note: looking into it');
    expect(entry(1)).toHaveTextContent('on “Checkout down” (work)');
    expect(within(entry(1)).getByTestId('outbox-state')).toHaveTextContent('queued');
    expect(entry(1)).toHaveTextContent('4m ago');
    expect(within(entry(2)).getByTestId('outbox-state')).toHaveTextContent('sending');
    expect(entry(2)).toHaveTextContent('1 attempt');
    expect(entry(3)).toHaveTextContent('reassign to PSAM, PBOB');
    expect(entry(3)).toHaveTextContent('2 attempts');
    expect(within(entry(3)).getByTestId('outbox-reason')).toHaveTextContent('Incident Already Resolved');
    expect(within(entry(1)).queryByTestId('outbox-reason')).toBeNull();
  });

  it('offers Retry for failed actions only and Discard for those not on their way', async () => {
    withQueue();
    await renderPanel();
    expect(within(entry(1)).queryByTestId('outbox-retry')).toBeNull();
    expect(within(entry(1)).getByTestId('outbox-discard')).toBeEnabled();
    expect(within(entry(2)).queryByTestId('outbox-retry')).toBeNull();
    expect(within(entry(2)).queryByTestId('outbox-discard')).toBeNull();
    expect(within(entry(3)).getByTestId('outbox-retry')).toBeEnabled();
    expect(within(entry(3)).getByTestId('outbox-discard')).toBeEnabled();
  });

  it('retries a failed action', async () => {
    const fake = withQueue();
    await renderPanel();
    await fireEvent.click(within(entry(3)).getByTestId('outbox-retry'));
    await waitFor(() => expect(within(entry(3)).getByTestId('outbox-state')).toHaveTextContent('queued'));
    expect(fake.callsOf('retry_outbox').map((c) => c.args)).toEqual([{ id: 3 }]);
    expect(within(entry(3)).queryByTestId('outbox-retry')).toBeNull();
  });

  it('discards an action until the outbox is empty', async () => {
    const fake = withQueue();
    fake.outbox = [fake.outbox[2]];
    await renderPanel();
    await fireEvent.click(within(entry(3)).getByTestId('outbox-discard'));
    expect(await screen.findByTestId('outbox-empty')).toHaveTextContent('Every action reached its platform.');
    expect(fake.callsOf('discard_outbox').map((c) => c.args)).toEqual([{ id: 3 }]);
    expect(entries()).toHaveLength(0);
  });

  it('shows a refused retry and the list as it now is', async () => {
    const fake = withQueue();
    await renderPanel();
    fake.failNext.set('retry_outbox', {
      code: 'invalid_state',
      message: 'outbox entry 3 cannot be retried (only failed ones can)',
    });
    fake.outbox[2].state = 'sending'; // another process retried it meanwhile
    await fireEvent.click(within(entry(3)).getByTestId('outbox-retry'));
    expect(await screen.findByTestId('outbox-error')).toHaveTextContent('only failed ones can');
    await waitFor(() => expect(entry(3)).toHaveAttribute('data-state', 'sending'));
  });

  it('refreshes on the change event (e.g. the sender delivered an action)', async () => {
    const fake = withQueue();
    await renderPanel();
    fake.outbox = fake.outbox.slice(1);
    await emit('klaxon://changed', ['outbox']);
    await waitFor(() => expect(entries()).toHaveLength(2));
  });
});
