import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from './App.svelte';
import { installFakeBackend, makeIncident } from './test/fakeBackend';

describe('start at login', () => {
  it('shows the setting from Rust and changes it', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.autostart = true;
    render(App);
    await fireEvent.click(await screen.findByTestId('settings-button'));
    const toggle = (await screen.findByTestId('autostart-toggle')) as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    await fireEvent.click(toggle);
    await waitFor(() => expect(fake.callsOf('set_autostart').at(-1)?.args).toEqual({ enabled: false }));
    await waitFor(() => expect(toggle.checked).toBe(false));
    expect(fake.autostart).toBe(false);
  });

  it('is hidden where start at login is unavailable', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    fake.failNext.set('autostart_enabled', { code: 'internal', message: 'start at login is not available here' });
    render(App);
    await screen.findAllByTestId('incident-row');
    await fireEvent.click(screen.getByTestId('settings-button'));
    await screen.findByTestId('settings-view');
    expect(screen.queryByTestId('autostart-toggle')).toBeNull();
  });

  it('shows a failure to change it in the error banner', async () => {
    const fake = installFakeBackend([makeIncident(1)]);
    render(App);
    await fireEvent.click(await screen.findByTestId('settings-button'));
    const toggle = await screen.findByTestId('autostart-toggle');
    fake.failNext.set('set_autostart', { code: 'internal', message: 'start at login: permission denied' });
    await fireEvent.click(toggle);
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('permission denied');
  });
});
