import { rmSync } from 'node:fs';
import { endianness } from 'node:os';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';
import type { PeriodState, SearchPeriod } from './search-store';
import type { SearchIndexWrite } from './search-index-writes';
import { docChanges, DocText, tokenFunction } from './search-tokens';

/** Postings are grouped by 1,024 consecutive messages of a room: `ord / 1024` (a room's ordinal range is a multiple of it). */
export const BUCKET_SIZE = 1024;
/** Log pages (4 KB) between the index file's automatic checkpoints. */
const WAL_CHECKPOINT_PAGES = 8192;
export const bucketOf = (ord: number) => Math.floor(ord / BUCKET_SIZE);

const LITTLE_ENDIAN = endianness() === 'LE';

/** A message's tokens as stored: 8 bytes each, big-endian (the bytes of a typed array, swapped on this machine). */
export function encodeTokens(tokens: bigint[]): Buffer {
  const buf = Buffer.from(BigInt64Array.from(tokens).buffer);
  return LITTLE_ENDIAN ? buf.swap64() : buf;
}

export function decodeTokens(buf: Buffer): bigint[] {
  // Copied into a typed array of its own: the stored bytes need not be 8-byte aligned.
  const tokens = new BigInt64Array(Math.floor(buf.length / 8));
  const bytes = Buffer.from(tokens.buffer);
  buf.copy(bytes, 0, 0, bytes.length);
  if (LITTLE_ENDIAN) bytes.swap64();
  return Array.from(tokens);
}

/**
 * A posting list: the messages of one bucket that hold one token, as their offsets in the bucket (`ord −
 * bucket × 1,024`, 0–1,023), ascending, 2 bytes each, big-endian (so SQLite compares two of them as blobs in
 * the order of the numbers).
 */
export function decodeList(buf: Buffer | undefined): number[] {
  const out: number[] = [];
  if (buf) for (let i = 0; i + 2 <= buf.length; i += 2) out.push(buf.readUInt16BE(i));
  return out;
}

export function encodeList(offsets: number[]): Buffer {
  const buf = Buffer.allocUnsafe(offsets.length * 2);
  offsets.forEach((o, i) => buf.writeUInt16BE(o, i * 2));
  return buf;
}

/** `list` with `changes` applied (offset → whether the message now holds the token; the last change of an offset wins). */
export function changeList(list: Buffer | undefined, changes: Map<number, boolean>): Buffer {
  const held = new Set(decodeList(list));
  for (const [o, present] of changes) {
    if (present) held.add(o);
    else held.delete(o);
  }
  return encodeList([...held].sort((a, b) => a - b));
}

/** The offsets `changes` adds, ascending, when it only adds (new messages); null when it takes any out. */
function onlyAdded(changes: Map<number, boolean>): number[] | null {
  const added: number[] = [];
  for (const [o, present] of changes) {
    if (!present) return null;
    added.push(o);
  }
  return added.sort((a, b) => a - b);
}

/** A batch's changes to posting lists, by bucket and token, written in key order at the end of its transaction. */
class ListChanges {
  private readonly buckets = new Map<number, Map<bigint, Map<number, boolean>>>();

  set(ord: number, tokens: bigint[], held: boolean): void {
    if (!tokens.length) return;
    const bucket = bucketOf(ord);
    const offset = ord - bucket * BUCKET_SIZE;
    let lists = this.buckets.get(bucket);
    if (!lists) this.buckets.set(bucket, (lists = new Map()));
    for (const t of tokens) {
      let changes = lists.get(t);
      if (!changes) lists.set(t, (changes = new Map()));
      changes.set(offset, held);
    }
  }

  /** Every (bucket, token) changed, sorted as the table's key, with its changes. */
  *sorted(): Generator<[number, bigint, Map<number, boolean>]> {
    for (const bucket of [...this.buckets.keys()].sort((a, b) => a - b)) {
      const lists = this.buckets.get(bucket)!;
      for (const token of BigInt64Array.from(lists.keys()).sort()) yield [bucket, token, lists.get(token)!];
    }
  }
}

/** What changes in the postings when a message's tokens go from `old` to `next`. */
export function diffTokens(old: bigint[], next: bigint[] | null): { removed: bigint[]; added: bigint[] } {
  // A new message (most of a batch): all its tokens are added (they are distinct: a message's grams are).
  if (old.length === 0) return { removed: [], added: next ?? [] };
  const before = new Set(old);
  const after = new Set(next ?? []);
  return { removed: old.filter((t) => !after.has(t)), added: [...after].filter((t) => !before.has(t)) };
}

/**
 * Where an SQLite installation keeps its search index: beside the database, `parley.sqlite` →
 * `parley-search.sqlite` (with its own `-wal` and `-shm`).
 */
