import { DeviceSearchEntry } from './device-search-entry';
import { DeviceSearchIndex } from './device-search-index';

let seq = 0;
function makeEntry(overrides: Partial<DeviceSearchEntry> = {}): DeviceSearchEntry {
  seq += 1;
  return {
    messageId: `m-${seq}`,
    roomId: 'room-a',
    seq,
    rev: seq,
    senderId: 'user-ana',
    createdAt: new Date(Date.UTC(2026, 11, 1, 12, 0, seq)).toISOString(),
    text: `message ${seq}`,
    files: [],
    ...overrides,
  };
}

const texts = (index: DeviceSearchIndex, q: string, filters: Omit<Parameters<DeviceSearchIndex['search']>[0], 'q'> = {}) =>
  index.search({ q, ...filters }).map((hit) => hit.entry.text);

describe('DeviceSearchIndex', () => {
  it('finds a substring of the text whatever its case and accents, and marks it in the snippet', () => {
    const index = new DeviceSearchIndex();
    index.put(makeEntry({ text: 'Le Café ouvre à midi' }));
    index.put(makeEntry({ text: 'Nothing to see' }));
    const [hit, ...rest] = index.search({ q: 'CAFE OUV' });
    expect(rest).toEqual([]);
    expect(hit!.matchedIn).toBe('body');
    const { text, highlights } = hit!.snippet;
    expect(highlights.map((h) => text.slice(h.start, h.end))).toEqual(['Café ouv']);
  });

  it('an edit replaces the entry; an older revision arriving late does not undo it', () => {
    const index = new DeviceSearchIndex();
    const first = makeEntry({ text: 'meet at the harbour', rev: 3 });
    index.put(first);
    index.put({ ...first, rev: 5, text: 'meet at the station' });
    expect(texts(index, 'harbour')).toEqual([]);
    expect(texts(index, 'station')).toEqual(['meet at the station']);
    index.put({ ...first, rev: 4, text: 'meet at the airport' });
    expect(texts(index, 'airport')).toEqual([]);
    expect(index.size).toBe(1);
  });

  it('a removed message and a dropped room are found no more', () => {
    const index = new DeviceSearchIndex();
    const kept = makeEntry({ text: 'plum cake', roomId: 'room-a' });
    const removed = makeEntry({ text: 'plum jam', roomId: 'room-a' });
    const otherRoom = makeEntry({ text: 'plum tart', roomId: 'room-b' });
    for (const e of [kept, removed, otherRoom]) index.put(e);
    index.remove(removed.messageId);
    expect(texts(index, 'plum').sort()).toEqual(['plum cake', 'plum tart']);
    index.removeRoom('room-b');
    expect(texts(index, 'plum')).toEqual(['plum cake']);
    expect(index.rooms()).toEqual(new Set(['room-a']));
  });

  it('ranks whole words first, then word starts, then the query inside a word; newer first among equals', () => {
    const index = new DeviceSearchIndex();
    index.put(makeEntry({ text: 'an applumb inside' }));
    index.put(makeEntry({ text: 'plums for everyone' }));
    index.put(makeEntry({ text: 'the plum is ripe' }));
    index.put(makeEntry({ text: 'another plum is ripe' }));
    expect(texts(index, 'plum')).toEqual(['another plum is ripe', 'the plum is ripe', 'plums for everyone', 'an applumb inside']);
  });

  it('a message that says the words more often, in fewer words, ranks higher', () => {
    const index = new DeviceSearchIndex();
    index.put(makeEntry({ text: 'budget review, and then lunch and a walk in the park by the river' }));
    index.put(makeEntry({ text: 'budget review: the budget' }));
    expect(texts(index, 'budget')).toEqual(['budget review: the budget', 'budget review, and then lunch and a walk in the park by the river']);
  });

  it('honours the room, sender, file and date filters (the until day included by the caller as the next day)', () => {
    const index = new DeviceSearchIndex();
    index.put(makeEntry({ text: 'kiwi one', roomId: 'room-a', senderId: 'user-ana', createdAt: '2026-11-30T23:59:00.000Z' }));
    index.put(makeEntry({ text: 'kiwi two', roomId: 'room-b', senderId: 'user-bo', createdAt: '2026-12-01T10:00:00.000Z' }));
    index.put(makeEntry({ text: 'kiwi three', roomId: 'room-b', senderId: 'user-ana', createdAt: '2026-12-02T00:00:00.000Z', files: ['kiwi.png'] }));
    expect(texts(index, 'kiwi', { roomId: 'room-b' }).sort()).toEqual(['kiwi three', 'kiwi two']);
    expect(texts(index, 'kiwi', { from: 'user-ana' }).sort()).toEqual(['kiwi one', 'kiwi three']);
    expect(texts(index, 'kiwi', { hasFile: true })).toEqual(['kiwi three']);
    expect(texts(index, 'kiwi', { after: '2026-12-01', before: '2026-12-02' })).toEqual(['kiwi two']);
    expect(texts(index, 'kiwi', { inRooms: new Set(['room-a']) })).toEqual(['kiwi one']);
  });

  it('finds a file by its name and says so', () => {
    const index = new DeviceSearchIndex();
    index.put(makeEntry({ text: 'here it is', files: ['Quarterly-Report.pdf'] }));
    const [hit] = index.search({ q: 'report' });
    expect(hit).toMatchObject({ matchedIn: 'file', fileName: 'Quarterly-Report.pdf' });
    expect(hit!.snippet.highlights).toEqual([{ start: 10, end: 16 }]);
  });

  it('finds Chinese, Japanese and Korean text without spaces, and keeps at most the limit', () => {
    const index = new DeviceSearchIndex();
    index.put(makeEntry({ text: '明日は東京タワーに行く' }));
    expect(texts(index, '東京')).toEqual(['明日は東京タワーに行く']);
    for (let i = 0; i < 60; i++) index.put(makeEntry({ text: `walnut ${i}` }));
    expect(index.search({ q: 'walnut' })).toHaveLength(50);
    expect(index.search({ q: 'walnut', limit: 5 })).toHaveLength(5);
  });
});
