import { bucketOf, decodeTokens, diffTokens as diff, encodeTokens } from './sqlite-search-file';
import { docChanges, DocText, tokenFunction } from './search-tokens';
import type { PeriodState } from './search-store';

/**
 * The writes the indexer hands to the index worker (search-index.worker.ts), one message each, answered in
 * order. On SQLite every write of the index file; on PostgreSQL the heavy ones (apply, resetRoom, dropDocs).
 */
export type SearchIndexWrite =
  | { op: 'addPeriod'; args: [keyId: string, state: PeriodState] }
  | { op: 'setState'; args: [id: number, state: PeriodState] }
  | { op: 'deletePeriod'; args: [id: number] }
  | { op: 'addRooms'; args: [roomIds: string[]] }
  | { op: 'apply'; args: [period: number, key: Uint8Array, roomId: string, fromRev: number, toRev: number, docs: DocText[]] }
  | { op: 'dropDocs'; args: [period: number, limit: number] }
  | { op: 'resetRoom'; args: [roomId: string, lo: number, hi: number] };

// ---------------------------------------------------------------------------------------------------
// PostgreSQL: set-based statements over arrays; a batch is one transaction that locks the room's cursor row.
// Tokens travel as decimal strings (node-postgres has no bigint parameter type of its own).
// ---------------------------------------------------------------------------------------------------

export interface PgClient {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}
export interface PgPool extends PgClient {
  connect(): Promise<PgClient & { release(): void }>;
}

/** Runs `fn` in a transaction on one of the pool's connections. */
export async function pgTransaction<T>(pool: PgPool, fn: (c: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
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

/**
 * The PostgreSQL index's heavy writes: a batch's tokens (grams and HMACs) and its postings, a room's reset and
 * a retired period's removal. Run by the index worker on a pool of its own (search-index.worker.ts), or by
 * the main thread where the worker cannot start.
 */
export class PgSearchWrites {
  constructor(private readonly pool: PgPool) {}

  private tx<T>(fn: (c: PgClient) => Promise<T>): Promise<T> {
    return pgTransaction(this.pool, fn);
  }

  private readonly tokens = new Map<string, (gram: string) => bigint>();

  apply(period: number, key: Uint8Array, roomId: string, fromRev: number, toRev: number, texts: DocText[]): Promise<boolean> {
    const keyHex = Buffer.from(key).toString('hex');
    if (!this.tokens.has(keyHex)) this.tokens.set(keyHex, tokenFunction(Buffer.from(key)));
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
}

/** Runs one of the PostgreSQL index's heavy writes. */
export function runPgWrite(writes: PgSearchWrites, write: SearchIndexWrite): Promise<unknown> {
  switch (write.op) {
    case 'apply':
      return writes.apply(...write.args);
    case 'resetRoom':
      return writes.resetRoom(...write.args);
    case 'dropDocs':
      return writes.dropDocs(...write.args);
    default:
      return Promise.reject(new Error(`${write.op} is not a PostgreSQL index worker write`));
  }
}
