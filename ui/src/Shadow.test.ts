import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import ShadowPanel from './components/ShadowPanel.svelte';
import SettingsView from './components/SettingsView.svelte';
import { installFakeBackend, makeIncident, type FakeBackend } from './test/fakeBackend';

const choices = () => screen.queryAllByTestId('shadow-choice');
const box = (target: string) =>
  within(choices().find((c) => c.getAttribute('data-target') === target)!).getByRole('checkbox') as HTMLInputElement;
const checked = () =>
  choices()
    .filter((c) => within(c).getByRole<HTMLInputElement>('checkbox').checked)
    .map((c) => c.getAttribute('data-target'));
const save = () => screen.getByTestId('shadow-save');

function backend(): FakeBackend {
  return installFakeBackend([makeIncident(1)]);
}

async function renderPanel() {
  const result = render(ShadowPanel);
  await screen.findAllByTestId('shadow-choice');
  return result;
}

describe('shadow panel', () => {
  it('sits in Settings after the outbox', async () => {
    backend();
    render(SettingsView, { props: { now: Date.parse('2024-05-01T03:05:00Z'), keys: false, onClose: () => {} } });
    const panel = await screen.findByTestId('shadow-panel');
    const outbox = screen.getByTestId('outbox-panel');
    expect(outbox.compareDocumentPosition(panel) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(within(panel).getByRole('heading')).toHaveTextContent('Shadowing');
    expect(panel).toHaveTextContent('soft SHADOW notifications');
    expect(panel).toHaveTextContent('klaxon shadow log');
  });

  it('shows every choice with the ones followed now checked, and where the list comes from', async () => {
    const fake = backend();
    fake.shadow.follow = [{ target: 'rotation:primary', label: 'Whoever is on call in primary' }];
    await renderPanel();
    expect(fake.callsOf('shadow_settings')).toHaveLength(1);
    expect(choices().map((c) => c.textContent?.trim())).toEqual([
      'Sam',
      'Whoever is on call in primary',
      'Level 2 of default',
    ]);
    expect(checked()).toEqual(['rotation:primary']);
    expect(screen.getByTestId('shadow-source')).toHaveTextContent('From the team file');
    expect(save()).toBeDisabled();
  });

  it('enables Save only while the boxes differ from what is followed', async () => {
    backend();
    await renderPanel();
    await fireEvent.click(box('person:sam'));
    expect(save()).toBeEnabled();
    await fireEvent.click(box('person:sam'));
    expect(save()).toBeDisabled();
  });

  it('saves the checked targets in the order of the choices', async () => {
    const fake = backend();
    fake.shadow.follow = [{ target: 'level:default:2', label: 'Level 2 of default' }];
    await renderPanel();
    await fireEvent.click(box('person:sam'));
    await fireEvent.click(save());
    await waitFor(() =>
      expect(screen.getByTestId('shadow-source')).toHaveTextContent("Chosen here; replaces the team file's [shadow] list"),
    );
    expect(fake.callsOf('set_shadow').map((c) => c.args)).toEqual([{ follow: ['person:sam', 'level:default:2'] }]);
    expect(fake.shadow.source).toBe('app');
    expect(checked()).toEqual(['person:sam', 'level:default:2']);
    expect(save()).toBeDisabled();
    expect(screen.getByTestId('shadow-reset')).toBeEnabled();
  });

  it('saves an empty list when every box is cleared', async () => {
    const fake = backend();
    fake.shadow.follow = [{ target: 'person:sam', label: 'Sam' }];
    await renderPanel();
    await fireEvent.click(box('person:sam'));
    await fireEvent.click(save());
    await waitFor(() => expect(fake.callsOf('set_shadow').map((c) => c.args)).toEqual([{ follow: [] }]));
    await waitFor(() => expect(screen.getByTestId('shadow-source')).toHaveAttribute('data-source', 'app'));
    expect(checked()).toEqual([]);
  });

  it("offers the team file's list only when the list was chosen here, and goes back to it", async () => {
    const fake = backend();
    fake.shadow.source = 'app';
    fake.shadow.follow = [{ target: 'rotation:primary', label: 'Whoever is on call in primary' }];
    fake.shadowTeamFile = ['person:sam'];
    await renderPanel();
    expect(checked()).toEqual(['rotation:primary']);
    await fireEvent.click(screen.getByTestId('shadow-reset'));
    await waitFor(() => expect(screen.getByTestId('shadow-source')).toHaveTextContent('From the team file'));
    expect(fake.callsOf('reset_shadow')).toHaveLength(1);
    expect(fake.callsOf('set_shadow')).toHaveLength(0);
    expect(checked()).toEqual(['person:sam']);
    expect(screen.queryByTestId('shadow-reset')).toBeNull();
  });

  it('has no reset while the list comes from the team file', async () => {
    backend();
    await renderPanel();
    expect(screen.getByTestId('shadow-source')).toHaveTextContent('From the team file');
    expect(screen.queryByTestId('shadow-reset')).toBeNull();
  });

  it('shows a refused save and keeps the boxes as the user left them', async () => {
    const fake = backend();
    await renderPanel();
    // The team file changed since the panel loaded: sam is no longer there.
    fake.shadow.choices = fake.shadow.choices.filter((c) => c.target !== 'person:sam');
    await fireEvent.click(box('person:sam'));
    await fireEvent.click(box('rotation:primary'));
    await fireEvent.click(save());
    const banner = await within(screen.getByTestId('shadow-panel')).findByTestId('error-banner');
    expect(banner).toHaveTextContent('follow: `person:sam` is not a person, rotation or level here');
    expect(fake.callsOf('set_shadow').map((c) => c.args)).toEqual([{ follow: ['person:sam', 'rotation:primary'] }]);
    expect(checked()).toEqual(['person:sam', 'rotation:primary']);
    expect(screen.getByTestId('shadow-source')).toHaveTextContent('From the team file');
    expect(save()).toBeEnabled();

    await fireEvent.click(within(banner).getByRole('button', { name: 'Dismiss error' }));
    expect(within(screen.getByTestId('shadow-panel')).queryByTestId('error-banner')).toBeNull();
  });

  it('shows a failure to load the settings', async () => {
    const fake = backend();
    fake.failNext.set('shadow_settings', { code: 'config', message: 'team file: [shadow] follow must be a list' });
    render(ShadowPanel);
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('[shadow] follow must be a list');
    expect(choices()).toHaveLength(0);
    expect(screen.queryByTestId('shadow-save')).toBeNull();
  });
});
