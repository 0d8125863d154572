import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerReady } from '../database/worker-ready';
import { DataSource } from 'typeorm';
import { PgClient, PgPool, pgTransaction, PgSearchWrites, runPgWrite, SearchIndexWrite } from './search-index-writes';
import { DocText } from './search-tokens';
import { bucketOf, runWrite, searchIndexPath, SqliteSearchFile } from './sqlite-search-file';

export type { DocText } from './search-tokens';

export { bucketOf } from './sqlite-search-file';

/**
 * The search module's tables. They hold only what the indexer derives from messages: `db:copy` leaves them
 * out and the server on the new database builds the index again. On PostgreSQL they are in the database; an
 * SQLite installation keeps them in a file of its own beside the database (searchIndexPath) since migration
 * 1776000000000-search-index-file, which dropped them from the database.
 */
export const SEARCH_INDEX_TABLES = ['search_cursors', 'search_docs', 'search_periods', 'search_postings', 'search_rooms'];

/** A key period's state: `ready` ones answer queries; a `building` one is filled after a rotation; `retiring` ones are being dropped. */
export type PeriodState = 'ready' | 'building' | 'retiring';

export interface SearchPeriod {
  id: number;
  keyId: string;
  state: PeriodState;
}

/**
 * The search module's tables (migration 1769000000000-search), for SQLite and PostgreSQL. Nothing here
 * knows what a token means: the indexer and the queries compute them.
 */
export interface SearchStore {
  periods(): Promise<SearchPeriod[]>;
  /** Adds a key period unless one exists for that data key. */
  addPeriod(keyId: string, state: PeriodState): Promise<void>;
  setState(id: number, state: PeriodState): Promise<void>;
  deletePeriod(id: number): Promise<void>;
  /** Each room's ordinal, given on first use (the high part of its messages' ordinals). */
  roomOrds(roomIds: string[]): Promise<Map<string, number>>;
  /** The indexed rev of every room the period has a cursor for. */
  cursors(period: number): Promise<Map<string, number>>;
  /**
   * Indexes a batch of one room under the period's index key (`key`) in one transaction and moves the room's
   * cursor from `fromRev` to `toRev`; does nothing and answers false when the cursor is no longer at `fromRev`
   * (another process indexed it first).
   */
  apply(period: number, key: Uint8Array, roomId: string, fromRev: number, toRev: number, docs: DocText[]): Promise<boolean>;
  /**
   * Forgets everything indexed of a room (its ordinals lo..hi), under every key period, and its cursors: it is
   * indexed again from the start. For an index ahead of the database (a restored backup).
   */
  resetRoom(roomId: string, lo: number, hi: number): Promise<void>;
  /** Removes up to `limit` messages of a period from the index; answers how many it removed (0: the period is empty). */
  dropDocs(period: number, limit: number): Promise<number>;
  /** How many postings a token has in these buckets, counting no further than `cap`. */
  rarity(token: bigint, buckets: number[], cap: number): Promise<number>;
  /**
   * The token's ordinals in [lo, hi], highest first, at most `limit`; `lo` and `hi` in the same room. Fewer
   * than `limit` means there are no more.
   */
  walk(token: bigint, lo: number, hi: number, limit: number): Promise<number[]>;
  /** Which of `ords` have the token. */
  present(token: bigint, ords: number[]): Promise<Set<number>>;
  /** Stops writing (waits for the write in progress) and closes the connections. */
  close(): Promise<void>;
}

export function searchStore(dataSource: DataSource): SearchStore {
  if (dataSource.options.type === 'postgres') return new PostgresSearchStore(dataSource);
  return new SqliteSearchStore(searchIndexPath(String(dataSource.options.database)));
}

// ---------------------------------------------------------------------------------------------------
// SQLite: the index is a file of its own (SqliteSearchFile). Queries read it on the main thread's
// connection (synchronous, a few microseconds a statement); writes go to a worker thread with its own
// connection, so a batch's postings are written off the event loop and never under the database's write
// lock. Where the worker's compiled file is absent (unit tests run the TypeScript sources) or it cannot
// start, the main thread's connection writes instead.
// ---------------------------------------------------------------------------------------------------

const WORKER_FILE = join(__dirname, 'search-index.worker.js');

/** What the index worker writes to: the SQLite index file, or the PostgreSQL database (on a pool of its own). */
export type SearchIndexTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/**
 * The index worker, seen from the main thread: writes in, answers out, in order. Started on the first write;
 * one that exits is started again by the next write (the writes in flight fail, and their batches are indexed
 * again: the cursors did not move). Where it cannot start, `local` runs the writes on the main thread.
 */
