import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HISTORY_PAGE_DEFAULT, MessagePage } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { FixedQuery } from '../database/fixed-query';
import { KeyRing } from '../encryption/key-ring';
import { MessageSealing } from './message-sealing';
import { rowToMessage } from './message-store';

type Row = Parameters<typeof rowToMessage>[0];

export interface HistoryCursor {
  before?: number;
  after?: number;
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
  private readonly sealing: MessageSealing;

  constructor(@InjectDataSource() dataSource: DataSource, keys: KeyRing) {
    this.sealing = new MessageSealing(keys);
    this.newest = new FixedQuery(dataSource, (p) => `SELECT * FROM messages WHERE "roomId" = ${p(1)} ORDER BY seq DESC LIMIT ${p(2)}`);
    this.before = new FixedQuery(dataSource, (p) => `SELECT * FROM messages WHERE "roomId" = ${p(1)} AND seq < ${p(2)} ORDER BY seq DESC LIMIT ${p(3)}`);
    this.after = new FixedQuery(dataSource, (p) => `SELECT * FROM messages WHERE "roomId" = ${p(1)} AND seq > ${p(2)} ORDER BY seq ASC LIMIT ${p(3)}`);
  }

  /** Items always in ascending seq order; `hasMore` says whether the page could go on in its direction. */
  async page(roomId: string, cursor: HistoryCursor): Promise<MessagePage> {
    const limit = cursor.limit ?? HISTORY_PAGE_DEFAULT;
    if (cursor.after !== undefined) {
      const rows = (await this.after.all(roomId, cursor.after, limit + 1)) as unknown as Row[];
      return { items: (await this.sealing.openAll(rows.slice(0, limit))).map(rowToMessage), hasMore: rows.length > limit };
    }
    const rows = (cursor.before !== undefined ? await this.before.all(roomId, cursor.before, limit + 1) : await this.newest.all(roomId, limit + 1)) as unknown as Row[];
    return { items: (await this.sealing.openAll(rows.slice(0, limit).reverse())).map(rowToMessage), hasMore: rows.length > limit };
  }
}
