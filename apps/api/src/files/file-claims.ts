import { Attachment, FileStatus } from '@parley/contracts';
import type { QueryRunner } from 'typeorm';
import { BetterSqliteDb, SqliteStatement, sqliteTime } from '../database/sqlite-connection';
import { FileNames } from './file-names';

/**
 * The files' side of a message commit, run inside the messages module's own transaction so that a message
 * and the files it carries commit together: a send attaches files (checked, then marked `attached` with the
 * message's id and seq), a deletion removes the rows of the message's files and records their bytes in
 * `file_discards` (deleted after the commit by FilesService, or else by the sweep: see FileDiscards). The files
 * module owns both tables; this is the only code outside its services that writes them. One class per database, as rooms/room-counters.ts: SQLite's runs synchronously inside
 * better-sqlite3's transaction, PostgreSQL's on the transaction's query runner.
 */

/** Why files could not be attached to a message. */
export type AttachProblem =
  /** No such file, or not uploaded by the sender into this room (the same answer: ids reveal nothing). */
  | 'not_found'
  /** Its bytes are still arriving or being checked. */
  | 'not_ready'
  /** Another message carries it already. */
  | 'attached';

export type AttachCheck = { ok: true; attachments: Attachment[] } | { ok: false; problem: AttachProblem };

/** The columns a claim reads. */
interface ClaimRow {
  id: string;
  roomId: string;
  uploaderId: string;
  messageId: string | null;
  status: FileStatus;
  name: string;
  mime: string;
  size: number | string;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean | number;
}

const CLAIM_COLUMNS = 'id, "roomId", "uploaderId", "messageId", status, name, mime, size, width, height, "hasThumbnail"';

/** A file as the message will carry it (`row.name` in plaintext). */
export function attachmentOf(row: Pick<ClaimRow, 'id' | 'name' | 'mime' | 'size' | 'width' | 'height' | 'hasThumbnail'>): Attachment {
  return {
    id: row.id,
    name: row.name,
    size: Number(row.size),
    mime: row.mime,
    width: row.width === null ? null : Number(row.width),
    height: row.height === null ? null : Number(row.height),
    thumbnail: row.hasThumbnail === true || row.hasThumbnail === 1,
  };
}

/**
 * Whether `ids` may be attached by `senderId` to a message in `roomId`: every file uploaded by the sender into
 * this room, ready, and neither attached already nor `taken` by an earlier send of the same commit.
 */
function judge(rows: Map<string, ClaimRow>, roomId: string, senderId: string, ids: readonly string[], taken: ReadonlySet<string>): AttachCheck {
  const attachments: Attachment[] = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (!row || row.roomId !== roomId || row.uploaderId !== senderId) return { ok: false, problem: 'not_found' };
    if (row.status === FileStatus.Uploading) return { ok: false, problem: 'not_ready' };
    if (row.status === FileStatus.Attached || row.messageId !== null || taken.has(id)) return { ok: false, problem: 'attached' };
    attachments.push(attachmentOf(row));
  }
  return { ok: true, attachments };
}

export class SqliteFileClaims {
  private readonly findOne: SqliteStatement;
  private readonly attachOne: SqliteStatement;
  private readonly removeOfMessage: SqliteStatement;
  private readonly recordDiscard: SqliteStatement;

  constructor(
    db: BetterSqliteDb,
    private readonly names: FileNames,
  ) {
    this.findOne = db.prepare(`SELECT ${CLAIM_COLUMNS} FROM files WHERE id = ?`);
    this.attachOne = db.prepare('UPDATE files SET status = \'attached\', "messageId" = ?, "messageSeq" = ?, position = ? WHERE id = ?');
    this.removeOfMessage = db.prepare('DELETE FROM files WHERE "messageId" = ? RETURNING id');
    this.recordDiscard = db.prepare('INSERT INTO file_discards ("fileId", "createdAt", "dueAt", attempts) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING');
  }

  /** See `judge`; reads only. */
  check(roomId: string, senderId: string, ids: readonly string[], taken: ReadonlySet<string>): AttachCheck {
    const rows = new Map<string, ClaimRow>();
    for (const id of ids) {
      const row = this.findOne.get(id) as ClaimRow | undefined;
      // Synchronous inside the commit: a name under a data key made in the last seconds by another process fails the send.
      if (row) rows.set(id, { ...row, name: this.names.openSync(row.id, row.name) });
    }
    return judge(rows, roomId, senderId, ids, taken);
  }

  /** Marks the checked files attached to the message, in their order. */
  attach(messageId: string, messageSeq: number, ids: readonly string[]): void {
    ids.forEach((id, position) => this.attachOne.run(messageId, messageSeq, position, id));
  }

  /** Deletes the rows of the message's files and records their discards; answers their ids (their bytes go after the commit). */
  removeForMessage(messageId: string, now: Date): string[] {
    const ids = (this.removeOfMessage.all(messageId) as { id: string }[]).map((r) => r.id);
    const at = sqliteTime(now);
    for (const id of ids) this.recordDiscard.run(id, at, at);
    return ids;
  }
}

/** Rows of any statement (TypeORM's plain query() answers UPDATE ... RETURNING as [rows, count]). */
async function rows<T>(q: QueryRunner, sql: string, params: unknown[]): Promise<T[]> {
  const result = (await q.query(sql, params, true)) as { records: T[] };
  return result.records;
}

export class PostgresFileClaims {
  constructor(private readonly names: FileNames) {}

  /**
   * Locks the rows of every file a commit wants to attach, in id order (so two commits never wait on each
   * other in a cycle), and answers them by id, names in plaintext: what `check` judges. The locks hold until the commit, so a
   * file cannot be attached twice, or deleted or swept while it is being attached.
   */
  async lock(q: QueryRunner, ids: readonly string[]): Promise<Map<string, ClaimRow>> {
    if (ids.length === 0) return new Map();
    const found = await rows<ClaimRow>(q, `SELECT ${CLAIM_COLUMNS} FROM files WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [[...new Set(ids)]]);
    return new Map((await this.names.openAll(found)).map((r) => [r.id, r]));
  }

  /** See `judge`; on the rows `lock` answered. */
  check(locked: Map<string, ClaimRow>, roomId: string, senderId: string, ids: readonly string[], taken: ReadonlySet<string>): AttachCheck {
    return judge(locked, roomId, senderId, ids, taken);
  }

  async attach(q: QueryRunner, messageId: string, messageSeq: number, ids: readonly string[]): Promise<void> {
    await q.query(
      `UPDATE files SET status = 'attached', "messageId" = $1, "messageSeq" = $2, position = array_position($3::uuid[], id) - 1 WHERE id = ANY($3::uuid[])`,
      [messageId, messageSeq, ids],
    );
  }

  /** Deletes the rows of the message's files and records their discards, in one statement; answers their ids. */
  async removeForMessage(q: QueryRunner, messageId: string, now: Date): Promise<string[]> {
    const removed = await rows<{ id: string }>(
      q,
      `WITH gone AS (DELETE FROM files WHERE "messageId" = $1 RETURNING id),
            noted AS (INSERT INTO file_discards ("fileId", "createdAt", "dueAt", attempts) SELECT id, $2::timestamptz, $2::timestamptz, 0 FROM gone ON CONFLICT DO NOTHING)
       SELECT id FROM gone`,
      [messageId, now],
    );
    return removed.map((r) => r.id);
  }
}
