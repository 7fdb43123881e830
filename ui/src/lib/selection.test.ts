import { describe, expect, it } from 'vitest';
import { neighbour, nextSelection } from './selection';
import { makeIncident } from '../test/fakeBackend';

const list = (...ids: number[]) => ids.map((id) => makeIncident(id));

describe('nextSelection', () => {
  it('selects the first row when nothing is selected', () => {
    expect(nextSelection(null, [], list(4, 2))).toBe(4);
  });
  it('keeps nothing selected when the list is empty', () => {
    expect(nextSelection(null, [], [])).toBeNull();
  });
  it('keeps a selection that is still listed', () => {
    expect(nextSelection(2, list(4, 2), list(4, 2))).toBe(2);
  });
  it('keeps a selection that left the list when nothing new arrived', () => {
    expect(nextSelection(2, list(4, 2), list(4))).toBe(2);
    expect(nextSelection(2, list(2), [])).toBe(2);
  });
  it('moves to the first row when the selection left and a new incident arrived', () => {
    expect(nextSelection(2, list(2), list(9))).toBe(9);
  });
});

describe('neighbour', () => {
  it('moves one row down and up, staying within the list', () => {
    expect(neighbour(list(4, 2, 7), 2, 1)).toBe(7);
    expect(neighbour(list(4, 2, 7), 2, -1)).toBe(4);
    expect(neighbour(list(4, 2, 7), 7, 1)).toBe(7);
    expect(neighbour(list(4, 2, 7), 4, -1)).toBe(4);
  });
  it('starts at the first row when the selection is not listed', () => {
    expect(neighbour(list(4, 2), null, 1)).toBe(4);
    expect(neighbour(list(4, 2), 9, -1)).toBe(4);
  });
  it('keeps the selection when the list is empty', () => {
    expect(neighbour([], 3, 1)).toBe(3);
  });
});
