// The dashboard by keyboard: ↑/↓ and j/k move the selection, a/e/r act on it (not right after it
// changed), Esc closes Settings; keys typed into a field are text. Resolving a SEV1/SEV2 asks first.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import App from './App.svelte';
import type { Incident } from './lib/bindings';
import { GUARD_MS } from './lib/guard.svelte';
import { installFakeBackend, makeIncident, makeRing, type FakeBackend } from './test/fakeBackend';
import { flush, freezeTime } from './test/time';

const shown = () => screen.getByTestId('incident-detail').getAttribute('data-incident-id');
const selectedRows = () =>
  screen.getAllByTestId('incident-row').filter((r) => r.getAttribute('aria-pressed') === 'true');
const argsOf = (fake: FakeBackend, cmd: string) => fake.callsOf(cmd).map((c) => c.args);

async function press(key: string, target: Element | Window = window) {
  await fireEvent.keyDown(target, { key });
  await flush();
}

/** Lets `ms` pass on the frozen clock, and the renders after it. */
async function after(ms: number) {
  vi.advanceTimersByTime(ms);
  await flush();
}

async function dashboard(incidents: Incident[]) {
  freezeTime();
  const fake = installFakeBackend(incidents);
  render(App);
  await flush();
  return fake;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('dashboard keys', () => {
  it('↑/↓ and j/k move the selection, within the list', async () => {
    await dashboard([makeIncident(1), makeIncident(2), makeIncident(3)]);
    expect(shown()).toBe('1');
    await press('j');
    expect(shown()).toBe('2');
    await press('ArrowDown');
    expect(shown()).toBe('3');
    await press('ArrowDown');
    expect(shown()).toBe('3');
    await press('k');
    expect(shown()).toBe('2');
    await press('ArrowUp');
    expect(shown()).toBe('1');
    expect(selectedRows().map((r) => r.dataset.incidentId)).toEqual(['1']);
  });

  it('a, e and r act on the selected incident, once it has been shown for a moment', async () => {
    const fake = await dashboard([makeIncident(1), makeIncident(2, { severity: 'sev3' })]);
    await press('j');
    expect(shown()).toBe('2');
    // Right after the selection moved, nothing happens.
    await press('a');
    await press('e');
    await press('r');
    expect(fake.calls.filter((c) => c.cmd.endsWith('_incident') && c.cmd !== 'get_incident')).toEqual([]);

    await after(GUARD_MS);
    await press('a');
    expect(argsOf(fake, 'acknowledge_incident')).toEqual([{ id: 2 }]);
    await press('e');
    expect(argsOf(fake, 'escalate_incident')).toEqual([{ id: 2 }]);
    // A SEV3 resolves at once.
    await press('r');
    expect(argsOf(fake, 'resolve_incident')).toEqual([{ id: 2 }]);
    expect(screen.queryByTestId('resolve-confirm')).toBeNull();
  });

  it('wait a moment after a page screen closed, too', async () => {
    const fake = await dashboard([makeIncident(1), makeIncident(4)]);
    await emit('klaxon://ringing', makeRing(fake.incidents[1]));
    await after(GUARD_MS);
    await press('a');
    expect(argsOf(fake, 'acknowledge_incident')).toEqual([{ id: 4 }]);
    await emit('klaxon://ringing', makeRing(null));
    await flush();
    expect(screen.queryByTestId('page-screen')).toBeNull();

    // A double tap's second A does not reach the dashboard's selection.
    await after(250);
    await press('a');
    expect(argsOf(fake, 'acknowledge_incident')).toEqual([{ id: 4 }]);
    await after(GUARD_MS);
    await press('a');
    expect(argsOf(fake, 'acknowledge_incident')).toEqual([{ id: 4 }, { id: 1 }]);
  });

  it('Esc closes Settings', async () => {
    await dashboard([makeIncident(1)]);
    await fireEvent.click(screen.getByTestId('settings-button'));
    await flush();
    expect(screen.getByTestId('settings-view')).toBeInTheDocument();
    await press('Escape');
    expect(screen.queryByTestId('settings-view')).toBeNull();
    expect(screen.getByTestId('incident-detail')).toBeInTheDocument();
  });

  it('keys typed into a field are text, not shortcuts', async () => {
    const fake = await dashboard([makeIncident(1, { account: 'work' }), makeIncident(2)]);
    await after(GUARD_MS);
    const note = screen.getByTestId('note-input');
    for (const key of ['a', 'e', 'r', 'j', 'ArrowDown']) await press(key, note);
    expect(shown()).toBe('1');
    expect(fake.callsOf('acknowledge_incident')).toHaveLength(0);
    expect(fake.callsOf('escalate_incident')).toHaveLength(0);
    expect(fake.callsOf('resolve_incident')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('settings-button'));
    await flush();
    await press('Escape', screen.getByTestId('add-account-name'));
    expect(screen.getByTestId('settings-view')).toBeInTheDocument();
  });
});

describe('resolve', () => {
  it.each(['sev1', 'sev2'] as const)('asks before resolving a %s', async (severity) => {
    const fake = await dashboard([makeIncident(4, { severity, title: 'Disk full' })]);
    await fireEvent.click(screen.getByTestId('resolve-button'));
    const confirm = screen.getByTestId('resolve-confirm');
    expect(confirm).toHaveTextContent(`Resolve ${severity.toUpperCase()} Disk full?`);
    expect(fake.callsOf('resolve_incident')).toHaveLength(0);
    // The safe answer has the focus.
    expect(screen.getByTestId('resolve-confirm-cancel')).toHaveFocus();

    await fireEvent.click(screen.getByTestId('resolve-confirm-cancel'));
    expect(screen.queryByTestId('resolve-confirm')).toBeNull();
    expect(fake.callsOf('resolve_incident')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('resolve-button'));
    await fireEvent.click(screen.getByTestId('resolve-confirm-yes'));
    expect(argsOf(fake, 'resolve_incident')).toEqual([{ id: 4 }]);
    await flush();
    expect(screen.queryByTestId('resolve-confirm')).toBeNull();
  });

  it('by key asks too; Esc cancels', async () => {
    const fake = await dashboard([makeIncident(4, { severity: 'sev1' })]);
    await after(GUARD_MS);
    await press('r');
    expect(screen.getByTestId('resolve-confirm')).toBeInTheDocument();
    // Another r does not answer the question.
    await press('r');
    expect(fake.callsOf('resolve_incident')).toHaveLength(0);
    await press('Escape');
    expect(screen.queryByTestId('resolve-confirm')).toBeNull();
    expect(fake.callsOf('resolve_incident')).toHaveLength(0);
  });

  it('resolves a SEV3 or SEV4 at once', async () => {
    const fake = await dashboard([makeIncident(5, { severity: 'sev3' }), makeIncident(6, { severity: 'sev4' })]);
    await fireEvent.click(screen.getByTestId('resolve-button'));
    expect(screen.queryByTestId('resolve-confirm')).toBeNull();
    expect(argsOf(fake, 'resolve_incident')).toEqual([{ id: 5 }]);
    await press('j');
    await fireEvent.click(screen.getByTestId('resolve-button'));
    expect(screen.queryByTestId('resolve-confirm')).toBeNull();
    expect(argsOf(fake, 'resolve_incident')).toEqual([{ id: 5 }, { id: 6 }]);
  });
});
