// "Seeing what needs me": my triggered incidents first, filters kept for the session, people by
// name (as Rust sends them), and someone else's page not dressed up as mine.
import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from './App.svelte';
import { DEFAULT_FILTERS } from './lib/needsMe';
import { incidents } from './lib/stores/incidents.svelte';
import { installFakeBackend, makeIncident } from './test/fakeBackend';

const idsIn = (testId: string) =>
  [...(screen.queryByTestId(testId)?.querySelectorAll('[data-testid="incident-row"]') ?? [])].map((r) =>
    r.getAttribute('data-incident-id'),
  );
const allIds = () => screen.queryAllByTestId('incident-row').map((r) => r.getAttribute('data-incident-id'));

/** Rust's order: 1 (Sam's), 2 (mine, acknowledged), 3 (mine, triggered), 4 (Sam's, acknowledged), 5 (mine, triggered). */
function fiveIncidents() {
  return installFakeBackend([
    makeIncident(1, { title: 'Sam’s outage', assignees: ['sam'] }),
    makeIncident(2, { title: 'Mine, acked', status: 'acknowledged', assignees: ['alice'] }),
    makeIncident(3, { title: 'Mine, ringing', assignees: ['alice', 'sam'] }),
    makeIncident(4, { title: 'Sam’s, acked', status: 'acknowledged', assignees: ['sam'] }),
    makeIncident(5, { title: 'Mine too', assignees: ['alice'] }),
  ]);
}

async function renderApp() {
  render(App);
  await screen.findAllByTestId('incident-row');
}

afterEach(() => {
  // The filters last the session (the module's life); each test starts from the defaults.
  incidents.filter(DEFAULT_FILTERS);
});

describe('Needs me', () => {
  it('lists my triggered incidents first, then the rest in Rust’s order', async () => {
    fiveIncidents();
    await renderApp();
    expect(screen.getByTestId('needs-me-heading')).toHaveTextContent('Needs me (2)');
    expect(idsIn('needs-me')).toEqual(['3', '5']);
    expect(idsIn('the-rest')).toEqual(['1', '2', '4']);
    expect(allIds()).toEqual(['3', '5', '1', '2', '4']);
    // The first row shown is selected, and the keys walk the rows as shown.
    await waitFor(() => expect(screen.getByTestId('incident-detail')).toHaveAttribute('data-incident-id', '3'));
    await fireEvent.keyDown(window, { key: 'j' });
    await waitFor(() => expect(screen.getByTestId('incident-detail')).toHaveAttribute('data-incident-id', '5'));
    await fireEvent.keyDown(window, { key: 'j' });
    await waitFor(() => expect(screen.getByTestId('incident-detail')).toHaveAttribute('data-incident-id', '1'));
  });

  it('names the assignees, me as “you”', async () => {
    fiveIncidents();
    await renderApp();
    const row = (id: string) => screen.getAllByTestId('incident-row').find((r) => r.dataset.incidentId === id)!;
    expect(within(row('3')).getByTestId('incident-assignees')).toHaveTextContent('Assigned to you and Sam Lee');
    expect(within(row('1')).getByTestId('incident-assignees')).toHaveTextContent('Assigned to Sam Lee');
    expect(await screen.findByTestId('detail-assignees')).toHaveTextContent('you, Sam Lee');
  });

  it('has no Needs me section when nothing triggered is mine', async () => {
    installFakeBackend([makeIncident(1, { assignees: ['sam'] }), makeIncident(2, { status: 'acknowledged' })]);
    await renderApp();
    expect(screen.queryByTestId('needs-me')).toBeNull();
    expect(screen.queryByTestId('rest-heading')).toBeNull();
    expect(allIds()).toEqual(['1', '2']);
  });
});

describe('on call', () => {
  it('names me “you” and others by name', async () => {
    const fake = installFakeBackend([]);
    const alice = fake.status.entries[0];
    fake.status = { ...fake.status, entries: [alice, { ...alice, level: 2, person_id: 'PSAM', person_name: 'Sam Lee', me: false }] };
    render(App);
    await waitFor(() => expect(screen.getAllByTestId('oncall-entry')).toHaveLength(2));
    const [me, sam] = screen.getAllByTestId('oncall-entry');
    expect(me.querySelector('strong')).toHaveTextContent(/^You$/);
    expect(sam.querySelector('strong')).toHaveTextContent(/^Sam Lee$/);
  });
});

describe('filters', () => {
  it('show triggered, acknowledged or all, and mine or everyone’s, without asking Rust again', async () => {
    const fake = fiveIncidents();
    await renderApp();
    const lists = fake.callsOf('list_incidents').length;

    await fireEvent.click(screen.getByTestId('filter-acknowledged'));
    expect(allIds()).toEqual(['2', '4']);
    expect(screen.queryByTestId('needs-me')).toBeNull();
    await fireEvent.click(screen.getByTestId('filter-mine'));
    expect(allIds()).toEqual(['2']);
    await fireEvent.click(screen.getByTestId('filter-triggered'));
    expect(allIds()).toEqual(['3', '5']);
    expect(screen.getByTestId('filter-triggered')).toHaveAttribute('aria-pressed', 'true');
    await fireEvent.click(screen.getByTestId('filter-everyone'));
    expect(allIds()).toEqual(['3', '5', '1']);
    await fireEvent.click(screen.getByTestId('filter-all'));
    expect(allIds()).toEqual(['3', '5', '1', '2', '4']);
    expect(fake.callsOf('list_incidents')).toHaveLength(lists);
  });

  it('say so when they hide every open incident', async () => {
    installFakeBackend([makeIncident(1, { assignees: ['sam'] })]);
    await renderApp();
    await fireEvent.click(screen.getByTestId('filter-mine'));
    expect(allIds()).toEqual([]);
    expect(screen.getByTestId('filtered-empty')).toHaveTextContent('Nothing matches these filters');
    expect(screen.queryByTestId('empty-state')).toBeNull();
  });

  it('are remembered for the session, across the window’s dashboard going away and back', async () => {
    fiveIncidents();
    const first = render(App);
    await screen.findAllByTestId('incident-row');
    await fireEvent.click(screen.getByTestId('filter-mine'));
    first.unmount();

    fiveIncidents();
    await renderApp();
    expect(screen.getByTestId('filter-mine')).toHaveAttribute('aria-pressed', 'true');
    expect(allIds()).toEqual(['3', '5', '2']);
  });
});

describe('someone else’s page', () => {
  it('I escalated away shows who has it, and Acknowledge is no longer the big button', async () => {
    const fake = installFakeBackend([makeIncident(1, { title: 'Escalated away', assignees: ['sam'] })]);
    fake.logs.get(1)!.push({ at: '2024-05-01T03:02:00Z', kind: 'escalated', message: 'Escalated by alice', actor: 'alice' });
    await renderApp();
    await screen.findByTestId('incident-detail');
    expect(screen.getByTestId('assigned-elsewhere')).toHaveTextContent('Assigned to Sam Lee');
    expect(screen.getByTestId('ack-button')).toHaveClass('secondary');
    expect(screen.getByTestId('ack-button')).toBeEnabled();
    expect(screen.getAllByTestId('log-said').map((b) => b.textContent)).toEqual(['Triggered', 'Escalated by you']);
  });

  it('mine keeps the big Acknowledge and says nothing about others', async () => {
    installFakeBackend([makeIncident(1, { assignees: ['alice'] })]);
    await renderApp();
    await screen.findByTestId('incident-detail');
    expect(screen.queryByTestId('assigned-elsewhere')).toBeNull();
    expect(screen.getByTestId('ack-button')).not.toHaveClass('secondary');
  });
});
