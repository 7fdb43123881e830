// The phone in the fake backend: settings (the team file's or chosen here), whether a token is
// kept, and a test push whose round trip answers as configured.
import type { IpcError, PhoneSettings, PhoneSource, PhoneView, RoundTrip } from '../lib/bindings';

export const QR_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><path d="M0 0h7v7H0z"/></svg>';

export class FakePhone {
  settings: PhoneSettings | null = null;
  source: PhoneSource | null = null;
  /** The token in the "keyring" (tests check it never reaches the page). */
  token: string | null = null;
  /** What `test_phone` answers (an error: it rejects). */
  roundTrip: RoundTrip | IpcError = { publish_ms: 42, answer_ms: 1800 };
  suggestions = 0;

  view(): PhoneView {
    const s = this.settings;
    const link = s ? `ntfy://${s.server.replace(/^https?:\/\//, '')}/${s.topic}` : null;
    return {
      settings: s,
      source: s ? this.source : null,
      token_set: this.token !== null,
      subscribe_url: s ? `${s.server}/${s.topic}` : null,
      app_link: link,
      qr_svg: link ? QR_SVG : null,
    };
  }

  suggest(): PhoneSettings {
    this.suggestions++;
    return { server: 'https://ntfy.sh', topic: `klaxon-fresh${this.suggestions}`, after_secs: 60, when_locked: true, details: false };
  }

  /** Like Rust: refused while the team file sets `[phone]`; the fields are checked; `''` forgets the token. */
  set(settings: PhoneSettings | null, token: string | null): PhoneView {
    if (this.source === 'team_file') fail('invalid_input', 'phone: set by [phone] in the team file; edit it there');
    if (settings && !/^https?:\/\/\S+$/.test(settings.server)) fail('invalid_input', `phone server: \`${settings.server}\` is not a URL`);
    if (settings && !/^[A-Za-z0-9_-]{1,58}$/.test(settings.topic)) fail('invalid_input', 'phone topic: letters, digits, - and _ only');
    this.settings = settings;
    this.source = settings ? 'settings' : null;
    if (token !== null) this.token = token.trim() === '' ? null : token.trim();
    return this.view();
  }

  test(): RoundTrip {
    if (!this.settings) fail('invalid_state', 'phone: not set up');
    if ('code' in this.roundTrip) throw this.roundTrip;
    return this.roundTrip;
  }
}

function fail(code: IpcError['code'], message: string): never {
  throw { code, message } satisfies IpcError;
}
