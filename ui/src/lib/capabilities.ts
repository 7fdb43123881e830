// Which actions the selected incident's platform can do, as Rust reported them per account kind.
// A lookup only: Rust refuses unsupported actions whatever the UI shows.
import type { Account, ActionKind, KindCapabilities } from './bindings';

/** Per action: why it cannot be done, or null when it can. */
export type ActionSupport = Record<ActionKind, string | null>;

/** The embedded intake's account name (incidents without a platform). */
export const LOCAL_ACCOUNT = 'local';

const ALL_ALLOWED: ActionSupport = {
  acknowledge: null,
  resolve: null,
  escalate: null,
  reassign: null,
  snooze: null,
  note: null,
};

/** What an incident of `account` can have done to it; everything while unknown (not loaded yet). */
export function supportFor(
  account: string,
  accounts: readonly Account[],
  kinds: readonly KindCapabilities[],
): ActionSupport {
  const kind = account === LOCAL_ACCOUNT ? 'local' : accounts.find((a) => a.name === account)?.kind;
  const caps = kinds.find((k) => k.kind === kind);
  if (!caps) return ALL_ALLOWED;
  const support = { ...ALL_ALLOWED };
  for (const a of caps.actions) support[a.action] = a.unsupported;
  return support;
}
