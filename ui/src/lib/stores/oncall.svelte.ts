// Who is on call now, and whether I am.
import * as api from '../api';
import type { OnCallStatus } from '../bindings';
import { Resource } from './resource.svelte';

/** Its error is shown in the on-call bar, not the app's banner. */
export const onCall = new Resource<OnCallStatus | null>(api.onCallStatus, null, { changes: 'on_call' });
