import { canonicalValue, kindOfPgType, sqliteTimeToIso, TableChecksum } from './table-checksum';

describe('the canonical form db:copy hashes on both sides', () => {
  it('reads every way SQLite holds a time as the same UTC instant a PostgreSQL timestamptz gives back', () => {
    const fromPg = new Date('2026-12-04T10:56:09.123Z');
    expect(canonicalValue('timestamp', fromPg)).toBe('2026-12-04T10:56:09.123Z');
    expect(canonicalValue('timestamp', '2026-12-04 10:56:09.123')).toBe('2026-12-04T10:56:09.123Z'); // TypeORM and the defaults
    expect(canonicalValue('timestamp', '2026-12-04T10:56:09.123Z')).toBe('2026-12-04T10:56:09.123Z'); // ISO text
    expect(canonicalValue('timestamp', '2026-12-04 10:56:09')).toBe('2026-12-04T10:56:09.000Z');
    expect(canonicalValue('timestamp', fromPg.getTime())).toBe('2026-12-04T10:56:09.123Z');
    expect(() => sqliteTimeToIso('yesterday')).toThrow('not a time: "yesterday"');
  });

  it('gives ids, integers, text and nulls one spelling, whichever driver read them', () => {
    expect(canonicalValue('uuid', 'A1B2C3D4-0000-4000-8000-00000000000F')).toBe('a1b2c3d4-0000-4000-8000-00000000000f');
    expect(canonicalValue('integer', 42)).toBe('42');
    expect(canonicalValue('integer', '42')).toBe('42');
    expect(canonicalValue('integer', 42n)).toBe('42');
    expect(canonicalValue('text', '{"type":"room_renamed"}')).toBe('{"type":"room_renamed"}');
    expect(canonicalValue('bytes', Buffer.from([0, 255]))).toBe('AP8=');
    expect(canonicalValue('boolean', 1)).toBe('true');
    expect(canonicalValue('boolean', false)).toBe('false');
    expect(canonicalValue('text', null)).toBeNull();
    expect(canonicalValue('timestamp', undefined)).toBeNull();
  });

  it('maps PostgreSQL column types to how their values compare', () => {
    expect(['uuid', 'timestamp with time zone', 'integer', 'character varying', 'text', 'bytea', 'boolean'].map(kindOfPgType)).toEqual([
      'uuid',
      'timestamp',
      'integer',
      'text',
      'text',
      'bytes',
      'boolean',
    ]);
  });

  it('tells apart tables that differ in one value, in order, or in a null against an empty string', () => {
    const sum = (rows: (string | null)[][]) => {
      const c = new TableChecksum();
      rows.forEach((r) => c.add(r));
      return c.digest();
    };
    const rows = [
      ['a', '1', null],
      ['b', '2', 'x'],
    ];
    expect(sum(rows)).toBe(sum(rows.map((r) => [...r])));
    expect(sum(rows)).not.toBe(sum([rows[1], rows[0]]));
    expect(sum(rows)).not.toBe(sum([['a', '1', ''], rows[1]]));
    expect(sum(rows)).not.toBe(sum([['a', '1', null], ['b', '2', 'y']]));
    // Row boundaries count: ["a","b"] + ["c"] is not ["a"] + ["b","c"].
    expect(sum([['a', 'b'], ['c']])).not.toBe(sum([['a'], ['b', 'c']]));
  });
});
