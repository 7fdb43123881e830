import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import App from './App.svelte';
import { found, installFakeBackend, makeChecklist, makeIncident, makeItem } from './test/fakeBackend';

function setUp() {
  const fake = installFakeBackend([makeIncident(1)]);
  fake.readiness.checklists = [
    makeChecklist('pre-shift', [makeItem('vpn', 'tcp', { title: 'VPN reaches the internal network', help: 'Connect the VPN' }), makeItem('handover', 'manual', { title: 'Read the handover' })], {
      title: 'Before my shift',
      before_shift_minutes: 30,
    }),
    makeChecklist('new-hire', [makeItem('apps', 'manual', { title: 'Phone apps' })], { title: 'Ready to shadow' }),
  ];
  fake.readiness.findings.set('vpn', found('vpn', 'fail', 'timed out after 5 s'));
  return fake;
}

const badge = () => screen.queryByTestId('readiness-badge')?.textContent?.trim();
const checklist = (name: string) => screen.getAllByTestId('checklist').find((c) => c.dataset.name === name)!;
const item = (list: HTMLElement, id: string) => within(list).getAllByTestId('checklist-item').find((i) => i.dataset.item === id)!;

describe('readiness', () => {
  it('runs a checklist, shows what each probe found, and the top bar counts what fails', async () => {
    const fake = setUp();
    render(App);
    await waitFor(() => expect(badge()).toBe('not checked'));
    await fireEvent.click(screen.getByTestId('readiness-button'));
    const pre = checklist('pre-shift');
    expect(within(pre).getByTestId('checklist-verdict')).toHaveTextContent('Not run yet');
    expect(pre).toHaveTextContent('runs 30 min before each of your shifts');
    await fireEvent.click(within(pre).getByTestId('run-checklist'));
    await waitFor(() => expect(within(checklist('pre-shift')).getByTestId('checklist-verdict')).toHaveTextContent('Not ready: VPN reaches the internal network'));
    const vpn = item(checklist('pre-shift'), 'vpn');
    expect(within(vpn).getByTestId('item-evidence')).toHaveTextContent('probe vpn — timed out after 5 s');
    expect(vpn).toHaveTextContent('Connect the VPN');
    expect(within(vpn).queryByTestId('tick-item')).toBeNull();
    expect(fake.callsOf('run_checklist')[0].args).toEqual({ name: 'pre-shift' });
    await waitFor(() => expect(badge()).toBe('1 failing'));
  });

  it('ticks an item answered by hand and the badge follows', async () => {
    const fake = setUp();
    fake.readiness.findings.set('vpn', found('vpn', 'pass', 'connected in 3 ms'));
    render(App);
    await fireEvent.click(await screen.findByTestId('readiness-button'));
    await screen.findAllByTestId('checklist');
    await fireEvent.click(within(checklist('pre-shift')).getByTestId('run-checklist'));
    await waitFor(() => expect(badge()).toBe('1 waiting'));
    await fireEvent.input(within(item(checklist('pre-shift'), 'handover')).getByTestId('tick-note'), {
      target: { value: "  read Sam's notes " },
    });
    await fireEvent.click(within(item(checklist('pre-shift'), 'handover')).getByTestId('tick-item'));
    await waitFor(() => expect(badge()).toBe('ready'));
    expect(fake.callsOf('tick_checklist_item')[0].args).toEqual({
      checklist: 'pre-shift',
      item: 'handover',
      ticked: true,
      note: "read Sam's notes",
    });
    expect(within(item(checklist('pre-shift'), 'handover')).queryByTestId('tick-note')).toBeNull();
    const tickButton = within(item(checklist('pre-shift'), 'handover')).getByTestId('tick-item');
    expect(tickButton).toHaveTextContent('Untick');
    expect(within(checklist('pre-shift')).getByTestId('checklist-verdict')).toHaveTextContent('Ready');
  });

  it('shows files that did not load at their line, reloads on change and Esc goes back', async () => {
    const fake = setUp();
    fake.readiness.problems = ['/home/me/.config/klaxon/checklists/bad.toml:5: port must be 1 to 65535, not 0'];
    render(App);
    await fireEvent.click(await screen.findByTestId('readiness-button'));
    expect(await screen.findByTestId('checklist-problem')).toHaveTextContent('bad.toml:5: port must be 1 to 65535, not 0');
    fake.readiness.problems = [];
    await emit('klaxon://changed', ['readiness']);
    await waitFor(() => expect(screen.queryByTestId('checklist-problem')).toBeNull());
    await fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('readiness-view')).toBeNull());
    expect(screen.getByTestId('incident-detail')).toBeInTheDocument();
  });

  it('lists the incidents a review item asks about', async () => {
    const fake = setUp();
    fake.readiness.checklists[1].items.push(
      makeItem('review', 'recent_incidents', {
        title: 'Last week reviewed',
        incidents: [
          { id: 7, title: 'Checkout 5xx', severity: 'sev1', status: 'resolved', created_at: new Date().toISOString() },
          { id: 8, title: 'Disk filling', severity: 'sev3', status: 'triggered', created_at: new Date().toISOString() },
        ],
      }),
    );
    render(App);
    await fireEvent.click(await screen.findByTestId('readiness-button'));
    await screen.findAllByTestId('checklist');
    const list = within(item(checklist('new-hire'), 'review')).getByTestId('review-incidents');
    expect(list).toHaveTextContent('SEV1 Checkout 5xx resolved');
    expect(list).toHaveTextContent('SEV3 Disk filling triggered');
  });

  it('runs every checklist with Run all', async () => {
    const fake = setUp();
    render(App);
    await fireEvent.click(await screen.findByTestId('readiness-button'));
    await fireEvent.click(await screen.findByTestId('run-all'));
    await waitFor(() => expect(fake.callsOf('run_checklist').map((c) => (c.args as { name: string }).name)).toEqual(['pre-shift', 'new-hire']));
    await waitFor(() => expect(within(checklist('new-hire')).getByTestId('checklist-verdict')).toHaveTextContent('Waiting for you'));
  });

  it('shows no badge without checklists', async () => {
    installFakeBackend([makeIncident(1)]);
    render(App);
    await screen.findByTestId('incident-detail');
    expect(screen.getByTestId('readiness-button')).toHaveTextContent('Readiness');
    expect(badge()).toBeUndefined();
  });
});
