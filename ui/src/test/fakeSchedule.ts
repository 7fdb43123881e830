// The Schedule view in the fake backend: what `get_schedule` answers (built around now, as Rust
// would render it), and overrides that hand a span to someone as Rust's would.
import type { IpcError, OverrideEntry, PersonRef, ScheduleView, SpanView } from '../lib/bindings';
import { calendarRange } from '../lib/timeline';

export const ME: PersonRef = { id: 'alex', name: 'you', me: true };
export const SAM: PersonRef = { id: 'sam', name: 'Sam', me: false };
export const KIM: PersonRef = { id: 'kim', name: 'Kim', me: false };

/** A view of the next four weeks: Ops (primary with gaps, secondary) and a platform schedule. */
export function makeScheduleView(now = Date.now()): ScheduleView {
  const { from, to } = calendarRange(now);
  const iso = (ms: number) => new Date(ms).toISOString();
  const h = (hours: number) => iso(now + hours * 3600_000);
  const span = (start: string, end: string, who: PersonRef | null): SpanView => ({ start, end, who, overridden: false });
  const [a, b] = [from.toISOString(), to.toISOString()];
  return {
    from: a,
    to: b,
    schedules: [
      {
        account: 'local',
        id: 'ops',
        name: 'Ops',
        time_zone: 'Europe/Warsaw',
        rows: [
          {
            id: 'primary',
            name: 'Primary',
            spans: [span(a, h(1), null), span(h(1), h(9), ME), span(h(9), h(25), null), span(h(25), h(33), SAM), span(h(33), b, null)],
          },
          { id: 'secondary', name: 'Secondary', spans: [span(a, h(168), ME), span(h(168), b, SAM)] },
        ],
      },
      {
        account: 'work',
        id: 'S1',
        name: 'Platform primary',
        time_zone: null,
        rows: [
          {
            id: 'final',
            name: 'Platform primary',
            spans: [
              span(a, h(48), { id: 'U_OTHER', name: 'Other Person', me: false }),
              span(h(48), h(72), { id: 'U_ME', name: 'you', me: true }),
              span(h(72), b, null),
            ],
          },
        ],
      },
    ],
    mine: [[a, h(168)]],
    policies: [
      {
        account: 'local',
        name: 'Ops policy',
        repeat: 2,
        levels: [
          { level: 1, delay_minutes: 5, targets: ['Ops · Primary'], now: [] },
          { level: 2, delay_minutes: 10, targets: ['Ops · Secondary', 'Sam'], now: [ME, SAM] },
        ],
      },
      { account: 'work', name: 'Database', repeat: null, levels: [{ level: 1, delay_minutes: null, targets: [], now: [{ id: 'U_OTHER', name: 'Other Person', me: false }] }] },
    ],
    overrides: [],
    fairness: [
      { person_id: 'alex', name: 'Alex', minutes: 20_160, night_minutes: 5_400, weekend_minutes: 5_760, shifts: 6 },
      { person_id: 'sam', name: 'Sam', minutes: 10_110, night_minutes: 2_700, weekend_minutes: 2_880, shifts: 4 },
    ],
    people: [ME, SAM, KIM],
  };
}

/** The fake's schedule: `view` is what `get_schedule` answers; overrides change it. */
export class FakeSchedule {
  view: ScheduleView = makeScheduleView();
  #next = 1;

  add(a: { schedule: string; layer: string | null; person: string; start: string; end: string }): OverrideEntry {
    const fail = (message: string): never => {
      throw { code: 'invalid_input', message } satisfies IpcError;
    };
    const schedule = this.view.schedules.find((s) => s.account === 'local' && s.id === a.schedule) ?? fail(`schedule: no team-file schedule \`${a.schedule}\``);
    const row = (a.layer ? schedule.rows.find((r) => r.id === a.layer) : schedule.rows[0]) ?? fail(`layer: no layer \`${a.layer}\``);
    const who = this.view.people.find((p) => p.id === a.person) ?? fail(`who: no person \`${a.person}\` in the team file`);
    if (Date.parse(a.end) <= Date.parse(a.start)) fail('to: the override must end after it starts');
    // Only whole spans are handed over here: enough for the view's tests.
    row.spans = row.spans.map((s) => (s.start === a.start && s.end === a.end ? { ...s, who, overridden: true } : s));
    const entry: OverrideEntry = {
      account: 'local',
      cover: { id: this.#next++, schedule: a.schedule, layer: a.layer, person: a.person, start: a.start, end: a.end, created_by: 'alex' },
      state: 'done',
      remote_id: null,
      last_error: null,
      attempts: 0,
    };
    this.view.overrides = [...this.view.overrides, entry];
    return entry;
  }

  remove(id: number): OverrideEntry {
    const gone = this.view.overrides.find((o) => o.cover.id === id);
    if (!gone) throw { code: 'not_found', message: `no override ${id}` } satisfies IpcError;
    this.view.overrides = this.view.overrides.filter((o) => o !== gone);
    return gone;
  }
}
