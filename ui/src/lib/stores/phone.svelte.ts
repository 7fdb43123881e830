// Where pages are pushed to the phone (ntfy), as Rust shows it: no secrets, a QR code to scan.
import * as api from '../api';
import type { PhoneSettings, PhoneView } from '../bindings';
import { Resource } from './resource.svelte';

/** Its errors are shown in the phone panel. */
export const phone = new Resource<PhoneView | null>(api.getPhone, null, { changes: 'phone' });

/** Saves the settings; `token`: a new access token for the keyring, `''` forgets it, `null` keeps it. Rejects as Rust does. */
export function savePhone(settings: PhoneSettings, token: string | null): Promise<void> {
  return phone.replaceWith(() => api.setPhone(settings, token));
}

/** Stops pushing pages to the phone (the access token stays until forgotten). */
export function stopPhone(): Promise<void> {
  return phone.replaceWith(() => api.setPhone(null, null));
}
