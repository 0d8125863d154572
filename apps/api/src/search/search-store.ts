import { DataSource } from 'typeorm';
import { BetterSqliteDb, sqliteConnection, SqliteStatement } from '../database/sqlite-connection';

/**
 * The search module's tables. They hold only what the indexer derives from messages: `db:copy` leaves them
 * out and the server on the new database builds the index again.
 */
export const SEARCH_INDEX_TABLES = ['search_cursors', 'search_docs', 'search_periods', 'search_postings', 'search_rooms'];

/** A key period's state: `ready` ones answer queries; a `building` one is filled after a rotation; `retiring` ones are being dropped. */
export type PeriodState = 'ready' | 'building' | 'retiring';

export interface SearchPeriod {
  id: number;
  keyId: string;
  state: PeriodState;
}

/** One message's entry in a batch: its tokens, or null to take it out of the index (deleted, a system line). */
export interface DocChange {
  ord: number;
  tokens: bigint[] | null;
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
   * Applies a batch of one room in one transaction and moves the room's cursor from `fromRev` to `toRev`; does
   * nothing and answers false when the cursor is no longer at `fromRev` (another process indexed it first).
   */
  apply(period: number, roomId: string, fromRev: number, toRev: number, docs: DocChange[]): Promise<boolean>;
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
}

export function searchStore(dataSource: DataSource): SearchStore {
  return dataSource.options.type === 'postgres' ? new PostgresSearchStore(dataSource) : new SqliteSearchStore(sqliteConnection(dataSource));
}

/** Postings are grouped by 1,024 consecutive messages of a room: `ord / 1024` (a room's ordinal range is a multiple of it). */
export const BUCKET_SIZE = 1024;
export const bucketOf = (ord: number) => Math.floor(ord / BUCKET_SIZE);

export function encodeTokens(tokens: bigint[]): Buffer {
  const buf = Buffer.alloc(tokens.length * 8);
  tokens.forEach((t, i) => buf.writeBigInt64BE(t, i * 8));
  return buf;
}

export function decodeTokens(buf: Buffer): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i + 8 <= buf.length; i += 8) out.push(buf.readBigInt64BE(i));
  return out;
}

/** What changes in the postings when a message's tokens go from `old` to `next`. */
function diff(old: bigint[], next: bigint[] | null): { removed: bigint[]; added: bigint[] } {
  const before = new Set(old);
  const after = new Set(next ?? []);
  return { removed: old.filter((t) => !after.has(t)), added: [...after].filter((t) => !before.has(t)) };
}

// ---------------------------------------------------------------------------------------------------
// SQLite: synchronous statements; a batch is one IMMEDIATE transaction, started once no other is open on
// the shared connection (as the message store does), so it never folds into someone else's.
// ---------------------------------------------------------------------------------------------------

class SqliteSearchStore implements SearchStore {
  private readonly s: Record<string, SqliteStatement>;