class SearchIndexWorker {
  private readonly logger = new Logger('SearchIndex');
  private worker: Promise<Worker | null> | null = null;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly target: SearchIndexTarget,
    private readonly local: (write: SearchIndexWrite) => unknown,
  ) {}

  async write(write: SearchIndexWrite): Promise<unknown> {
    if (this.closed) throw new Error('The search index is closed');
    const worker = await (this.worker ??= this.start());
    if (!worker) return this.local(write);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...write });
    });
  }

  private async start(): Promise<Worker | null> {
    if (!existsSync(WORKER_FILE)) return null;
    const worker = new Worker(WORKER_FILE, { workerData: this.target });
    try {
      await workerReady(worker);
    } catch (err) {
      this.logger.warn(`The search index worker did not start (${(err as Error).message}); the main thread writes the index`);
      await worker.terminate();
      return null;
    }
    worker.unref();
    worker.on('message', (m: { id: number; value?: unknown; error?: string }) => {
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error !== undefined) waiting?.reject(new Error(m.error));
      else waiting?.resolve(m.value);
    });
    worker.on('error', (err) => this.logger.error(`The search index worker failed: ${err.stack ?? err.message}`));
    worker.on('exit', (code) => {
      // Writes in flight fail (their batches are indexed again: the cursor did not move); the next write starts a new worker.
      for (const { reject } of this.pending.values()) reject(new Error(`The search index worker exited (code ${code})`));
      this.pending.clear();
      this.worker = null;
    });
    return worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = await this.worker;
    this.worker = null;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('stop');
    await exited;
  }
}

class SqliteSearchStore implements SearchStore {
  private readonly index: SqliteSearchFile;
  private readonly writer: SearchIndexWorker;

  constructor(file: string) {
    this.index = SqliteSearchFile.open(file, (reason) => new Logger('SearchIndex').warn(`The search index file ${file} was unreadable (${reason}); it is built again`));
    this.writer = new SearchIndexWorker({ kind: 'sqlite', file }, (w) => runWrite(this.index, w));
  }

  async periods(): Promise<SearchPeriod[]> {
    return this.index.periods();
  }

  async addPeriod(keyId: string, state: PeriodState): Promise<void> {
    await this.writer.write({ op: 'addPeriod', args: [keyId, state] });
  }

  async setState(id: number, state: PeriodState): Promise<void> {
    await this.writer.write({ op: 'setState', args: [id, state] });
  }

  async deletePeriod(id: number): Promise<void> {
    await this.writer.write({ op: 'deletePeriod', args: [id] });
  }

  async roomOrds(roomIds: string[]): Promise<Map<string, number>> {
    const known = this.index.knownRoomOrds(roomIds);
    const missing = roomIds.filter((id) => !known.has(id));
    if (!missing.length) return known;
    await this.writer.write({ op: 'addRooms', args: [missing] });
    for (const [id, ord] of this.index.knownRoomOrds(missing)) known.set(id, ord);
    return known;
  }

  async cursors(period: number): Promise<Map<string, number>> {
    return this.index.cursors(period);
  }

  async apply(period: number, key: Uint8Array, roomId: string, fromRev: number, toRev: number, docs: DocText[]): Promise<boolean> {
    return (await this.writer.write({ op: 'apply', args: [period, key, roomId, fromRev, toRev, docs] })) as boolean;
  }

  async dropDocs(period: number, limit: number): Promise<number> {
    return (await this.writer.write({ op: 'dropDocs', args: [period, limit] })) as number;
  }

  async resetRoom(roomId: string, lo: number, hi: number): Promise<void> {
    await this.writer.write({ op: 'resetRoom', args: [roomId, lo, hi] });
  }

  async rarity(token: bigint, buckets: number[], cap: number): Promise<number> {
    return this.index.rarity(token, buckets, cap);
  }

  async walk(token: bigint, lo: number, hi: number, limit: number): Promise<number[]> {
    return this.index.walk(token, lo, hi, limit);
  }

  async present(token: bigint, ords: number[]): Promise<Set<number>> {
    return this.index.present(token, ords);
  }

