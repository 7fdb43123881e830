import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import App from './App.svelte';
import { installFakeBackend, makeIncident } from './test/fakeBackend';
import { fromLocalInput, toLocalInput } from './lib/timeline';

async function openSchedule() {
  const fake = installFakeBackend([makeIncident(1)]);
  render(App);
  await fireEvent.click(await screen.findByTestId('schedule-button'));
  await screen.findByTestId('schedule-calendar');
  return fake;
}

const group = (id: string) => screen.getAllByTestId('schedule-group').find((g) => g.dataset.schedule === id)!;
const row = (g: HTMLElement, id: string) => within(g).getAllByTestId('schedule-row').find((r) => r.dataset.row === id)!;
const blocks = (r: HTMLElement) => within(r).getAllByTestId('block');
const level = (n: number) => within(screen.getAllByTestId('policy')[0]).getAllByTestId('level')[n - 1];

describe('the Schedule view', () => {
  it('draws each schedule, its layers as rows of blocks, gaps, mine and now', async () => {
    const fake = await openSchedule();
    expect(fake.callsOf('get_schedule')).toHaveLength(1);
    const { from, to } = fake.callsOf('get_schedule')[0].args as { from: string; to: string };
    expect(Date.parse(to) - Date.parse(from)).toBeGreaterThanOrEqual(28 * 24 * 3600_000 - 3600_000);
    expect(screen.getAllByTestId('day')).toHaveLength(28);

    const ops = group('ops');
    expect(ops).toHaveTextContent('Ops');
    expect(ops).toHaveTextContent('Europe/Warsaw');
    const primary = blocks(row(ops, 'primary'));
    expect(primary.map((b) => b.textContent?.trim())).toEqual(['gap', 'you', 'gap', 'Sam', 'gap']);
    expect(primary.map((b) => [b.classList.contains('gap'), b.classList.contains('mine')])).toEqual([
      [true, false],
      [false, true],
      [true, false],
      [false, false],
      [true, false],
    ]);
    expect(primary[0].getAttribute('title')).toMatch(/^nobody on call · /);
    expect(primary[1].getAttribute('title')).toMatch(/^you · \w{3} \d+ \w{3} \d\d:\d\d – /);
    // Positioned by time: the first block starts at the left edge, each next where the last ends.
    expect(primary[0].style.left).toBe('0%');
    const right = (b: HTMLElement) => parseFloat(b.style.left) + parseFloat(b.style.width);
    expect(parseFloat(primary[1].style.left)).toBeCloseTo(right(primary[0]), 6);
    expect(right(primary[4])).toBeCloseTo(100, 6);
    expect(blocks(row(ops, 'secondary')).map((b) => b.textContent?.trim())).toEqual(['you', 'Sam']);
    // An 8-hour block is too narrow to show its name: screen readers and its title still have it.
    expect(primary[1].querySelector('span')).toHaveClass('hidden');
    expect(blocks(row(ops, 'secondary'))[0].querySelector('span')).not.toHaveClass('hidden');

    const platform = group('S1');
    expect(within(platform).getByTestId('schedule-account')).toHaveTextContent('work');
    expect(within(platform).getAllByTestId('schedule-row')).toHaveLength(1);
    expect(within(platform).getAllByTestId('now-line').length).toBeGreaterThan(0);
  });

  it('shows each policy level, its delay, targets and who holds it now, a gap as nobody', async () => {
    await openSchedule();
    expect(within(level(1)).getByTestId('level-now')).toHaveTextContent('nobody');
    expect(within(level(1)).getByTestId('level-now')).toHaveClass('nobody');
    expect(within(level(1)).getByTestId('level-delay')).toHaveTextContent('after 5 min');
    expect(within(level(1)).getByTestId('level-targets')).toHaveTextContent('Ops · Primary');
    expect(within(level(2)).getByTestId('level-now')).toHaveTextContent('you, Sam');
    expect(within(level(2)).getByTestId('level-now')).toHaveClass('mine');
    const db = screen.getAllByTestId('policy')[1];
    expect(db).toHaveTextContent('Database');
    expect(within(db).queryByTestId('level-delay')).toBeNull();
  });

  it('covers one of my shifts with a colleague, lists the override and removes it', async () => {
    const fake = await openSchedule();
    const shifts = screen.getAllByTestId('my-shift');
    expect(shifts.map((s) => s.dataset.row)).toEqual(['primary', 'secondary']);
    const shift = fake.schedule.view.schedules[0].rows[0].spans[1];
    const button = within(shifts[0]).getByTestId('cover-button');
    expect(button.getAttribute('aria-label')).toMatch(/^Cover my Ops · Primary shift, /);
    await fireEvent.click(button);
    const form = screen.getByTestId('cover-form');
    expect(within(form).getByTestId('cover-start')).toHaveValue(toLocalInput(shift.start));
    expect(within(form).getByTestId('cover-end')).toHaveValue(toLocalInput(shift.end));
    const options = within(form).getAllByRole('option').map((o) => o.textContent);
    expect(options).toEqual(['Sam', 'Kim']);
    await fireEvent.change(within(form).getByTestId('cover-person'), { target: { value: 'kim' } });
    await fireEvent.click(within(form).getByTestId('cover-submit'));

    await waitFor(() => expect(screen.queryByTestId('cover-form')).toBeNull());
    expect(fake.callsOf('add_override')[0].args).toEqual({ schedule: 'ops', layer: 'primary', person: 'kim', start: shift.start, end: shift.end });
    await waitFor(() => expect(blocks(row(group('ops'), 'primary'))[1]).toHaveTextContent('Kim'));
    const covered = blocks(row(group('ops'), 'primary'))[1];
    expect(covered).toHaveClass('overridden');
    expect(covered).not.toHaveClass('mine');
    expect(covered.getAttribute('title')).toMatch(/^Kim \(override\) · /);
    expect(screen.getAllByTestId('my-shift').map((s) => s.dataset.row)).toEqual(['secondary']);
    const listed = screen.getByTestId('override');
    expect(listed).toHaveTextContent('Kim covers Ops · Primary');

    await fireEvent.click(within(listed).getByTestId('remove-override'));
    await waitFor(() => expect(screen.queryByTestId('override')).toBeNull());
    expect(fake.callsOf('remove_override')[0].args).toEqual({ id: 1 });
  });

  it('hands over a part of a shift when the range is edited', async () => {
    const fake = await openSchedule();
    const shift = fake.schedule.view.schedules[0].rows[0].spans[1];
    await fireEvent.click(within(screen.getAllByTestId('my-shift')[0]).getByTestId('cover-button'));
    const later = toLocalInput(new Date(Date.parse(shift.start) + 2 * 3600_000).toISOString());
    await fireEvent.input(screen.getByTestId('cover-start'), { target: { value: later } });
    await fireEvent.click(screen.getByTestId('cover-submit'));
    await waitFor(() => expect(fake.callsOf('add_override')).toHaveLength(1));
    expect(fake.callsOf('add_override')[0].args).toEqual({
      schedule: 'ops',
      layer: 'primary',
      person: 'sam',
      start: fromLocalInput(later),
      end: shift.end,
    });
  });

  it('shows why a cover failed, in the form, and keeps it open', async () => {
    const fake = await openSchedule();
    fake.failNext.set('add_override', { code: 'invalid_input', message: 'to: an override lasts at most 90 days' });
    await fireEvent.click(within(screen.getAllByTestId('my-shift')[1]).getByTestId('cover-button'));
    await fireEvent.click(screen.getByTestId('cover-submit'));
    expect(await screen.findByTestId('cover-error')).toHaveTextContent('to: an override lasts at most 90 days');
    expect(screen.getByTestId('cover-form')).toBeInTheDocument();
    expect(fake.callsOf('add_override')[0].args).toMatchObject({ schedule: 'ops', layer: 'secondary', person: 'sam' });

    // A range that is not one is refused before it is sent.
    await fireEvent.input(screen.getByTestId('cover-end'), { target: { value: '' } });
    await fireEvent.submit(screen.getByTestId('cover-form'));
    expect(screen.getByTestId('cover-error')).toHaveTextContent('Give the start and end as a date and time.');
    expect(fake.callsOf('add_override')).toHaveLength(1);
  });

  it('offers no cover for platform shifts and says why', async () => {
    await openSchedule();
    const platform = screen.getByTestId('my-platform-shift');
    expect(platform).toHaveTextContent('Platform primary');
    expect(within(platform).queryByTestId('cover-button')).toBeNull();
    expect(within(platform).getByTestId('platform-cover-note')).toHaveTextContent('Cover it with: klaxon override add work:S1 --who USER_ID');
  });

  it('shows the fairness table in hours', async () => {
    await openSchedule();
    const rows = within(screen.getByTestId('fairness')).getAllByTestId('fairness-row');
    expect(rows.map((r) => [...r.children].map((c) => c.textContent?.trim()))).toEqual([
      ['Alex (you)', '336', '90', '96', '6'],
      ['Sam', '168.5', '45', '48', '4'],
    ]);
    expect(rows[0]).toHaveClass('mine');
  });

  it('reloads when who is on call changes, and Esc goes back', async () => {
    const fake = await openSchedule();
    fake.schedule.view = { ...fake.schedule.view, fairness: [] };
    await emit('klaxon://changed', ['on_call']);
    await waitFor(() => expect(screen.getByTestId('no-fairness')).toBeInTheDocument());
    await fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('schedule-view')).toBeNull());
    expect(screen.getByTestId('incident-detail')).toBeInTheDocument();
  });

  it('exports my shifts as an .ics file and says where', async () => {
    const fake = await openSchedule();
    await fireEvent.click(screen.getByTestId('export-shifts'));
    expect(await screen.findByTestId('export-result')).toHaveTextContent('Saved to /home/alex/Downloads/klaxon-shifts.ics');
    expect(fake.callsOf('export_shifts')[0].args).toEqual({ days: 28 });
  });
});