  constructor(private readonly db: BetterSqliteDb) {
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
      addPosting: p('INSERT OR IGNORE INTO search_postings (bucket, token, ord) VALUES (?, ?, ?)'),
      deletePosting: p('DELETE FROM search_postings WHERE bucket = ? AND token = ? AND ord = ?'),
      rarity: p('SELECT count(*) AS n FROM (SELECT 1 FROM search_postings WHERE bucket = ? AND token = ? LIMIT ?)'),
      walk: p('SELECT ord FROM search_postings WHERE bucket = ? AND token = ? AND ord BETWEEN ? AND ? ORDER BY ord DESC LIMIT ?'),
      present: p('SELECT ord FROM search_postings WHERE bucket = ? AND token = ? AND ord IN (SELECT value FROM json_each(?))'),
    };
  }

  private async exclusive<T>(fn: () => T): Promise<T> {
    while (this.db.inTransaction) await new Promise((r) => setImmediate(r));
    return this.db.transaction(fn).immediate();
  }

  async periods(): Promise<SearchPeriod[]> {
    return this.s.periods.all() as SearchPeriod[];
  }

  async addPeriod(keyId: string, state: PeriodState): Promise<void> {
    await this.exclusive(() => this.s.addPeriod.run(keyId, state));
  }

  async setState(id: number, state: PeriodState): Promise<void> {
    await this.exclusive(() => this.s.setState.run(state, id));
  }

  async deletePeriod(id: number): Promise<void> {
    await this.exclusive(() => {
      this.s.deleteCursors.run(id);
      this.s.deletePeriod.run(id);
    });
  }

  async roomOrds(roomIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const id of roomIds) {
      const row = this.s.roomOrd.get(id) as { ord: number } | undefined;
      if (row) out.set(id, row.ord);
      else missing.push(id);
    }
    if (missing.length) {
      await this.exclusive(() => missing.forEach((id) => this.s.addRoom.run(id)));
      for (const id of missing) out.set(id, (this.s.roomOrd.get(id) as { ord: number }).ord);
    }
    return out;
  }

  async cursors(period: number): Promise<Map<string, number>> {
    return new Map((this.s.cursors.all(period) as { roomId: string; indexedRev: number }[]).map((r) => [r.roomId, r.indexedRev]));
  }

  apply(period: number, roomId: string, fromRev: number, toRev: number, docs: DocChange[]): Promise<boolean> {
    return this.exclusive(() => {
      const at = (this.s.cursor.get(period, roomId) as { indexedRev: number } | undefined)?.indexedRev ?? 0;
      if (at !== fromRev) return false;
      for (const doc of docs) {
        const old = this.s.doc.get(period, doc.ord) as { tokens: Buffer } | undefined;
        const { removed, added } = diff(old ? decodeTokens(old.tokens) : [], doc.tokens);
        const bucket = bucketOf(doc.ord);
        for (const t of removed) this.s.deletePosting.run(bucket, t, doc.ord);
        for (const t of added) this.s.addPosting.run(bucket, t, doc.ord);
        if (doc.tokens) this.s.putDoc.run(period, doc.ord, encodeTokens(doc.tokens));
        else if (old) this.s.deleteDoc.run(period, doc.ord);
      }
      this.s.setCursor.run(period, roomId, toRev);
      return true;
    });
  }

  dropDocs(period: number, limit: number): Promise<number> {
    return this.exclusive(() => {
      const docs = this.s.periodDocs.all(period, limit) as { ord: number; tokens: Buffer }[];
      for (const doc of docs) {
        for (const t of decodeTokens(doc.tokens)) this.s.deletePosting.run(bucketOf(doc.ord), t, doc.ord);
        this.s.deleteDoc.run(period, doc.ord);
      }
      return docs.length;
    });
  }

  async rarity(token: bigint, buckets: number[], cap: number): Promise<number> {
    let n = 0;
    for (const b of buckets) if (n < cap) n += (this.s.rarity.get(b, token, cap - n) as { n: number }).n;
    return n;
  }

  async walk(token: bigint, lo: number, hi: number, limit: number): Promise<number[]> {
    const out: number[] = [];
    // A room's buckets, newest first: one seek each (about a microsecond when the token is not there).
    for (let b = bucketOf(hi); b >= bucketOf(lo) && out.length < limit; b--) {
      for (const r of this.s.walk.all(b, token, lo, hi, limit - out.length) as { ord: number }[]) out.push(r.ord);
    }
    return out;
  }

  async present(token: bigint, ords: number[]): Promise<Set<number>> {
    const out = new Set<number>();
    const byBucket = new Map<number, number[]>();
    for (const o of ords) byBucket.set(bucketOf(o), [...(byBucket.get(bucketOf(o)) ?? []), o]);
    for (const [bucket, some] of byBucket) for (const r of this.s.present.all(bucket, token, JSON.stringify(some)) as { ord: number }[]) out.add(r.ord);
    return out;
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

  apply(period: number, roomId: string, fromRev: number, toRev: number, docs: DocChange[]): Promise<boolean> {
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

  async present(token: bigint, ords: number[]): Promise<Set<number>> {
    if (!ords.length) return new Set();
    const { rows } = await this.pool.query(
      'SELECT p.ord FROM unnest($1::bigint[], $2::bigint[]) AS d(bucket, ord) JOIN search_postings p ON p.bucket = d.bucket AND p.token = $3 AND p.ord = d.ord',
      [ords.map(bucketOf), ords, token.toString()],
    );
    return new Set(rows.map((r) => Number(r.ord)));
  }
}
