import { SearchResult } from '@parley/contracts';
import { groupByRoom, queryLongEnough, snippetParts } from './search-results';

describe('snippetParts', () => {
  it('cuts the text at the highlights, in order, marks only the matches', () => {
    expect(snippetParts({ text: 'Café at noon, café later', highlights: [{ start: 14, end: 18 }, { start: 0, end: 4 }] })).toEqual([
      { text: 'Café', mark: true },
      { text: ' at noon, ', mark: false },
      { text: 'café', mark: true },
      { text: ' later', mark: false },
    ]);
  });

  it('keeps markup-looking text as text, and ignores highlights outside the text or overlapping', () => {
    expect(snippetParts({ text: '<b>x</b> abc', highlights: [{ start: 9, end: 12 }, { start: 10, end: 40 }, { start: 50, end: 60 }] })).toEqual([
      { text: '<b>x</b> ', mark: false },
      { text: 'abc', mark: true },
    ]);
  });
});

describe('groupByRoom', () => {
  const result = (id: string, roomId: string): SearchResult =>
    ({ message: { id }, room: { id: roomId, kind: 'group', name: roomId }, seq: 1 }) as unknown as SearchResult;

  it('groups by room in the order of each room’s newest result, keeping results newest first', () => {
    const groups = groupByRoom([result('m1', 'a'), result('m2', 'b'), result('m3', 'a')]);
    expect(groups.map((g) => [g.room.id, g.results.map((r) => r.message.id)])).toEqual([
      ['a', ['m1', 'm3']],
      ['b', ['m2']],
    ]);
  });
});

describe('queryLongEnough', () => {
  it('wants 3 characters, or 2 in Chinese, Japanese or Korean', () => {
    expect(queryLongEnough('ab')).toBe(false);
    expect(queryLongEnough(' abc ')).toBe(true);
    expect(queryLongEnough('東京')).toBe(true);
    expect(queryLongEnough('東')).toBe(false);
  });
});
