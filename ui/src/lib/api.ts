// The UI's door to Rust. The command wrappers and event listeners are generated from the Rust
// commands and events (`commands.ts`); this module adds what is the UI's own: the shape of the
// add-account form and error normalisation. Only `commands.ts` calls `invoke` or `listen`.
import type { AccountKind, IpcError, IpcErrorCode } from './bindings';

export * from './commands';
export type { Resource, DeliveryFailure } from './bindings';

/** What the add-account form sends. `token` is the API token, or the password with `username`. */
export type NewAccount = {
  kind: AccountKind;
  name: string;
  baseUrl: string | null;
  token: string;
  username: string | null;
  pollSecs: number | null;
};

// A record, so that type-checking fails when Rust adds a code this list lacks.
const CODES: Record<IpcErrorCode, true> = {
  not_found: true,
  invalid_state: true,
  invalid_input: true,
  storage: true,
  config: true,
  internal: true,
  unsupported: true,
  unauthorized: true,
  unreachable: true,
  rate_limited: true,
  platform: true,
  keyring: true,
  account: true,
  pager: true,
  refused: true,
};

function isCode(code: unknown): code is IpcErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(CODES, code);
}

/** Normalise whatever a rejected invoke produced into an `IpcError`. */
export function toIpcError(err: unknown): IpcError {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    if (typeof e.message === 'string') {
      const code = isCode(e.code) ? e.code : 'internal';
      return { code, message: e.message };
    }
  }
  if (typeof err === 'string') return { code: 'internal', message: err };
  return { code: 'internal', message: String(err) };
}
