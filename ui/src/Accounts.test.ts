import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import AccountsPanel from './components/AccountsPanel.svelte';
import { installFakeBackend, makeAccount } from './test/fakeBackend';

const NOW = Date.parse('2024-05-01T03:05:00Z');
const TOKEN = 'pd-token-that-must-not-show';

const rows = () => screen.queryAllByTestId('account-row');
const row = (name: string) => rows().find((r) => r.getAttribute('data-account') === name)!;
const type = (testId: string, value: string) => fireEvent.input(screen.getByTestId(testId), { target: { value } });

async function renderPanel() {
  const result = render(AccountsPanel, { props: { now: NOW } });
  // The form's platforms come from `capabilities`.
  await waitFor(() => expect(screen.getByTestId('add-account-kind').querySelectorAll('option').length).toBeGreaterThan(0));
  return result;
}

describe('accounts panel', () => {
  it('lists accounts with kind, user, last sync and errors in red', async () => {
    const fake = installFakeBackend([]);
    fake.accounts = [
      makeAccount('work', { last_synced_at: '2024-05-01T03:00:00Z' }),
      makeAccount('ops', {
        kind: 'grafana-oncall',
        user_name: 'Alice A.',
        user_email: null,
        last_error: 'the platform refused the token (401)',
      }),
      makeAccount('new', { kind: 'goalert', last_synced_at: null }),
    ];
    await renderPanel();
    await waitFor(() => expect(rows()).toHaveLength(3));
    const work = row('work');
    expect(within(work).getByTestId('account-kind')).toHaveTextContent('PagerDuty');
    expect(work).toHaveTextContent('Alice <alice@example.com>');
    expect(within(work).getByTestId('account-synced')).toHaveTextContent('Last synced 5m ago');
    expect(within(work).queryByTestId('account-error')).toBeNull();

    const ops = row('ops');
    expect(within(ops).getByTestId('account-kind')).toHaveTextContent('Grafana OnCall');
    const error = within(ops).getByTestId('account-error');
    expect(error).toHaveTextContent('the platform refused the token (401)');
    expect(error).toHaveClass('failed');
    expect(within(ops).queryByTestId('account-synced')).toBeNull();

    expect(within(row('new')).getByTestId('account-synced')).toHaveTextContent('Not synced yet');
    expect(screen.queryByTestId('accounts-empty')).toBeNull();
  });

  it('says when there are no accounts', async () => {
    installFakeBackend([]);
    await renderPanel();
    expect(await screen.findByTestId('accounts-empty')).toHaveTextContent('No platform accounts');
  });

  it('offers the platforms, not the local intake, and asks GoAlert for a login', async () => {
    installFakeBackend([]);
    await renderPanel();
    const kinds = [...screen.getByTestId('add-account-kind').querySelectorAll('option')].map((o) => o.textContent);
    expect(kinds).toEqual(['PagerDuty', 'Grafana OnCall', 'GoAlert']);
    expect(screen.queryByTestId('add-account-username')).toBeNull();
    expect(screen.getByLabelText('API token')).toHaveAttribute('type', 'password');

    await fireEvent.change(screen.getByTestId('add-account-kind'), { target: { value: 'goalert' } });
    expect(await screen.findByTestId('add-account-username')).toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password');
    expect(screen.queryByLabelText('API token')).toBeNull();
  });

  it('needs a base URL unless the platform has a default', async () => {
    installFakeBackend([]);
    await renderPanel();
    const submit = screen.getByTestId('add-account-submit');
    await type('add-account-name', 'work');
    await type('add-account-token', TOKEN);
    expect(submit).toBeEnabled();
    expect(screen.getByTestId('add-account-base-url')).toHaveAttribute('placeholder', 'https://api.pagerduty.com');

    await fireEvent.change(screen.getByTestId('add-account-kind'), { target: { value: 'grafana-oncall' } });
    await waitFor(() => expect(submit).toBeDisabled());
    expect(screen.getByTestId('add-account-base-url')).toBeRequired();
    await type('add-account-base-url', 'https://oncall.example.com');
    expect(submit).toBeEnabled();
  });

  it('adds an account with exactly what was typed, then clears the token', async () => {
    const fake = installFakeBackend([]);
    await renderPanel();
    await fireEvent.change(screen.getByTestId('add-account-kind'), { target: { value: 'goalert' } });
    await type('add-account-name', ' ga ');
    await type('add-account-base-url', 'https://goalert.example.com');
    await type('add-account-username', 'alice');
    await type('add-account-token', TOKEN);
    await type('add-account-poll', '30');
    await fireEvent.click(screen.getByTestId('add-account-submit'));

    await waitFor(() => expect(fake.callsOf('add_account')).toHaveLength(1));
    expect(fake.callsOf('add_account')[0].args).toEqual({
      kind: 'goalert',
      name: 'ga',
      baseUrl: 'https://goalert.example.com',
      token: TOKEN,
      username: 'alice',
      pollSecs: 30,
    });
    expect(await screen.findByTestId('add-account-added')).toHaveTextContent('Added ga as Alice');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(within(row('ga')).getByTestId('account-kind')).toHaveTextContent('GoAlert');
    expect((screen.getByTestId('add-account-token') as HTMLInputElement).value).toBe('');
    expect(document.body.innerHTML).not.toContain(TOKEN);
  });

  it('sends no base URL or username when they do not apply', async () => {
    const fake = installFakeBackend([]);
    await renderPanel();
    await type('add-account-name', 'work');
    await type('add-account-token', TOKEN);
    await fireEvent.click(screen.getByTestId('add-account-submit'));
    await waitFor(() => expect(fake.callsOf('add_account')).toHaveLength(1));
    expect(fake.callsOf('add_account')[0].args).toEqual({
      kind: 'pagerduty',
      name: 'work',
      baseUrl: null,
      token: TOKEN,
      username: null,
      pollSecs: null,
    });
  });

  it('shows a refusal with what to check, and keeps the form', async () => {
    const fake = installFakeBackend([]);
    fake.failNext.set('add_account', {
      code: 'unauthorized',
      message: 'the platform refused the token (Unauthorized); add the account again with a valid token',
    });
    await renderPanel();
    await type('add-account-name', 'work');
    await type('add-account-token', TOKEN);
    await fireEvent.click(screen.getByTestId('add-account-submit'));
    const error = await screen.findByTestId('add-account-error');
    expect(error).toHaveAttribute('data-code', 'unauthorized');
    expect(error).toHaveTextContent('the platform refused the token');
    expect(error).toHaveTextContent('Check the token');
    expect((screen.getByTestId('add-account-name') as HTMLInputElement).value).toBe('work');
    expect(rows()).toHaveLength(0);
  });

  it('removes an account only after confirming', async () => {
    const fake = installFakeBackend([]);
    fake.accounts = [makeAccount('work'), makeAccount('ops')];
    await renderPanel();
    await waitFor(() => expect(rows()).toHaveLength(2));
    await fireEvent.click(within(row('work')).getByTestId('account-remove'));
    await fireEvent.click(within(row('work')).getByTestId('account-remove-cancel'));
    expect(fake.callsOf('remove_account')).toHaveLength(0);

    await fireEvent.click(within(row('work')).getByTestId('account-remove'));
    expect(row('work')).toHaveTextContent('Remove work, its cached incidents and queued actions?');
    await fireEvent.click(within(row('work')).getByTestId('account-remove-confirm'));
    await waitFor(() => expect(rows().map((r) => r.getAttribute('data-account'))).toEqual(['ops']));
    expect(fake.callsOf('remove_account').map((c) => c.args)).toEqual([{ name: 'work' }]);
  });

  it('tests an account and shows who the token belongs to', async () => {
    const fake = installFakeBackend([]);
    fake.accounts = [makeAccount('work')];
    fake.remoteUser = { ...fake.remoteUser, name: 'Alice Doe', id: 'PXYZ' };
    await renderPanel();
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.click(within(row('work')).getByTestId('account-test'));
    const result = await screen.findByTestId('account-test-result');
    expect(result).toHaveTextContent('The token belongs to Alice Doe (alice@example.com), id PXYZ.');
    expect(result).toHaveTextContent('phone: +1 555 0100 (Mobile)');
    expect(fake.callsOf('test_account').map((c) => c.args)).toEqual([{ name: 'work' }]);
  });

  it('shows why a test failed on that account', async () => {
    const fake = installFakeBackend([]);
    fake.accounts = [makeAccount('work')];
    fake.failNext.set('test_account', { code: 'unreachable', message: 'cannot reach the platform: connection refused' });
    await renderPanel();
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.click(within(row('work')).getByTestId('account-test'));
    expect(await within(row('work')).findByTestId('account-action-error')).toHaveTextContent('connection refused');
    expect(screen.queryByTestId('account-test-result')).toBeNull();
  });

  it('asks for a sync now, and refreshes on the change event', async () => {
    const fake = installFakeBackend([]);
    fake.accounts = [makeAccount('work', { last_synced_at: null })];
    await renderPanel();
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.click(within(row('work')).getByTestId('account-sync'));
    await waitFor(() => expect(fake.callsOf('sync_account').map((c) => c.args)).toEqual([{ name: 'work' }]));

    fake.accounts[0].last_synced_at = '2024-05-01T03:04:00Z';
    await emit('klaxon://changed', ['accounts']);
    await waitFor(() => expect(within(row('work')).getByTestId('account-synced')).toHaveTextContent('Last synced 1m ago'));
  });
});
