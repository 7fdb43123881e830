import { describe, expect, it } from 'vitest';
import { at, calendarRange, days, fromLocalInput, hours, place, toLocalInput } from './timeline';

const from = '2027-01-04T00:00:00Z';
const to = '2027-01-08T00:00:00Z';

describe('timeline', () => {
  it('places a stretch in percent of the axis, clipped to it', () => {
    expect(place('2027-01-05T00:00:00Z', '2027-01-06T00:00:00Z', from, to)).toEqual({ left: 25, width: 25 });
    expect(place('2027-01-01T00:00:00Z', '2027-01-05T00:00:00Z', from, to)).toEqual({ left: 0, width: 25 });
    expect(place('2027-01-07T12:00:00Z', '2027-02-01T00:00:00Z', from, to)).toEqual({ left: 87.5, width: 12.5 });
    expect(place('2027-02-01T00:00:00Z', '2027-02-02T00:00:00Z', from, to)).toEqual({ left: 100, width: 0 });
  });

  it('places now, or nothing outside the axis', () => {
    expect(at(Date.parse('2027-01-06T00:00:00Z'), from, to)).toBe(50);
    expect(at(Date.parse('2027-01-09T00:00:00Z'), from, to)).toBeNull();
  });

  it('lists local days from local midnight, 28 by default', () => {
    const { from: a, to: b } = calendarRange(Date.parse('2027-01-06T15:30:00Z'));
    expect([a.getHours(), a.getMinutes()]).toEqual([0, 0]);
    const list = days(a.toISOString(), b.toISOString());
    expect(list).toHaveLength(28);
    expect(list[0].month).not.toBeNull();
    expect(list[1].start).toBe(list[0].end);
    expect(list.filter((d) => d.weekend)).toHaveLength(8);
  });

  it('reads minutes as hours and local inputs as moments', () => {
    expect([hours(90), hours(480), hours(10), hours(0)]).toEqual(['1.5', '8', '0.2', '0']);
    const iso = '2027-01-04T08:15:00.000Z';
    expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('tomorrow')).toBeNull();
  });
});