  async close(): Promise<void> {
    await this.writer.close();
    this.index.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL: set-based statements over arrays (search-index-writes.ts); a batch is one transaction that
// locks the room's cursor row. The batch's tokens and postings are computed and written by the index worker
// on a pool of its own; queries and the light writes run on TypeORM's pool.
// ---------------------------------------------------------------------------------------------------

class PostgresSearchStore implements SearchStore {
  private readonly pool: PgPool;
  private readonly writer: SearchIndexWorker;

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: PgPool }).master;
    const local = new PgSearchWrites(this.pool);
    this.writer = new SearchIndexWorker({ kind: 'postgres', url: String((dataSource.options as { url?: string }).url) }, (w) => runPgWrite(local, w));
  }

  private async tx<T>(fn: (c: PgClient) => Promise<T>): Promise<T> {
    return pgTransaction(this.pool, fn);
  }

  async apply(period: number, key: Uint8Array, roomId: string, fromRev: number, toRev: number, docs: DocText[]): Promise<boolean> {
    return (await this.writer.write({ op: 'apply', args: [period, key, roomId, fromRev, toRev, docs] })) as boolean;
  }

  async resetRoom(roomId: string, lo: number, hi: number): Promise<void> {
    await this.writer.write({ op: 'resetRoom', args: [roomId, lo, hi] });
  }

  async dropDocs(period: number, limit: number): Promise<number> {
    return (await this.writer.write({ op: 'dropDocs', args: [period, limit] })) as number;
  }

  async periods(): Promise<SearchPeriod[]> {
    const { rows } = await this.pool.query('SELECT id, "keyId", state FROM search_periods ORDER BY id');
    return rows as unknown as SearchPeriod[];
  }

  async addPeriod(keyId: string, state: PeriodState): Promise<void> {
    await this.pool.query('INSERT INTO search_periods ("keyId", state) VALUES ($1, $2) ON CONFLICT ("keyId") DO NOTHING', [keyId, state]);
  }

  async setState(id: number, state: PeriodState): Promise<void> {
    await this.pool.query('UPDATE search_periods SET state = $1 WHERE id = $2', [state, id]);
  }

  async deletePeriod(id: number): Promise<void> {
    await this.tx(async (c) => {
      await c.query('DELETE FROM search_cursors WHERE period = $1', [id]);
      await c.query('DELETE FROM search_periods WHERE id = $1', [id]);
    });
  }

  async roomOrds(roomIds: string[]): Promise<Map<string, number>> {
    if (!roomIds.length) return new Map();
    const read = async () => (await this.pool.query('SELECT "roomId", ord FROM search_rooms WHERE "roomId" = ANY($1::uuid[])', [roomIds])).rows as { roomId: string; ord: number }[];
    let rows = await read();
    if (rows.length < roomIds.length) {
      const known = new Set(rows.map((r) => r.roomId));
      const missing = roomIds.filter((id) => !known.has(id)).sort();
      await this.pool.query('INSERT INTO search_rooms ("roomId") SELECT unnest($1::uuid[]) ON CONFLICT ("roomId") DO NOTHING', [missing]);
      rows = await read();
    }
    return new Map(rows.map((r) => [r.roomId, Number(r.ord)]));
  }

  async cursors(period: number): Promise<Map<string, number>> {
    const { rows } = await this.pool.query('SELECT "roomId", "indexedRev" FROM search_cursors WHERE period = $1', [period]);
    return new Map(rows.map((r) => [r.roomId as string, Number(r.indexedRev)]));
  }

  async rarity(token: bigint, buckets: number[], cap: number): Promise<number> {
    if (!buckets.length) return 0;
    const { rows } = await this.pool.query('SELECT count(*)::int AS n FROM (SELECT 1 FROM search_postings WHERE bucket = ANY($1::bigint[]) AND token = $2 LIMIT $3) t', [
      buckets,
      token.toString(),
      cap,
    ]);
    return Number(rows[0].n);
  }

  async walk(token: bigint, lo: number, hi: number, limit: number): Promise<number[]> {
    const out: number[] = [];
    // A room's buckets newest first, 16 to a round trip (one index seek each), until enough are found.
    for (let b = bucketOf(hi); b >= bucketOf(lo) && out.length < limit; b -= 16) {
      const buckets = Array.from({ length: Math.min(16, b - bucketOf(lo) + 1) }, (_, i) => b - i);
      const { rows } = await this.pool.query(
        `SELECT p.ord FROM unnest($1::bigint[]) WITH ORDINALITY AS b(bucket, n)
           CROSS JOIN LATERAL (SELECT ord FROM search_postings WHERE bucket = b.bucket AND token = $2 AND ord BETWEEN $3 AND $4 ORDER BY ord DESC LIMIT $5) p
          ORDER BY b.n, p.ord DESC LIMIT $5`,
        [buckets, token.toString(), lo, hi, limit - out.length],
      );
      for (const r of rows) out.push(Number(r.ord));
    }
    return out;
  }

  async close(): Promise<void> {
    // The main pool is TypeORM's; the worker has its own.
    await this.writer.close();
  }

  async present(token: bigint, ords: number[]): Promise<Set<number>> {
    if (!ords.length) return new Set();
    const { rows } = await this.pool.query(
      'SELECT p.ord FROM unnest($1::bigint[], $2::bigint[]) AS d(bucket, ord) JOIN search_postings p ON p.bucket = d.bucket AND p.token = $3 AND p.ord = d.ord',
      [ords.map(bucketOf), ords, token.toString()],
    );
    return new Set(rows.map((r) => Number(r.ord)));
  }
}
