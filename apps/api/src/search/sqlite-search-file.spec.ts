import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchIndexPath, SqliteSearchFile } from './sqlite-search-file';

describe('SqliteSearchFile (the SQLite search index file)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'parley-search-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives beside the database', () => {
    expect(searchIndexPath('/data/parley.sqlite')).toBe('/data/parley-search.sqlite');
    expect(searchIndexPath('/data/chat.db')).toBe('/data/chat-search.db');
    expect(searchIndexPath('/data/chat')).toBe('/data/chat-search.sqlite');
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
