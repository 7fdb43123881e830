import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import App from './App.svelte';
import type { Responder, Responders } from './lib/bindings';
import { installFakeBackend, makeAccount, makeIncident } from './test/fakeBackend';

const user = (id: string, name: string, email: string): Responder => ({ kind: 'user', id, name, detail: email });
const policy = (id: string, name: string): Responder => ({ kind: 'escalation_policy', id, name, detail: null });

function responders(entries: Responder[], extra: Partial<Responders> = {}): Responders {
  return { account: 'work', entries, fetched_at: new Date().toISOString(), error: null, ...extra };
}

const people = [
  user('PSAM', 'Sam Lee', 'sam@example.com'),
  user('PSAMI', 'Samira Khan', 'samira@example.com'),
  user('PBOB', 'Bob Stone', 'bob@example.com'),
  policy('EP1', 'Database on call'),
];

async function setUp(cache: Responders, platform?: Responders) {
  const fake = installFakeBackend([makeIncident(1, { account: 'work' })]);
  fake.accounts = [makeAccount('work')];
  fake.responders.set('work', cache);
  if (platform) fake.platformResponders.set('work', platform);
  render(App);
  await screen.findByTestId('incident-detail');
  return fake;
}

const input = () => screen.getByTestId('reassign-input') as HTMLInputElement;
const options = () => screen.queryAllByTestId('reassign-option').map((o) => o.textContent?.replace(/\s+/g, ' ').trim());

describe('reassign picker', () => {
  it('searches people and policies by name and email, and reassigns to the one picked', async () => {
    const fake = await setUp(responders(people));
    expect(screen.getByTestId('reassign-button')).toBeDisabled();
    await fireEvent.input(input(), { target: { value: 'sam' } });
    await waitFor(() => expect(options()).toEqual(['Sam Lee sam@example.com person', 'Samira Khan samira@example.com person']));
    await fireEvent.input(input(), { target: { value: 'samira@' } });
    await waitFor(() => expect(options()).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('reassign-option'));
    expect(screen.getByTestId('reassign-button')).toHaveTextContent('Reassign to Samira Khan');
    await fireEvent.click(screen.getByTestId('reassign-button'));
    await waitFor(() => expect(fake.callsOf('reassign_incident')).toHaveLength(1));
    expect(fake.callsOf('reassign_incident')[0].args).toEqual({ id: 1, to: ['PSAMI'] });
    await waitFor(() => expect(input().value).toBe(''));
  });

  it('gives the incident to an escalation policy, chosen with the keyboard', async () => {
    const fake = await setUp(responders(people));
    await fireEvent.input(input(), { target: { value: 'data' } });
    await waitFor(() => expect(options()).toEqual(['Database on call escalation policy']));
    await fireEvent.keyDown(input(), { key: 'Enter' });
    expect(screen.getByTestId('reassign-button')).toHaveTextContent('Reassign to Database on call');
    await fireEvent.click(screen.getByTestId('reassign-button'));
    await waitFor(() => expect(fake.callsOf('reassign_incident')).toHaveLength(1));
    expect(fake.callsOf('reassign_incident')[0].args).toEqual({ id: 1, to: { escalation_policy: 'EP1' } });
  });

  it('shows the cache at once, then asks the platform when it is old', async () => {
    const fake = await setUp(
      responders([user('POLD', 'Old Timer', 'old@example.com')], { fetched_at: null }),
      responders([user('PNEW', 'New Hire', 'new@example.com')]),
    );
    await waitFor(() => expect(fake.callsOf('list_responders').map((c) => (c.args as { fetch: string }).fetch)).toEqual(['cached', 'if_stale']));
    await fireEvent.focus(input());
    await waitFor(() => expect(options()).toEqual(['New Hire new@example.com person']));
    await fireEvent.click(screen.getByTestId('reassign-refresh'));
    await waitFor(() => expect(fake.callsOf('list_responders').at(-1)?.args).toMatchObject({ fetch: 'now' }));
  });

  it('says when the platform could not be asked, and takes a typed id', async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
    const fake = await setUp(responders([], { fetched_at: twoHoursAgo, error: 'PagerDuty answered 503' }));
    expect(await screen.findByTestId('reassign-status')).toHaveTextContent(
      'Could not update the list from the platform (PagerDuty answered 503); showing the copy from 2h ago.',
    );
    await fireEvent.input(input(), { target: { value: 'PXYZ123' } });
    await waitFor(() => expect(options()).toEqual(['PXYZ123 platform user id person']));
    await fireEvent.click(screen.getByTestId('reassign-option'));
    await fireEvent.click(screen.getByTestId('reassign-button'));
    await waitFor(() => expect(fake.callsOf('reassign_incident')[0]?.args).toEqual({ id: 1, to: ['PXYZ123'] }));
  });

  it('keeps what was typed and picked while the incident reloads', async () => {
    const fake = await setUp(responders(people));
    await fireEvent.input(input(), { target: { value: 'bob' } });
    await waitFor(() => expect(options()).toEqual(['Bob Stone bob@example.com person']));
    const detailLoads = fake.callsOf('get_incident').length;
    await emit('klaxon://changed', ['incidents']);
    await waitFor(() => expect(fake.callsOf('get_incident').length).toBeGreaterThan(detailLoads));
    expect(input().value).toBe('bob');
    expect(options()).toEqual(['Bob Stone bob@example.com person']);
    await fireEvent.click(screen.getByTestId('reassign-option'));
    await emit('klaxon://changed', ['incidents']);
    await waitFor(() => expect(fake.callsOf('get_incident').length).toBeGreaterThan(detailLoads + 1));
    expect(screen.getByTestId('reassign-button')).toHaveTextContent('Reassign to Bob Stone');
  });
});