export function searchIndexPath(databasePath: string): string {
  const ext = extname(databasePath);
  return join(dirname(databasePath), `${basename(databasePath, ext)}-search${ext || '.sqlite'}`);
}

interface Statement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}
interface Db {
  prepare(sql: string): Statement;
  pragma(sql: string, options?: { simple?: boolean }): unknown;
  exec(sql: string): void;
  transaction<T>(fn: () => T): { immediate(): T };
  close(): void;
}
type DbConstructor = new (file: string, options?: { timeout?: number }) => Db;
const Database = createRequire(__filename)('better-sqlite3') as DbConstructor;

/** The index file's schema version (`PRAGMA user_version`). A file with another one is emptied and built again. */
const SCHEMA_VERSION = 2;
const TABLES = ['search_postings', 'search_docs', 'search_cursors', 'search_rooms', 'search_periods'];
const SCHEMA = [
  `CREATE TABLE search_periods (id INTEGER PRIMARY KEY AUTOINCREMENT, "keyId" varchar(32) NOT NULL UNIQUE, state varchar(16) NOT NULL, "createdAt" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')))`,
  `CREATE TABLE search_rooms (ord INTEGER PRIMARY KEY AUTOINCREMENT, "roomId" varchar(36) NOT NULL UNIQUE)`,
  `CREATE TABLE search_cursors (period INTEGER NOT NULL, "roomId" varchar(36) NOT NULL, "indexedRev" INTEGER NOT NULL, PRIMARY KEY (period, "roomId")) WITHOUT ROWID`,
  `CREATE TABLE search_docs (period INTEGER NOT NULL, ord INTEGER NOT NULL, tokens BLOB NOT NULL, PRIMARY KEY (period, ord)) WITHOUT ROWID`,
  // One row per bucket and token: its posting list (decodeList). Version 1 had one row per posting.
  `CREATE TABLE search_postings (bucket INTEGER NOT NULL, token INTEGER NOT NULL, ords BLOB NOT NULL, PRIMARY KEY (bucket, token)) WITHOUT ROWID`,
];

/**
 * The SQLite search index: a file of its own beside the database (searchIndexPath), the same tables as the
 * PostgreSQL schema's search_* (migration 1769000000000-search). It holds only what the indexer derives
 * from messages, so it has its own connection, its own write lock and its own schema version: writing a
 * batch of postings (tens of B-tree inserts a message) never holds the database's write lock, so the
 * send path's commits never wait for the indexer (nor, in the worker, share its thread). Deleting the
 * file is safe: it is built again from the messages.
 *
 * Synchronous, like better-sqlite3. The main thread's connection answers queries; a worker's connection
 * (search-index.worker.ts) writes.
 */
export class SqliteSearchFile {
  private readonly s: Record<string, Statement>;

