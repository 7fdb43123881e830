// New-hire onboarding plans: each task's progress (Rust counts it) and ticks by hand.
import * as api from '../api';
import type { IncidentId, Onboarding } from '../bindings';
import { notices } from './notices.svelte';
import { Resource } from './resource.svelte';

export const onboarding = new Resource<Onboarding | null>(api.getOnboarding, null, {
  changes: 'readiness',
  onError: notices.show,
});

/** Ticks (or takes back) part `part` of a task, as `by` (the mentor for a sign-off; else me). */
export function tickTask(plan: string, task: string, part: number, ticked: boolean, by: string | null = null): Promise<void> {
  return onboarding.replaceWith(() => api.tickOnboardingTask(plan, task, part, by, ticked)).catch(notices.show);
}

/** Marks an incident reviewed; resolves to whether it worked. */
export async function markReviewed(id: IncidentId): Promise<boolean> {
  try {
    await api.markIncidentReviewed(id);
    void onboarding.load();
    return true;
  } catch (err) {
    notices.show(err);
    return false;
  }
}
