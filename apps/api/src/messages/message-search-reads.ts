import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Message } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { FixedQuery } from '../database/fixed-query';
import { DecryptionFailed } from '../encryption/envelope';
import { KeyRing } from '../encryption/key-ring';
import { MessageSealing } from './message-sealing';
import { rowToMessage } from './message-store';

type Row = Parameters<typeof rowToMessage>[0];

/**
 * The reads the search module makes of messages, opened (decrypted) and as the wire's Message (attachments
 * included): a room's changes after a rev, for the indexer, and messages by seq, for checking candidates.
 * A row that does not decrypt is left out (and logged) rather than stopping the indexer or a search.
 */
@Injectable()
export class MessageSearchReads {
  private readonly logger = new Logger(MessageSearchReads.name);
  private readonly sealing: MessageSealing;
  private readonly changed: FixedQuery;
  private readonly bySeq: FixedQuery;
  private readonly pg: boolean;

  constructor(@InjectDataSource() dataSource: DataSource, private readonly keys: KeyRing) {
    this.sealing = new MessageSealing(keys);
    const pg = dataSource.options.type === 'postgres';
    this.changed = new FixedQuery(dataSource, (p) => `SELECT * FROM messages WHERE "roomId" = ${p(1)} AND rev > ${p(2)} ORDER BY rev LIMIT ${p(3)}`);
    this.bySeq = new FixedQuery(
      dataSource,
      (p) => `SELECT * FROM messages WHERE "roomId" = ${p(1)} AND seq ${pg ? `= ANY(${p(2)}::int[])` : `IN (SELECT value FROM json_each(${p(2)}))`} ORDER BY seq DESC`,
    );
    this.pg = pg;
  }

  /** The room's messages whose last change is after `rev`, oldest change first, at most `limit`; `lastRev` is the last one read. */
  async changedSince(roomId: string, rev: number, limit: number): Promise<{ messages: Message[]; lastRev: number | null }> {
    const rows = (await this.changed.all(roomId, rev, limit)) as unknown as Row[];
    return { messages: await this.open(rows), lastRev: rows.length ? Number(rows[rows.length - 1].rev) : null };
  }

  /** The room's messages with these seqs, highest seq first. */
  async bySeqs(roomId: string, seqs: number[]): Promise<Message[]> {
    if (!seqs.length) return [];
    const rows = (await this.bySeq.all(roomId, this.pg ? seqs : JSON.stringify(seqs))) as unknown as Row[];
    return this.open(rows);
  }

  private async open(rows: Row[]): Promise<Message[]> {
    try {
      return (await this.sealing.openAll(rows)).map(rowToMessage);
    } catch (err) {
      if (!(err instanceof DecryptionFailed)) throw err;
      const out: Message[] = [];
      for (const row of rows) {
        try {
          out.push(rowToMessage((await this.sealing.openAll([row]))[0]));
        } catch (e) {
          if (!(e instanceof DecryptionFailed)) throw e;
          this.logger.warn(`Message ${row.id} cannot be decrypted (${e.message}); left out of search`);
        }
      }
      return out;
    }
  }
}
