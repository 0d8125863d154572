import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerReady } from '../database/worker-ready';
import { DataSource } from 'typeorm';
import { docChanges, DocText, tokenFunction } from './search-tokens';

export type { DocChange, DocText } from './search-tokens';
import { bucketOf, decodeTokens, diffTokens as diff, encodeTokens, runWrite, SearchFileWrite, searchIndexPath, SqliteSearchFile } from './sqlite-search-file';

export { bucketOf, BUCKET_SIZE, decodeTokens, encodeTokens } from './sqlite-search-file';

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
  apply(period: number, key: Buffer, roomId: string, fromRev: number, toRev: number, docs: DocText[]): Promise<boolean>;
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

class SearchFileWriter {
  private readonly logger = new Logger('SearchIndex');
  private worker: Promise<Worker | null> | null = null;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly local: SqliteSearchFile,
  ) {}

  async write(write: SearchFileWrite): Promise<unknown> {
    if (this.closed) throw new Error('The search index is closed');
    const worker = await (this.worker ??= this.start());
    if (!worker) return runWrite(this.local, write);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...write });
    });
  }

  private async start(): Promise<Worker | null> {
    if (!existsSync(WORKER_FILE)) return null;
    const worker = new Worker(WORKER_FILE, { workerData: { file: this.file } });
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
  private readonly writer: SearchFileWriter;

  constructor(file: string) {
    this.index = SqliteSearchFile.open(file, (reason) => new Logger('SearchIndex').warn(`The search index file ${file} was unreadable (${reason}); it is built again`));
    this.writer = new SearchFileWriter(file, this.index);
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

  async apply(period: number, key: Buffer, roomId: string, fromRev: number, toRev: number, docs: DocText[]): Promise<boolean> {
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
// PostgreSQL: set-based statements over arrays; a batch is one transaction that locks the room's cursor row.
// Tokens travel as decimal strings (node-postgres has no bigint parameter type of its own).
// ---------------------------------------------------------------------------------------------------

interface PgClient {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}
interface PgPool extends PgClient {
  connect(): Promise<PgClient & { release(): void }>;
}

/** Postings as three parallel arrays, for set-based statements. */
class Postings {
  static readonly UNNEST = 'unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS d(bucket, token, ord)';
  static readonly MATCH = 'p.bucket = d.bucket AND p.token = d.token AND p.ord = d.ord';
  readonly b: number[] = [];
  readonly t: string[] = [];
  readonly o: number[] = [];

  push(token: bigint, ord: number): void {
    this.b.push(bucketOf(ord));
    this.t.push(token.toString());
    this.o.push(ord);
  }

  values(): unknown[] {
    return [this.b, this.t, this.o];
  }
}

class PostgresSearchStore implements SearchStore {
  private readonly pool: PgPool;

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: PgPool }).master;
  }

  private async tx<T>(fn: (c: PgClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
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

  private readonly tokens = new Map<string, (gram: string) => bigint>();

  apply(period: number, key: Buffer, roomId: string, fromRev: number, toRev: number, texts: DocText[]): Promise<boolean> {
    const keyHex = key.toString('hex');
    if (!this.tokens.has(keyHex)) this.tokens.set(keyHex, tokenFunction(key));
    const docs = docChanges(texts, this.tokens.get(keyHex)!);
    return this.tx(async (c) => {
      await c.query('INSERT INTO search_cursors (period, "roomId", "indexedRev") VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [period, roomId]);
      const { rows } = await c.query('SELECT "indexedRev" FROM search_cursors WHERE period = $1 AND "roomId" = $2 FOR UPDATE', [period, roomId]);
      if (Number(rows[0].indexedRev) !== fromRev) return false;
      const ords = docs.map((d) => d.ord);
      const old = new Map(
        (await c.query('SELECT ord, tokens FROM search_docs WHERE period = $1 AND ord = ANY($2::bigint[])', [period, ords])).rows.map((r) => [Number(r.ord), decodeTokens(r.tokens as Buffer)]),
      );
      const del = new Postings();
      const add = new Postings();
      for (const doc of docs) {
        const { removed, added } = diff(old.get(doc.ord) ?? [], doc.tokens);
        for (const t of removed) del.push(t, doc.ord);
        for (const t of added) add.push(t, doc.ord);
      }
      if (del.t.length) await c.query(`DELETE FROM search_postings p USING ${Postings.UNNEST} WHERE ${Postings.MATCH}`, del.values());
      if (add.t.length) await c.query(`INSERT INTO search_postings (bucket, token, ord) SELECT * FROM ${Postings.UNNEST} ORDER BY 1, 2, 3 ON CONFLICT DO NOTHING`, add.values());
      const kept = docs.filter((d) => d.tokens);
      if (kept.length) {
        await c.query(
          'INSERT INTO search_docs (period, ord, tokens) SELECT $1, * FROM unnest($2::bigint[], $3::bytea[]) ON CONFLICT (period, ord) DO UPDATE SET tokens = EXCLUDED.tokens',
          [period, kept.map((d) => d.ord), kept.map((d) => encodeTokens(d.tokens!))],
        );
      }
      const gone = docs.filter((d) => !d.tokens && old.has(d.ord)).map((d) => d.ord);
      if (gone.length) await c.query('DELETE FROM search_docs WHERE period = $1 AND ord = ANY($2::bigint[])', [period, gone]);
      await c.query('UPDATE search_cursors SET "indexedRev" = $3 WHERE period = $1 AND "roomId" = $2', [period, roomId, toRev]);
      return true;
    });
  }

  async resetRoom(roomId: string, lo: number, hi: number): Promise<void> {
    await this.tx(async (c) => {
      await c.query('DELETE FROM search_postings WHERE bucket BETWEEN $1 AND $2', [bucketOf(lo), bucketOf(hi)]);
      await c.query('DELETE FROM search_docs WHERE ord BETWEEN $1 AND $2', [lo, hi]);
      await c.query('DELETE FROM search_cursors WHERE "roomId" = $1', [roomId]);
    });
  }

  dropDocs(period: number, limit: number): Promise<number> {
    return this.tx(async (c) => {
      const { rows } = await c.query('SELECT ord, tokens FROM search_docs WHERE period = $1 LIMIT $2 FOR UPDATE SKIP LOCKED', [period, limit]);
      const del = new Postings();
      for (const r of rows) for (const token of decodeTokens(r.tokens as Buffer)) del.push(token, Number(r.ord));
      if (del.t.length) await c.query(`DELETE FROM search_postings p USING ${Postings.UNNEST} WHERE ${Postings.MATCH}`, del.values());
      if (rows.length) await c.query('DELETE FROM search_docs WHERE period = $1 AND ord = ANY($2::bigint[])', [period, rows.map((r) => r.ord)]);
      return rows.length;
    });
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
    // The pool is TypeORM's.
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
