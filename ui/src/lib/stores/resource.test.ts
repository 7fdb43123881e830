import { describe, expect, it, vi } from 'vitest';
import { emit } from '@tauri-apps/api/event';
import { mockIPC } from '@tauri-apps/api/mocks';
import { Resource } from './resource.svelte';
import { IncidentDetailStore } from './detail.svelte';
import { installFakeBackend, makeIncident } from '../../test/fakeBackend';

/** A promise settled from outside, to answer loads in any order. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A resource whose n-th fetch answers when `answers[n]` is settled. */
function answeredInAnyOrder(count: number) {
  const answers = Array.from({ length: count }, () => deferred<string>());
  let fetched = 0;
  const resource = new Resource<string>(() => answers[fetched++].promise, 'initial');
  return { resource, answers, fetched: () => fetched };
}

describe('Resource', () => {
  it('keeps the later load when the earlier one answers last', async () => {
    const { resource, answers } = answeredInAnyOrder(2);
    const first = resource.load();
    const second = resource.load();
    expect(resource.loading).toBe(true);
    answers[1].resolve('second');
    await second;
    expect(resource.value).toBe('second');
    expect(resource.loading).toBe(false);
    answers[0].resolve('first');
    await first;
    expect(resource.value).toBe('second');
    expect(resource.loaded).toBe(true);
  });

  it('drops an overtaken failure, and shows the latest one', async () => {
    const { resource, answers } = answeredInAnyOrder(3);
    const first = resource.load();
    const second = resource.load();
    answers[1].resolve('second');
    answers[0].reject({ code: 'storage', message: 'database is locked' });
    await Promise.all([first, second]);
    expect(resource.error).toBeNull();
    expect(resource.value).toBe('second');

    const third = resource.load();
    answers[2].reject({ code: 'storage', message: 'database is locked' });
    await third;
    expect(resource.error).toEqual({ code: 'storage', message: 'database is locked' });
    expect(resource.value).toBe('second');
  });

  it('lets a value set meanwhile (an event, a command) overtake a load', async () => {
    const { resource, answers } = answeredInAnyOrder(1);
    const load = resource.load();
    await resource.set('from the event');
    answers[0].resolve('from the load');
    await load;
    expect(resource.value).toBe('from the event');
  });

  it('subscribes and loads once for all its users, reloads on its own name only, and resets after the last', async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    let fetched = 0;
    const resource = new Resource<number>(async () => ++fetched, 0, { changes: 'outbox' });
    const stopA = resource.start();
    const stopB = resource.start();
    await vi.waitFor(() => expect(resource.value).toBe(1));

    await emit('klaxon://changed', ['accounts', 'incidents']);
    await emit('klaxon://changed', ['outbox']);
    await vi.waitFor(() => expect(resource.value).toBe(2));
    // The first event would have fetched before the second one did (handlers run as it is emitted).
    expect(fetched).toBe(2);

    stopA();
    stopA(); // a user stops once
    await emit('klaxon://changed', ['outbox']);
    await vi.waitFor(() => expect(resource.value).toBe(3));

    stopB();
    expect(resource.value).toBe(0);
    expect(resource.loaded).toBe(false);
    await emit('klaxon://changed', ['outbox']);
    expect(fetched).toBe(3);
  });
});

describe('IncidentDetailStore', () => {
  it('never shows the detail of a previously selected incident that answered last', async () => {
    const fake = installFakeBackend([makeIncident(1), makeIncident(2)]);
    const store = new IncidentDetailStore(() => {});
    await store.show(1);
    const slow = fake.hold('get_incident');
    const stale = store.show(2);
    expect(store.current).toBeNull(); // loading: not incident 1's any more
    await store.show(1);
    expect(store.current?.incident.id).toBe(1);
    slow.release();
    await stale;
    expect(fake.callsOf('get_incident').map((c) => c.args)).toEqual([{ id: 1 }, { id: 2 }, { id: 1 }]);
    expect(store.id).toBe(1);
    expect(store.current?.incident.id).toBe(1);
  });

  it('hands over an incident Rust no longer knows', async () => {
    installFakeBackend([makeIncident(1)]);
    const gone: number[] = [];
    const store = new IncidentDetailStore((id) => gone.push(id));
    await store.show(9);
    expect(gone).toEqual([9]);
    expect(store.current).toBeNull();
  });
});
