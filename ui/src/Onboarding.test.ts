import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from './App.svelte';
import type { PlanView } from './lib/bindings';
import { installFakeBackend, makeIncident } from './test/fakeBackend';

function plan(): PlanView {
  return {
    name: 'onboarding-kim',
    new_hire: 'Kim Ito',
    mentor: 'Sam Lee',
    mentor_id: 'sam',
    start: '2026-12-01',
    week: 2,
    done: 1,
    of: 4,
    next: 'Weeks 2-3: shadow: Shadow 5 pages',
    phases: [
      {
        title: 'Week 1: set up',
        weeks: [1, 1],
        current: false,
        tasks: [
          { id: 'ready', title: 'Ready to shadow', kind: { type: 'checklist', name: 'new-hire' }, progress: { done: 1, of: 1 }, by_hand: false, detail: '`new-hire` passes', read: [] },
          {
            id: 'runbooks',
            title: 'Read the runbooks',
            kind: { type: 'read', links: ['https://wiki.example.com/db', 'https://wiki.example.com/api'] },
            progress: { done: 1, of: 2 },
            by_hand: true,
            detail: '1 of 2 read',
            read: [true, false],
          },
        ],
      },
      {
        title: 'Weeks 2-3: shadow',
        weeks: [2, 3],
        current: true,
        tasks: [
          { id: 'shadow', title: 'Shadow 5 pages', kind: { type: 'shadow_pages', count: 5 }, progress: { done: 3, of: 5 }, by_hand: false, detail: '3 of 5 pages shadowed', read: [] },
          { id: 'signoff', title: 'Sam signs off', kind: { type: 'sign_off' }, progress: { done: 0, of: 1 }, by_hand: true, detail: 'waiting for Sam Lee to sign off', read: [] },
        ],
      },
    ],
  };
}

const task = (id: string) => screen.getAllByTestId('plan-task').find((t) => t.dataset.task === id)!;

describe('onboarding', () => {
  it('shows progress per phase and what is next, and ticks what is done by hand', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.onboarding = { plans: [plan()], problems: [] };
    render(App);
    await fireEvent.click(await screen.findByTestId('readiness-button'));
    expect(await screen.findByTestId('plan-progress')).toHaveTextContent('1 of 4 done');
    expect(screen.getByTestId('plan-next')).toHaveTextContent('Next: Weeks 2-3: shadow: Shadow 5 pages');
    expect(screen.getByTestId('plan')).toHaveTextContent('Weeks 2-3: shadow · now');
    expect(within(task('shadow')).getByTestId('task-detail')).toHaveTextContent('3 of 5 pages shadowed');
    expect(task('shadow')).toHaveTextContent('3/5');
    const [first, second] = within(task('runbooks')).getAllByTestId('read-link') as HTMLInputElement[];
    expect([first.checked, second.checked]).toEqual([true, false]);
    await fireEvent.click(second);
    await waitFor(() => expect(fake.onboardingTicks).toHaveLength(1));
    expect(fake.onboardingTicks[0]).toEqual({ plan: 'onboarding-kim', task: 'runbooks', part: 1, by: null, ticked: true });
    await fireEvent.click(within(task('signoff')).getByTestId('task-tick'));
    await waitFor(() => expect(fake.onboardingTicks).toHaveLength(2));
    expect(fake.onboardingTicks[1]).toEqual({ plan: 'onboarding-kim', task: 'signoff', part: 0, by: 'sam', ticked: true });
    expect(within(task('ready')).queryByTestId('task-tick')).toBeNull();
  });

  it('is absent without plans, and a resolved incident can be marked reviewed', async () => {
    const fake = installFakeBackend([makeIncident(1, { status: 'resolved' })]);
    render(App);
    await fireEvent.click(await screen.findByTestId('show-resolved'));
    await fireEvent.click(await screen.findByTestId('mark-reviewed'));
    expect(await screen.findByTestId('reviewed')).toHaveTextContent('Marked reviewed');
    expect(fake.callsOf('mark_incident_reviewed')[0].args).toEqual({ id: 1 });
    await fireEvent.click(screen.getByTestId('readiness-button'));
    await screen.findByTestId('readiness-view');
    expect(screen.queryByTestId('onboarding-view')).toBeNull();
  });
});
