import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MessageKind } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { FixedQuery } from '../database/fixed-query';
import { AppEvents } from '../events/app-events';
import { FilesService } from '../files/files.service';
import { iso } from './message-store';
import { MessageWriter } from './message-writer';

/** Rows read per step while a room's expiring messages are looked for. */
const SCAN_PAGE = 1000;

/**
 * Messages a retention policy removes (the retention module decides which rooms, how old and whose are held):
 * people's messages sent before a cutoff that are not deleted yet. Removing one leaves a tombstone with a new
 * rev, exactly as a deletion by its sender does (clients catch up by `sync`; live ones get `message:deleted`),
 * so the room's seq stays gapless; its files go with it. System lines are kept.
 */
@Injectable()
export class MessageRetention {
  private readonly page: FixedQuery;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly writer: MessageWriter,
    private readonly files: FilesService,
    private readonly events: AppEvents,
  ) {
    this.page = new FixedQuery(
      dataSource,
      (p) => `SELECT id, seq, "senderId", "createdAt" FROM messages WHERE "roomId" = ${p(1)} AND seq > ${p(2)} AND "deletedAt" IS NULL AND kind = '${MessageKind.User}' ORDER BY seq ASC LIMIT ${p(3)}`,
    );
  }

  /**
   * The room's messages that a policy of `cutoff` removes, oldest first from after seq `after`, leaving out
   * those whose sender is in `keepSenders` (held); at most `limit`. `next` is where the following call goes on
   * (null when the room has no more to remove), so a pass reads each message once.
   */
  async expiring(roomId: string, cutoff: Date, keepSenders: ReadonlySet<string>, limit = Number.MAX_SAFE_INTEGER, after = 0): Promise<{ ids: string[]; next: number | null }> {
    const ids: string[] = [];
    for (;;) {
      const rows = (await this.page.all(roomId, after, SCAN_PAGE)) as { id: string; seq: number | string; senderId: string; createdAt: string | Date }[];
      for (const row of rows) {
        if (Date.parse(iso(row.createdAt)) >= cutoff.getTime()) return { ids, next: null };
        after = Number(row.seq);
        if (!keepSenders.has(row.senderId)) ids.push(row.id);
        if (ids.length >= limit) return { ids, next: after };
      }
      if (rows.length < SCAN_PAGE) return { ids, next: null };
    }
  }

  /** How many files the messages carry. */
  filesOf(messageIds: readonly string[]): Promise<number> {
    return this.files.countAttachedTo(messageIds);
  }

  /** Removes the messages (tombstones) and their files; what was removed. A message of an archived room stays. */
  async expire(messageIds: readonly string[], now = new Date()): Promise<{ messages: number; files: number }> {
    let messages = 0;
    let files = 0;
    for (const id of messageIds) {
      const outcome = await this.writer.store.remove(id, now);
      if (!outcome.ok) continue;
      messages++;
      files += outcome.removedFileIds.length;
      await this.files.discardBytes(outcome.removedFileIds);
      await this.events.emit('message.deleted', { message: outcome.message });
    }
    return { messages, files };
  }
}
