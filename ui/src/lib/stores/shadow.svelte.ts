// Whom I shadow, where that list comes from, and everyone I could follow.
import * as api from '../api';
import type { ShadowSettings } from '../bindings';
import { Resource } from './resource.svelte';

/** Its errors are shown in the shadow panel. */
export const shadow = new Resource<ShadowSettings | null>(api.shadowSettings, null, { changes: 'shadow' });

/** Follows these targets instead of the team file's list; rejects as Rust does (nothing changes then). */
export function followOnly(targets: string[]): Promise<void> {
  return shadow.replaceWith(() => api.setShadow(targets));
}

/** Goes back to the team file's `[shadow]` list. */
export function useTeamFile(): Promise<void> {
  return shadow.replaceWith(api.resetShadow);
}
