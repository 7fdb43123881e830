import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from './App.svelte';
import { installFakeBackend, makeIncident, type FakeBackend } from './test/fakeBackend';

const SETTINGS = { server: 'https://ntfy.example', topic: 'pages-abc', after_secs: 0, when_locked: false, details: true };

async function openPhone(fake: FakeBackend) {
  render(App);
  await fireEvent.click(await screen.findByTestId('settings-button'));
  await waitFor(() => expect(fake.callsOf('get_phone').length).toBeGreaterThan(0));
  return screen.findByTestId('phone-panel');
}

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;

describe('Settings → Phone', () => {
  it('sets the phone up from Rust’s suggestion, keeps the token out of the page and shows the QR code', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    await openPhone(fake);
    await fireEvent.click(await screen.findByTestId('phone-set-up'));
    await screen.findByTestId('phone-form');
    expect(input('phone-server').value).toBe('https://ntfy.sh');
    expect(input('phone-topic').value).toBe('klaxon-fresh1');
    expect(input('phone-after').checked).toBe(true);
    expect(input('phone-after-secs').value).toBe('60');
    expect(screen.getByTestId('phone-token-state')).toHaveTextContent('no token');

    await fireEvent.click(screen.getByTestId('phone-new-topic'));
    await waitFor(() => expect(input('phone-topic').value).toBe('klaxon-fresh2'));
    await fireEvent.click(input('phone-at-once'));
    await fireEvent.click(input('phone-details'));
    await fireEvent.input(input('phone-token'), { target: { value: 'tk_s3cret' } });
    await fireEvent.click(screen.getByTestId('phone-save'));

    const qr = await screen.findByTestId('phone-qr');
    expect(qr.querySelector('svg')).not.toBeNull();
    expect(fake.callsOf('set_phone').at(-1)?.args).toEqual({
      settings: { server: 'https://ntfy.sh', topic: 'klaxon-fresh2', after_secs: 0, when_locked: true, details: true },
      token: 'tk_s3cret',
    });
    expect(fake.phone.token).toBe('tk_s3cret');
    expect(screen.getByTestId('phone-subscribe-url')).toHaveTextContent('https://ntfy.sh/klaxon-fresh2');
    expect(screen.getByTestId('phone-app-link')).toHaveTextContent('ntfy://ntfy.sh/klaxon-fresh2');
    expect(screen.getByTestId('phone-token-state')).toHaveTextContent('token kept in the OS keyring');
    expect(input('phone-token').value).toBe('');
    expect(document.body.innerHTML).not.toContain('tk_s3cret');
  });

  it('leaves the token alone when none is typed, forgets it on request, and stops pushing', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.phone.settings = { ...SETTINGS };
    fake.phone.source = 'settings';
    fake.phone.token = 'tk_old';
    await openPhone(fake);
    await screen.findByTestId('phone-qr');
    expect(screen.getByTestId('phone-when')).toHaveTextContent('Push at once; with incident details');
    await fireEvent.click(input('phone-after'));
    await fireEvent.input(input('phone-after-secs'), { target: { value: '90' } });
    await fireEvent.click(screen.getByTestId('phone-save'));
    await waitFor(() =>
      expect(fake.callsOf('set_phone').at(-1)?.args).toEqual({ settings: { ...SETTINGS, after_secs: 90 }, token: null }),
    );
    await waitFor(() => expect(screen.getByTestId('phone-when')).toHaveTextContent('after 90 s unanswered'));
    expect(fake.phone.token).toBe('tk_old');

    const forget = await screen.findByTestId('phone-forget-token');
    await waitFor(() => expect(forget).toBeEnabled());
    await fireEvent.click(forget);
    await waitFor(() => expect(screen.getByTestId('phone-token-state')).toHaveTextContent('no token'));
    expect(fake.callsOf('set_phone').at(-1)?.args).toMatchObject({ token: '' });

    await fireEvent.click(screen.getByTestId('phone-stop'));
    await screen.findByTestId('phone-set-up');
    expect(fake.callsOf('set_phone').at(-1)?.args).toEqual({ settings: null, token: null });
    expect(screen.queryByTestId('phone-qr')).toBeNull();
  });

  it('shows Rust’s refusal next to the form and keeps what was typed', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    await openPhone(fake);
    await fireEvent.click(await screen.findByTestId('phone-set-up'));
    await fireEvent.input(await screen.findByTestId('phone-server'), { target: { value: 'not a url' } });
    await fireEvent.click(screen.getByTestId('phone-save'));
    expect(await screen.findByTestId('phone-form-error')).toHaveTextContent('phone server: `not a url` is not a URL');
    expect(input('phone-server').value).toBe('not a url');
    expect(fake.phone.settings).toBeNull();
  });

  it('times a test push, and shows why one failed', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.phone.settings = { ...SETTINGS };
    fake.phone.source = 'settings';
    await openPhone(fake);
    const held = fake.hold('test_phone');
    await fireEvent.click(await screen.findByTestId('phone-test'));
    expect(await screen.findByTestId('phone-test-waiting')).toBeInTheDocument();
    held.release();
    expect(await screen.findByTestId('phone-test-result')).toHaveTextContent(
      'push taken in 42 ms; Acknowledge back after 1800 ms',
    );
    expect(fake.callsOf('test_phone').at(-1)?.args).toEqual({ seconds: 120 });

    fake.phone.roundTrip = { code: 'phone', message: 'phone: no Acknowledge within 120 s' } as never;
    await fireEvent.click(screen.getByTestId('phone-test'));
    expect(await screen.findByTestId('phone-test-error')).toHaveTextContent('no Acknowledge within 120 s');
  });

  it('shows the team file’s settings read-only', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.phone.settings = { ...SETTINGS, after_secs: 30, when_locked: true };
    fake.phone.source = 'team_file';
    await openPhone(fake);
    expect(await screen.findByTestId('phone-team-file')).toHaveTextContent('Set in the team file');
    expect(screen.getByTestId('phone-qr').querySelector('svg')).not.toBeNull();
    expect(screen.getByTestId('phone-when')).toHaveTextContent('after 30 s unanswered; at once while the screen is locked');
    expect(screen.queryByTestId('phone-form')).toBeNull();
    expect(screen.queryByTestId('phone-stop')).toBeNull();
  });

  it('reloads when Rust says the phone changed', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    await openPhone(fake);
    await screen.findByTestId('phone-set-up');
    fake.phone.settings = { ...SETTINGS };
    fake.phone.source = 'settings';
    const { emit } = await import('@tauri-apps/api/event');
    await emit('klaxon://changed', ['phone']);
    expect(await screen.findByTestId('phone-qr')).toBeInTheDocument();
  });
});
