import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HISTORY_PAGE_DEFAULT, Message, MessagePage } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { FixedQuery } from '../database/fixed-query';
import { KeyRing } from '../encryption/key-ring';
import { MessageSealing } from './message-sealing';
import { iso, rowToMessage } from './message-store';

type Row = Parameters<typeof rowToMessage>[0];

/** Messages read per page while a transcript is written. */
const TRANSCRIPT_PAGE = 500;

export interface HistoryCursor {
  before?: number;
  after?: number;
  around?: number;
  limit?: number;
}

/**
 * Pages of a room's history, the REST read path: `limit + 1` rows by keyset on (roomId, seq), so `hasMore`
 * needs no count, turned straight into Messages. TypeORM's find() rebuilt the query and hydrated an entity
 * per row on every page, most of the cost of a page (see docs/benchmarks.md).
 */
@Injectable()
export class MessageHistory {
  private readonly newest: FixedQuery;
  private readonly before: FixedQuery;
  private readonly after: FixedQuery;
  private readonly fromSeq: FixedQuery;
  private readonly sealing: MessageSealing;

  constructor(@InjectDataSource() dataSource: DataSource, keys: KeyRing) {
    this.sealing = new MessageSealing(keys);
    this.newest = new FixedQuery(dataSource, (p) => `SELECT * FROM messages WHERE "roomId" = ${p(1)} ORDER BY seq DESC LIMIT ${p(2)}`);
    this.before = new FixedQuery(dataSource, (p) => `SELECT * FROM messages WHERE "roomId" = ${p(1)} AND seq < ${p(2)} ORDER BY seq DESC LIMIT ${p(3)}`);
    this.after = new FixedQuery(dataSource, (p) => `SELECT * FROM messages WHERE "roomId" = ${p(1)} AND seq > ${p(2)} ORDER BY seq ASC LIMIT ${p(3)}`);
    this.fromSeq = new FixedQuery(dataSource, (p) => `SELECT * FROM messages WHERE "roomId" = ${p(1)} AND seq >= ${p(2)} ORDER BY seq ASC LIMIT ${p(3)}`);
  }

  /**
   * The room's messages sent in [from, to), oldest first, a page at a time (a transcript). A message's time
   * rises with its seq, so the first one is found by bisecting on seq (a few indexed reads, however long the
   * history), and the rest are read forward by seq.
   */
  async *between(roomId: string, from: Date, to: Date, pageSize = TRANSCRIPT_PAGE): AsyncGenerator<Message[]> {
    let after = await this.lastSeqBefore(roomId, from);
    if (after === null) return;
    for (;;) {
      const page = await this.page(roomId, { after, limit: pageSize });
      const inRange = page.items.filter((m) => Date.parse(m.createdAt) < to.getTime());
      if (inRange.length) yield inRange;
      if (!page.hasMore || inRange.length < page.items.length) return;
      after = page.items[page.items.length - 1]!.seq;
    }
  }

  /** The seq before the room's first message at or after `at` (0 when that is its first); null when none is. */
  private async lastSeqBefore(roomId: string, at: Date): Promise<number | null> {
    const [newest] = (await this.newest.all(roomId, 1)) as unknown as Row[];
    if (!newest || Date.parse(iso(newest.createdAt)) < at.getTime()) return null;
    let lo = 0;
    let hi = Number(newest.seq);
    // Invariant: every message with seq <= lo is earlier than `at`, and the one at seq `hi` is not.
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const [row] = (await this.fromSeq.all(roomId, mid, 1)) as unknown as Row[];
      if (!row || Number(row.seq) >= hi) hi = mid;
      else if (Date.parse(iso(row.createdAt)) < at.getTime()) lo = Number(row.seq);
      else hi = Number(row.seq);
    }
    return lo;
  }

  /** Items always in ascending seq order; `hasMore` says whether the page could go on in its direction. */
  async page(roomId: string, cursor: HistoryCursor): Promise<MessagePage> {
    const limit = cursor.limit ?? HISTORY_PAGE_DEFAULT;
    if (cursor.around !== undefined) return this.around(roomId, cursor.around, limit);
    if (cursor.after !== undefined) {
      const rows = (await this.after.all(roomId, cursor.after, limit + 1)) as unknown as Row[];
      return { items: (await this.sealing.openAll(rows.slice(0, limit))).map(rowToMessage), hasMore: rows.length > limit };
    }
    const rows = (cursor.before !== undefined ? await this.before.all(roomId, cursor.before, limit + 1) : await this.newest.all(roomId, limit + 1)) as unknown as Row[];
    return { items: (await this.sealing.openAll(rows.slice(0, limit).reverse())).map(rowToMessage), hasMore: rows.length > limit };
  }

  /**
   * The message at `seq` with the older half of the page before it and the rest after it (fewer on one side
   * when the room has fewer there, more on the other). A seq past the end gives the newest page. Two keyset
   * reads from the same index as the other pages.
   */
  private async around(roomId: string, seq: number, limit: number): Promise<MessagePage> {
    const olderWanted = Math.floor(limit / 2);
    const newer = (await this.fromSeq.all(roomId, seq, limit + 1)) as unknown as Row[];
    if (!newer.length) return { ...(await this.page(roomId, { limit })), hasNewer: false };
    const older = (await this.before.all(roomId, seq, limit - Math.min(newer.length, limit - olderWanted) + 1)) as unknown as Row[];
    const olderTaken = Math.min(older.length, limit - Math.min(newer.length, limit - olderWanted));
    const newerTaken = Math.min(newer.length, limit - olderTaken);
    const rows = [...older.slice(0, olderTaken).reverse(), ...newer.slice(0, newerTaken)];
    return { items: (await this.sealing.openAll(rows)).map(rowToMessage), hasMore: older.length > olderTaken, hasNewer: newer.length > newerTaken };
  }
}
