import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bucketOf, changeList, decodeList, decodeTokens, diffTokens, encodeList, encodeTokens, searchIndexPath, SqliteSearchFile } from './sqlite-search-file';
import { tokenFunction } from './search-tokens';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3');

const list = encodeList;

describe('SqliteSearchFile (the SQLite search index file)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'parley-search-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives beside the database', () => {
    expect(searchIndexPath('/data/parley.sqlite')).toBe('/data/parley-search.sqlite');
    expect(searchIndexPath('/data/chat.db')).toBe('/data/chat-search.db');
    expect(searchIndexPath('/data/chat')).toBe('/data/chat-search.sqlite');
  });

  it('stores a message\'s tokens as 8 big-endian bytes each, and reads them back from any offset', () => {
    const tokens = [-(2n ** 63n), -2n, 1n, 2n ** 63n - 1n];
    const stored = encodeTokens(tokens);
    expect(stored.toString('hex')).toBe('8000000000000000' + 'fffffffffffffffe' + '0000000000000001' + '7fffffffffffffff');
    // SQLite hands blobs back at any address: a copy one byte in is not 8-byte aligned.
    const unaligned = Buffer.concat([Buffer.from([0]), stored]).subarray(1);
    expect(decodeTokens(unaligned)).toEqual(tokens);
    expect(decodeTokens(Buffer.alloc(0))).toEqual([]);
  });

  it('diffs a message\'s tokens: all new for a new message, only the changes for an edit', () => {
    expect(diffTokens([], [1n, 2n])).toEqual({ removed: [], added: [1n, 2n] });
    expect(diffTokens([], null)).toEqual({ removed: [], added: [] });
    expect(diffTokens([1n, 2n, 3n], [2n, 4n])).toEqual({ removed: [1n, 3n], added: [4n] });
    expect(diffTokens([1n, 2n], null)).toEqual({ removed: [1n, 2n], added: [] });
  });

  it('keeps what it indexed across reopening, and a cursor that moved on refuses a stale batch', () => {
    const file = join(dir, 'parley-search.sqlite');
    const key = Buffer.alloc(32, 1);
    let index = SqliteSearchFile.open(file);
    index.addPeriod('k1', 'ready');
    index.addRooms(['room-a']);
    const [period] = index.periods();
    const ord = index.knownRoomOrds(['room-a']).get('room-a')! * 2 ** 31 + 1;
    expect(index.apply(period.id, key, 'room-a', 0, 1, [{ ord, text: { body: 'hello world', names: [] } }])).toBe(true);
    expect(index.apply(period.id, key, 'room-a', 0, 1, [{ ord, text: { body: 'stale', names: [] } }])).toBe(false);
    index.close();

    index = SqliteSearchFile.open(file);
    expect(index.cursors(period.id)).toEqual(new Map([['room-a', 1]]));
    index.close();
  });

  it('changes a posting list: new messages, and edits and deletions anywhere in it', () => {
    // 2 bytes an offset, big-endian: SQLite's blob comparison orders them as numbers (the append relies on it).
    expect(encodeList([1, 256, 1023])).toEqual(Buffer.from([0, 1, 1, 0, 3, 255]));
    expect(decodeList(changeList(undefined, new Map([[7, true], [3, true]])))).toEqual([3, 7]);
    expect(decodeList(changeList(list([3, 7]), new Map([[1023, true], [9, true]])))).toEqual([3, 7, 9, 1023]);
    expect(decodeList(changeList(list([3, 7, 9]), new Map([[7, false], [5, true]])))).toEqual([3, 5, 9]);
    // The last change of an offset wins (a message edited twice in one batch).
    expect(decodeList(changeList(list([3]), new Map([[3, false], [4, true]])))).toEqual([4]);
    expect(decodeList(changeList(list([3]), new Map([[3, false]])))).toEqual([]);
  });

  it('answers from its posting lists across buckets, newest first, and follows edits, deletions and dropped periods', () => {
    const file = join(dir, 'parley-search.sqlite');
    const key = Buffer.alloc(32, 2);
    const app = tokenFunction(key)('3app'); // the trigram "app"
    const index = SqliteSearchFile.open(file);
    try {
      index.addPeriod('k1', 'ready');
      index.addRooms(['room-a']);
      const [period] = index.periods();
      const roomOrd = index.knownRoomOrds(['room-a']).get('room-a')!;
      const ord = (seq: number) => roomOrd * 2 ** 31 + seq;
      const text = (body: string) => ({ body, names: [] });
      // Seqs 1–1,030 (two buckets) in two batches, the second appending to the first's lists: "apple" in the odd ones.
      const docs = Array.from({ length: 1030 }, (_, i) => ({ ord: ord(i + 1), text: text(i % 2 === 0 ? `apple ${i + 1}` : 'pear') }));
      expect(index.apply(period.id, key, 'room-a', 0, 1000, docs.slice(0, 1000))).toBe(true);
      expect(index.apply(period.id, key, 'room-a', 1000, 1030, docs.slice(1000))).toBe(true);
      const all = [ord(0), ord(4000)] as const;
      expect(bucketOf(ord(1029))).toBe(bucketOf(ord(1)) + 1);
      expect(index.walk(app, ...all, 5)).toEqual([1029, 1027, 1025, 1023, 1021].map(ord));
      expect(index.walk(app, ord(1000), ord(1026), 100)).toEqual([1025, 1023].concat(Array.from({ length: 11 }, (_, i) => 1021 - 2 * i)).map(ord));
      expect(index.rarity(app, [bucketOf(ord(1029)), bucketOf(ord(1))], 10_000)).toBe(515);
      expect(index.rarity(app, [bucketOf(ord(1029)), bucketOf(ord(1))], 10)).toBe(10);
      // Lists stay blobs of 2-byte offsets when the database appends to them (SQLite's || makes text).
      const db = new Database(file, { readonly: true });
      expect(db.prepare('SELECT DISTINCT typeof(ords) AS t FROM search_postings').all()).toEqual([{ t: 'blob' }]);
      db.close();

      // 1029 edited to "pear", 1 deleted, 2 edited to "apple".
      expect(index.apply(period.id, key, 'room-a', 1030, 1033, [{ ord: ord(1029), text: text('pear') }, { ord: ord(1), text: null }, { ord: ord(2), text: text('apple') }])).toBe(true);
      expect(index.walk(app, ...all, 3)).toEqual([1027, 1025, 1023].map(ord));
      expect(index.present(app, [1, 2, 3, 1027, 1029].map(ord))).toEqual(new Set([2, 3, 1027].map(ord)));
      expect(index.rarity(app, [bucketOf(ord(1029)), bucketOf(ord(1))], 10_000)).toBe(514);

      // A retired period's documents dropped: its posting lists go with them.
      while (index.dropDocs(period.id, 500) > 0);
      expect(index.walk(app, ...all, 10)).toEqual([]);
      expect(index.rarity(app, [bucketOf(ord(1029)), bucketOf(ord(1))], 10_000)).toBe(0);
    } finally {
      index.close();
    }
  });

  it('empties a file of one row per posting (schema version 1) so that it is built again as posting lists', () => {
    const file = join(dir, 'parley-search.sqlite');
    const old = new Database(file);
    old.exec(`CREATE TABLE search_periods (id INTEGER PRIMARY KEY AUTOINCREMENT, "keyId" varchar(32) NOT NULL UNIQUE, state varchar(16) NOT NULL)`);
    old.exec('CREATE TABLE search_postings (bucket INTEGER NOT NULL, token INTEGER NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (bucket, token, ord)) WITHOUT ROWID');
    old.exec(`INSERT INTO search_periods ("keyId", state) VALUES ('k0', 'ready')`);
    old.exec('INSERT INTO search_postings VALUES (1, 2, 3)');
    old.pragma('user_version = 1');
    old.close();

    const index = SqliteSearchFile.open(file);
    try {
      expect(index.periods()).toEqual([]);
      index.addPeriod('k1', 'ready');
      index.addRooms(['room-a']);
      const [period] = index.periods();
      const ord = index.knownRoomOrds(['room-a']).get('room-a')! * 2 ** 31 + 1;
      const key = Buffer.alloc(32, 3);
      expect(index.apply(period.id, key, 'room-a', 0, 1, [{ ord, text: { body: 'apple', names: [] } }])).toBe(true);
      expect(index.walk(tokenFunction(key)('3ppl'), ord - 1, ord + 1, 10)).toEqual([ord]);
    } finally {
      index.close();
    }
  });

  it('builds a damaged file again instead of failing the server’s start', () => {
    const file = join(dir, 'parley-search.sqlite');
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    const reasons: string[] = [];
    const index = SqliteSearchFile.open(file, (r) => reasons.push(r));
    expect(reasons).toEqual([expect.stringContaining('SQLITE_NOTADB')]);
    expect(index.periods()).toEqual([]);
    index.addPeriod('k1', 'ready');
    expect(index.periods()).toHaveLength(1);
    index.close();
  });
});
