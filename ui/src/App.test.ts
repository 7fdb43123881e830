import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import { tick } from 'svelte';
import App from './App.svelte';
import { formatWeekdayTime } from './lib/format';
import { installFakeBackend, makeIncident, type FakeBackend } from './test/fakeBackend';

const rows = () => screen.queryAllByTestId('incident-row');
const rowIds = () => rows().map((r) => r.getAttribute('data-incident-id'));

async function renderApp() {
  const result = render(App);
  await screen.findAllByTestId('incident-row');
  return result;
}

/** Reloads the list on a change event and waits until the detail loaded after it was rendered too. */
async function reloadedAndRendered(fake: FakeBackend) {
  const detailLoads = fake.callsOf('get_incident').length;
  await emit('klaxon://changed', ['incidents']);
  await waitFor(() => expect(fake.callsOf('list_incidents')).toHaveLength(2));
  await waitFor(() => expect(fake.callsOf('get_incident')).toHaveLength(detailLoads + 1));
  await tick();
}

describe('App', () => {
  it('renders rows in the order received, with title and raw status', async () => {
    // Someone else's, so all in one section (NeedsMe.test.ts puts mine first).
    installFakeBackend([
      makeIncident(7, { title: 'Disk full', assignees: ['bob'] }),
      makeIncident(3, { title: 'API down', status: 'acknowledged', assignees: ['bob'] }),
      makeIncident(9, { title: 'Queue lag', assignees: ['bob'] }),
    ]);
    await renderApp();
    expect(rowIds()).toEqual(['7', '3', '9']);
    expect(within(rows()[1]).getByTestId('incident-title')).toHaveTextContent('API down');
    expect(within(rows()[1]).getByTestId('incident-status').textContent).toBe('acknowledged');
    expect(screen.queryByTestId('empty-state')).toBeNull();
  });

  it('says when only the head of a long list was sent', async () => {
    const fake = installFakeBackend([makeIncident(1), makeIncident(2), makeIncident(3)]);
    fake.limit = 2;
    await renderApp();
    expect(rowIds()).toEqual(['1', '2']);
    expect(screen.getByTestId('list-truncated')).toHaveTextContent('Showing the first 2 of 3');
  });

  it('shows warnings about the cache until they are dismissed', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.warnings = ['The database /d/klaxon.db was found empty (0 bytes) on 2026-11-30 13:00 UTC: gone.'];
    await renderApp();
    const banner = await screen.findByTestId('store-warnings');
    expect(banner).toHaveTextContent('was found empty (0 bytes)');
    await fireEvent.click(screen.getByTestId('store-warnings-dismiss'));
    await waitFor(() => expect(screen.queryByTestId('store-warnings')).toBeNull());
    expect(fake.callsOf('dismiss_warnings')).toHaveLength(1);
  });

  it('does not claim truncation when everything was sent', async () => {
    installFakeBackend([makeIncident(1)]);
    await renderApp();
    expect(screen.queryByTestId('list-truncated')).toBeNull();
  });

  it('shows a severity badge per row', async () => {
    installFakeBackend([
      makeIncident(1, { severity: 'sev1' }),
      makeIncident(2, { severity: 'sev2' }),
      makeIncident(3, { severity: 'sev3' }),
      makeIncident(4, { severity: 'sev4' }),
    ]);
    await renderApp();
    const badges = rows().map((r) => within(r).getByTestId('incident-severity'));
    expect(badges.map((b) => b.textContent?.trim())).toEqual(['SEV1', 'SEV2', 'SEV3', 'SEV4']);
    badges.forEach((b, i) => expect(b).toHaveClass(`sev-sev${i + 1}`));
  });

  it('shows the empty state when nothing is open', async () => {
    installFakeBackend([]);
    render(App);
    expect(await screen.findByTestId('empty-state')).toHaveTextContent('All quiet. No open incidents.');
    expect(rows()).toHaveLength(0);
    expect(screen.queryByTestId('incident-detail')).toBeNull();
  });

  it('shows who is on call and whether I am', async () => {
    const fake = installFakeBackend([]);
    fake.status = {
      ...fake.status,
      me_on_call: false,
      entries: [{ ...fake.status.entries[0], person_id: 'bob', person_name: 'Bob', me: false }],
    };
    render(App);
    const bar = await screen.findByTestId('oncall-status');
    await waitFor(() => expect(bar).toHaveTextContent('You are off call'));
    expect(screen.getByTestId('oncall-others')).toHaveTextContent('On call (1)');
    expect(screen.getByTestId('oncall-entry')).toHaveTextContent('Bob');
  });

  it('says until when I am on call, with others behind one button', async () => {
    const fake = installFakeBackend([]);
    const me = fake.status.me;
    const until = '2024-05-06T09:00:00Z';
    fake.status = {
      ...fake.status,
      me_on_call: true,
      entries: [
        { policy: 'default', level: 1, person_id: me.id, person_name: me.name, rotation: 'primary', until, me: true },
        { policy: 'default', level: 2, person_id: 'sam', person_name: 'Sam Lee', rotation: null, until: null, me: false },
      ],
    };
    render(App);
    const summary = await screen.findByTestId('oncall-me');
    await waitFor(() => expect(summary).toHaveTextContent(`You are on call until ${formatWeekdayTime(until)}`));
    expect(summary).not.toHaveClass('sev-sev1');
    const entries = screen.getAllByTestId('oncall-entry');
    expect(entries.map((e) => e.querySelector('strong')?.textContent)).toEqual(['You', 'Sam Lee']);
    expect(screen.getByTestId('oncall-others')).not.toHaveAttribute('open');
  });

  it('auto-selects the first incident and loads its detail', async () => {
    const fake = installFakeBackend([makeIncident(5), makeIncident(6)]);
    await renderApp();
    const detail = await screen.findByTestId('incident-detail');
    expect(detail).toHaveAttribute('data-incident-id', '5');
    expect(fake.callsOf('get_incident').map((c) => c.args)).toContainEqual({ id: 5 });
  });

  it('clicking a row loads its detail with the timeline', async () => {
    const fake = installFakeBackend([
      makeIncident(1),
      makeIncident(2, {
        title: 'Payments failing',
        details: { text: 'p99 > 2s', labels: { region: 'eu-west-1' } },
      }),
    ]);
    fake.logs.get(2)!.push({ at: '2024-05-01T03:01:00Z', kind: 'notified', message: 'Paged Alice', actor: null });
    await renderApp();
    await fireEvent.click(rows()[1]);
    await waitFor(() => expect(screen.getByTestId('incident-detail')).toHaveAttribute('data-incident-id', '2'));
    const detail = screen.getByTestId('incident-detail');
    expect(detail).toHaveTextContent('Payments failing');
    expect(detail).toHaveTextContent('p99 > 2s');
    expect(within(detail).getByRole('rowheader', { name: 'region' })).toBeInTheDocument();
    const entries = within(detail).getAllByTestId('log-entry');
    expect(entries).toHaveLength(2);
    expect(entries[1]).toHaveTextContent('Paged Alice');
    expect(rows()[1]).toHaveAttribute('aria-pressed', 'true');
  });

  it('enables only the actions that apply', async () => {
    installFakeBackend([makeIncident(1, { status: 'acknowledged' })]);
    await renderApp();
    await screen.findByTestId('incident-detail');
    expect(screen.getByTestId('ack-button')).toBeDisabled();
    expect(screen.getByTestId('escalate-button')).toBeEnabled();
    expect(screen.getByTestId('resolve-button')).toBeEnabled();
  });

  it('Acknowledge invokes the command with the id and shows the new state', async () => {
    const fake = installFakeBackend([makeIncident(1), makeIncident(42)]);
    await renderApp();
    await fireEvent.click(rows()[1]);
    await waitFor(() => expect(screen.getByTestId('incident-detail')).toHaveAttribute('data-incident-id', '42'));
    const ack = screen.getByTestId('ack-button');
    expect(ack).toHaveTextContent('Acknowledge');
    expect(ack).toBeEnabled();
    await fireEvent.click(ack);
    await waitFor(() => expect(screen.getByTestId('detail-status').textContent).toBe('acknowledged'));
    expect(fake.callsOf('acknowledge_incident').map((c) => c.args)).toEqual([{ id: 42 }]);
    expect(within(rows()[1]).getByTestId('incident-status').textContent).toBe('acknowledged');
    expect(screen.getByTestId('ack-button')).toBeDisabled();
    expect(screen.getAllByTestId('log-entry')).toHaveLength(2);
  });

  it('Resolve keeps the resolved incident in view and shows the empty state', async () => {
    const fake = installFakeBackend([makeIncident(8, { severity: 'sev3' })]);
    await renderApp();
    await fireEvent.click(await screen.findByTestId('resolve-button'));
    await waitFor(() => expect(screen.getByTestId('detail-status').textContent).toBe('resolved'));
    expect(fake.callsOf('resolve_incident').map((c) => c.args)).toEqual([{ id: 8 }]);
    expect(screen.getByTestId('empty-state')).toBeInTheDocument();
    expect(screen.getByTestId('escalate-button')).toBeDisabled();
    expect(screen.getByTestId('resolve-button')).toBeDisabled();
  });

  it('shows the error message in an alert when a command is rejected', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.failNext.set('escalate_incident', { code: 'invalid_state', message: 'incident 1 is already at the top level' });
    await renderApp();
    await fireEvent.click(await screen.findByTestId('escalate-button'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveAttribute('data-testid', 'error-banner');
    expect(alert).toHaveTextContent('incident 1 is already at the top level');
    await fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss error' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('"Show resolved" toggles the all argument', async () => {
    const fake = installFakeBackend([makeIncident(1), makeIncident(2, { status: 'resolved' })]);
    await renderApp();
    expect(fake.callsOf('list_incidents').map((c) => c.args)).toEqual([{ all: false }]);
    expect(rowIds()).toEqual(['1']);
    const toggle = screen.getByLabelText('Show resolved');
    await fireEvent.click(toggle);
    await waitFor(() => expect(rowIds()).toEqual(['1', '2']));
    expect(fake.callsOf('list_incidents').at(-1)?.args).toEqual({ all: true });
    await fireEvent.click(toggle);
    await waitFor(() => expect(rowIds()).toEqual(['1']));
    expect(fake.callsOf('list_incidents').at(-1)?.args).toEqual({ all: false });
  });

  it('invokes ui_ready exactly once, after the list rendered', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    await renderApp();
    await waitFor(() => expect(fake.callsOf('ui_ready')).toHaveLength(1));
    await reloadedAndRendered(fake);
    expect(fake.callsOf('ui_ready')).toHaveLength(1);
  });

  it('ignores a failing ui_ready', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.failNext.set('ui_ready', { code: 'internal', message: 'benchmark hook broke' });
    await renderApp();
    await waitFor(() => expect(fake.callsOf('ui_ready')).toHaveLength(1));
    // Its refusal was answered long before a whole reload was.
    await reloadedAndRendered(fake);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('refetches list, status and detail on klaxon://changed naming incidents and on_call', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    await renderApp();
    await screen.findByTestId('incident-detail');
    const before = { list: fake.callsOf('list_incidents').length, status: fake.callsOf('on_call_status').length, detail: fake.callsOf('get_incident').length };

    fake.incidents.unshift(makeIncident(2, { title: 'New fire', severity: 'sev1' }));
    fake.logs.set(2, []);
    fake.incidents[1].status = 'acknowledged';
    await emit('klaxon://changed', ['incidents', 'on_call']);

    await waitFor(() => expect(rowIds()).toEqual(['2', '1']));
    expect(fake.callsOf('list_incidents').length).toBe(before.list + 1);
    expect(fake.callsOf('on_call_status').length).toBe(before.status + 1);
    await waitFor(() => expect(fake.callsOf('get_incident').length).toBe(before.detail + 1));
    // The user's selection is kept; its detail reflects the new state.
    await waitFor(() => expect(screen.getByTestId('detail-status').textContent).toBe('acknowledged'));
    expect(screen.getByTestId('incident-detail')).toHaveAttribute('data-incident-id', '1');
  });

  it('selects the paged incident on klaxon://page', async () => {
    const fake = installFakeBackend([makeIncident(1), makeIncident(2, { title: 'Paged one' })]);
    await renderApp();
    await waitFor(() => expect(screen.getByTestId('incident-detail')).toHaveAttribute('data-incident-id', '1'));
    await emit('klaxon://page', fake.incidents[1]);
    await waitFor(() => expect(screen.getByTestId('incident-detail')).toHaveAttribute('data-incident-id', '2'));
    expect(screen.getByTestId('incident-detail')).toHaveTextContent('Paged one');
  });

  it('shows a list error in the banner', async () => {
    const fake = installFakeBackend([]);
    fake.failNext.set('list_incidents', { code: 'storage', message: 'database is locked' });
    render(App);
    expect(await screen.findByRole('alert')).toHaveTextContent('database is locked');
  });
});
