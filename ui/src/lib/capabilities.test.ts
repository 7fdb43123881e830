import { describe, expect, it } from 'vitest';
import { supportFor } from './capabilities';
import { defaultKinds, makeAccount } from '../test/fakeBackend';

describe('supportFor', () => {
  const accounts = [makeAccount('work'), makeAccount('ga', { kind: 'goalert' })];

  it('looks the account up by name and takes its kind’s reasons', () => {
    const ga = supportFor('ga', accounts, defaultKinds);
    expect(ga.acknowledge).toBeNull();
    expect(ga.escalate).toBeNull();
    expect(ga.snooze).toBe('GoAlert has no snooze for alerts');
    expect(supportFor('work', accounts, defaultKinds).reassign).toBeNull();
  });

  it('treats the local account as the local kind', () => {
    expect(supportFor('local', [], defaultKinds).note).toContain('local incidents');
    expect(supportFor('local', [], defaultKinds).resolve).toBeNull();
  });

  it('allows everything while the account or the kinds are unknown (Rust still refuses)', () => {
    const all = { acknowledge: null, resolve: null, escalate: null, reassign: null, snooze: null, note: null };
    expect(supportFor('gone', accounts, defaultKinds)).toEqual(all);
    expect(supportFor('ga', accounts, [])).toEqual(all);
  });
});