  private constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      periods: p('SELECT id, "keyId", state FROM search_periods ORDER BY id'),
      addPeriod: p('INSERT OR IGNORE INTO search_periods ("keyId", state) VALUES (?, ?)'),
      setState: p('UPDATE search_periods SET state = ? WHERE id = ?'),
      deletePeriod: p('DELETE FROM search_periods WHERE id = ?'),
      deleteCursors: p('DELETE FROM search_cursors WHERE period = ?'),
      roomOrd: p('SELECT ord FROM search_rooms WHERE "roomId" = ?'),
      addRoom: p('INSERT OR IGNORE INTO search_rooms ("roomId") VALUES (?)'),
      cursors: p('SELECT "roomId", "indexedRev" FROM search_cursors WHERE period = ?'),
      cursor: p('SELECT "indexedRev" FROM search_cursors WHERE period = ? AND "roomId" = ?'),
      setCursor: p('INSERT INTO search_cursors (period, "roomId", "indexedRev") VALUES (?, ?, ?) ON CONFLICT (period, "roomId") DO UPDATE SET "indexedRev" = excluded."indexedRev"'),
      doc: p('SELECT tokens FROM search_docs WHERE period = ? AND ord = ?'),
      putDoc: p('INSERT INTO search_docs (period, ord, tokens) VALUES (?, ?, ?) ON CONFLICT (period, ord) DO UPDATE SET tokens = excluded.tokens'),
      deleteDoc: p('DELETE FROM search_docs WHERE period = ? AND ord = ?'),
      periodDocs: p('SELECT ord, tokens FROM search_docs WHERE period = ? LIMIT ?'),
      list: p('SELECT ords FROM search_postings WHERE bucket = ? AND token = ?'),
      // New messages' offsets are above every offset the list holds: appended in the database, no read. The
      // WHERE refuses (0 changes) when they are not, and the list is then read, changed and written.
      appendList: p(
        'INSERT INTO search_postings (bucket, token, ords) VALUES (?, ?, ?) ON CONFLICT (bucket, token) DO UPDATE SET ords = CAST(search_postings.ords || excluded.ords AS BLOB) WHERE substr(search_postings.ords, -2) < substr(excluded.ords, 1, 2)',
      ),
      putList: p('INSERT INTO search_postings (bucket, token, ords) VALUES (?, ?, ?) ON CONFLICT (bucket, token) DO UPDATE SET ords = excluded.ords'),
      deleteList: p('DELETE FROM search_postings WHERE bucket = ? AND token = ?'),
      listLength: p('SELECT length(ords) / 2 AS n FROM search_postings WHERE bucket = ? AND token = ?'),
      roomPostings: p('DELETE FROM search_postings WHERE bucket BETWEEN ? AND ?'),
      roomDocs: p('DELETE FROM search_docs WHERE ord BETWEEN ? AND ?'),
      roomCursors: p('DELETE FROM search_cursors WHERE "roomId" = ?'),
    };
  }

  /**
   * Opens the index file, creating it (or emptying it for a build from scratch after a schema change). A file
   * that is not a readable SQLite database (damaged, or something else under that name) is deleted and
   * created again: it only ever holds what the indexer can rebuild.
   */
  static open(file: string, onRebuild?: (reason: string) => void): SqliteSearchFile {
    try {
      return SqliteSearchFile.openOnce(file);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'SQLITE_CORRUPT' && code !== 'SQLITE_NOTADB') throw err;
      onRebuild?.(`${(err as Error).message} (${code})`);
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      return SqliteSearchFile.openOnce(file);
    }
  }

  private static openOnce(file: string): SqliteSearchFile {
    const db = new Database(file, { timeout: 5000 });
    try {
      db.pragma('journal_mode = WAL');
      // The index is derived data: after a power cut it may lose its last batches (the cursors go back with
      // them, so they are indexed again), never its consistency.
      db.pragma('synchronous = NORMAL');
      // A batch rewrites pages all over its rooms' newest buckets, and the next batches rewrite the same pages:
      // checkpointing every 32 MB of log instead of SQLite's 4 MB copies each page back once for many commits
      // (5-15 % less work a message in batches of 16, measured on a 10-room backlog).
      db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
      db.transaction(() => {
        const version = db.pragma('user_version', { simple: true }) as number;
        if (version === SCHEMA_VERSION) return;
        for (const table of TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
        for (const sql of SCHEMA) db.exec(sql);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      }).immediate();
    } catch (err) {
      db.close();
      throw err;
    }
    return new SqliteSearchFile(db);
  }

  close(): void {
    this.db.close();
  }

  periods(): SearchPeriod[] {
    return this.s.periods.all() as SearchPeriod[];
  }

  addPeriod(keyId: string, state: PeriodState): void {
    this.s.addPeriod.run(keyId, state);
  }

  setState(id: number, state: PeriodState): void {
    this.s.setState.run(state, id);
  }

  deletePeriod(id: number): void {
    this.db
      .transaction(() => {
        this.s.deleteCursors.run(id);
        this.s.deletePeriod.run(id);
      })
      .immediate();
  }

  /** The ordinals of the rooms that have one (the others are left out). */
  knownRoomOrds(roomIds: string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const id of roomIds) {
      const row = this.s.roomOrd.get(id) as { ord: number } | undefined;
      if (row) out.set(id, row.ord);
    }
    return out;
  }

  /** Gives these rooms an ordinal unless they have one. */
  addRooms(roomIds: string[]): void {
    this.db.transaction(() => roomIds.forEach((id) => this.s.addRoom.run(id))).immediate();
  }

  cursors(period: number): Map<string, number> {
    return new Map((this.s.cursors.all(period) as { roomId: string; indexedRev: number }[]).map((r) => [r.roomId, r.indexedRev]));
  }

  /** Token functions by index key (hex), each with its cache of grams. */
  private readonly tokens = new Map<string, (gram: string) => bigint>();

  /** Indexes a batch under the period's index key (its tokens computed here: in the worker, off the event loop). */
  apply(period: number, key: Uint8Array, roomId: string, fromRev: number, toRev: number, texts: DocText[]): boolean {
    const hex = Buffer.from(key).toString('hex');
    if (!this.tokens.has(hex)) this.tokens.set(hex, tokenFunction(Buffer.from(key)));
    const docs = docChanges(texts, this.tokens.get(hex)!);
    return this.db
      .transaction(() => {
        const at = (this.s.cursor.get(period, roomId) as { indexedRev: number } | undefined)?.indexedRev ?? 0;
        if (at !== fromRev) return false;
        const lists = new ListChanges();
        for (const doc of docs) {
          const old = this.s.doc.get(period, doc.ord) as { tokens: Buffer } | undefined;
          const { removed, added } = diffTokens(old ? decodeTokens(old.tokens) : [], doc.tokens);
          lists.set(doc.ord, removed, false);
          lists.set(doc.ord, added, true);
          if (doc.tokens) this.s.putDoc.run(period, doc.ord, encodeTokens(doc.tokens));
          else if (old) this.s.deleteDoc.run(period, doc.ord);
        }
        this.writeLists(lists);
        this.s.setCursor.run(period, roomId, toRev);
        return true;
      })
      .immediate();
  }

  /** Forgets everything indexed of a room, under every key period: it is indexed again from the start. */
  resetRoom(roomId: string, lo: number, hi: number): void {
    this.db
      .transaction(() => {
        this.s.roomPostings.run(bucketOf(lo), bucketOf(hi));
        this.s.roomDocs.run(lo, hi);
        this.s.roomCursors.run(roomId);
      })
      .immediate();
  }

  dropDocs(period: number, limit: number): number {
    return this.db
      .transaction(() => {
        const docs = this.s.periodDocs.all(period, limit) as { ord: number; tokens: Buffer }[];
        const lists = new ListChanges();
        for (const doc of docs) {
          lists.set(doc.ord, decodeTokens(doc.tokens), false);
          this.s.deleteDoc.run(period, doc.ord);
        }
        this.writeLists(lists);
        return docs.length;
      })
      .immediate();
  }

  /**
   * Applies a batch's changes to the posting lists it touched, in key order: one statement per (bucket, token)
   * for new messages (two, a read and a write, for edits and deletions), however many of the batch's messages
   * hold the token. (One row per posting made a write per posting, tens a message, and a batch's commit
   * rewrote pages all over its room's newest bucket.)
   */
  private writeLists(lists: ListChanges): void {
    for (const [bucket, token, changes] of lists.sorted()) {
      const added = onlyAdded(changes);
      if (added && this.s.appendList.run(bucket, token, encodeList(added)).changes > 0) continue;
      const row = this.s.list.get(bucket, token) as { ords: Buffer } | undefined;
      const next = changeList(row?.ords, changes);
      if (next.length) this.s.putList.run(bucket, token, next);
      else if (row) this.s.deleteList.run(bucket, token);
    }
  }

  private offsets(bucket: number, token: bigint): number[] {
    return decodeList((this.s.list.get(bucket, token) as { ords: Buffer } | undefined)?.ords);
  }

  rarity(token: bigint, buckets: number[], cap: number): number {
    let n = 0;
    for (const b of buckets) if (n < cap) n += Math.min(cap - n, (this.s.listLength.get(b, token) as { n: number } | undefined)?.n ?? 0);
    return n;
  }

  walk(token: bigint, lo: number, hi: number, limit: number): number[] {
    const out: number[] = [];
    // A room's buckets, newest first: one seek each (about a microsecond when the token is not there).
    for (let b = bucketOf(hi); b >= bucketOf(lo) && out.length < limit; b--) {
      const offsets = this.offsets(b, token);
      for (let i = offsets.length - 1; i >= 0 && out.length < limit; i--) {
        const ord = b * BUCKET_SIZE + offsets[i];
        if (ord >= lo && ord <= hi) out.push(ord);
      }
    }
    return out;
  }

  present(token: bigint, ords: number[]): Set<number> {
    const out = new Set<number>();
    const byBucket = new Map<number, number[]>();
    for (const o of ords) byBucket.set(bucketOf(o), [...(byBucket.get(bucketOf(o)) ?? []), o]);
    for (const [bucket, some] of byBucket) {
      const held = new Set(this.offsets(bucket, token));
      for (const o of some) if (held.has(o - bucket * BUCKET_SIZE)) out.add(o);
    }
    return out;
  }
}

/** Runs one write on the index file (in the worker, or on the main thread where it cannot start). */
export function runWrite(file: SqliteSearchFile, write: SearchIndexWrite): unknown {
  switch (write.op) {
    case 'addPeriod':
      return file.addPeriod(...write.args);
    case 'setState':
      return file.setState(...write.args);
    case 'deletePeriod':
      return file.deletePeriod(...write.args);
    case 'addRooms':
      return file.addRooms(...write.args);
    case 'apply':
      return file.apply(...write.args);
    case 'dropDocs':
      return file.dropDocs(...write.args);
    case 'resetRoom':
      return file.resetRoom(...write.args);
  }
}
