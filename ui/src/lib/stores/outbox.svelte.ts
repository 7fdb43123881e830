// Platform actions not done yet (queued, sending, failed), oldest first, and the commands on them.
import * as api from '../api';
import type { OutboxEntry } from '../bindings';
import { notices } from './notices.svelte';
import { Resource } from './resource.svelte';

export const outbox = new Resource<OutboxEntry[]>(() => api.listOutbox(false), [], {
  changes: 'outbox',
  onError: notices.show,
});

/** Queues a failed action again. */
export function retryOutbox(id: number): Promise<OutboxEntry> {
  return outbox.reloadAfter(api.retryOutbox(id));
}

/** Drops a failed or pending action; the platform's state wins at the next sync. */
export function discardOutbox(id: number): Promise<OutboxEntry> {
  return outbox.reloadAfter(api.discardOutbox(id));
}
