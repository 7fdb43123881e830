// Platform accounts with their sync state, what each kind of account can do, and the commands on them.
import * as api from '../api';
import type { Account, KindCapabilities, RemoteUser } from '../bindings';
import { notices } from './notices.svelte';
import { Resource } from './resource.svelte';

export const accounts = new Resource<Account[]>(api.listAccounts, [], {
  // Syncs record their time and errors.
  changes: 'accounts',
  onError: notices.show,
});

/** Per kind of account: its actions and what its add form needs (fixed while the app runs). */
export const kinds = new Resource<KindCapabilities[]>(api.capabilities, [], { onError: notices.show });

export function addAccount(account: api.NewAccount): Promise<Account> {
  const { kind, name, baseUrl, token, username, pollSecs } = account;
  return accounts.reloadAfter(api.addAccount(kind, name, baseUrl, token, username, pollSecs));
}

export function removeAccount(name: string): Promise<null> {
  return accounts.reloadAfter(api.removeAccount(name));
}

export function syncAccount(name: string): Promise<null> {
  return accounts.reloadAfter(api.syncAccount(name));
}

/** Who the account's token belongs to (changes nothing). */
export function testAccount(name: string): Promise<RemoteUser> {
  return api.testAccount(name);
}
