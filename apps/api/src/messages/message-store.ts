import { splitBody } from './encrypted-body';
import { Attachment, Message, MessageKind, RoomEvent } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryRunner } from 'typeorm';
import { isDeadlock, isUniqueViolation } from '../common/unique-violation';
import { BetterSqliteDb, SqliteStatement, sqliteTime } from '../database/sqlite-connection';
import { AttachProblem, PostgresFileClaims, SqliteFileClaims } from '../files/file-claims';
import { membershipKey, PostgresRoomCounters, SqliteRoomCounters } from '../rooms/room-counters';
import { MessageSealing } from './message-sealing';

/**
 * One message to insert. The caller has validated the fields; the commit checks that a person's sender is a
 * member of the room (system lines are the room's own record, written by an actor who may just have left).
 */
export interface SendRequest {
  roomId: string;
  senderId: string;
  clientMsgId: string;
  body: string;
  replyToId: string | null;
  /** A system message (kind `system`) carries its event; messages people write have none. */
  event?: RoomEvent | null;
  /** Files the sender uploaded into the room, attached in this order (checked in the commit). */
  attachmentIds?: readonly string[];
}

export type SendOutcome =
  | { ok: true; message: Message; created: boolean }
  | { ok: false; reason: 'not_member' | 'archived' | 'client_id_taken' }
  | { ok: false; reason: 'attachments'; problem: AttachProblem };

export type ChangeOutcome = { ok: true; message: Message } | { ok: false; reason: 'not_found' | 'archived' };

/** A deletion also deletes the rows of the message's files: their ids, for deleting their bytes after the commit. */
export type RemoveOutcome = { ok: true; message: Message; removedFileIds: string[] } | { ok: false; reason: 'not_found' | 'archived' };

/**
 * Taking one file off a message: the message with one attachment fewer (edited), or, when it had no text and
 * that was its last file, a tombstone (`deleted`). `unchanged`: the message does not carry that file.
 */
export type DetachOutcome = { ok: true; message: Message; deleted: boolean } | { ok: false; reason: 'not_found' | 'archived' | 'unchanged' };

/**
 * The write side of messages. Sends arrive in batches (group commit): one transaction checks each sender's
 * membership, inserts every message of the batch, takes each room's next seqs from the room's counters and
 * moves the senders' read markers (both through the rooms module's RoomCounters, in that same
 * transaction), and resolves nothing until it has committed. Resending a `(senderId, clientMsgId)` returns
 * the stored message instead of inserting it again.
 */
export interface MessageStore {
  commitSends(batch: SendRequest[], now: Date): Promise<SendOutcome[]>;
  /** Replaces the body (editedAt = now) and gives the message the room's next rev. */
  edit(messageId: string, body: string, now: Date): Promise<ChangeOutcome>;
  /**
   * Empties the body and the attachments (deletedAt = now) and gives the message the room's next rev: a
   * tombstone. The rows of its files are deleted, and their bytes recorded for deletion (file_discards), in
   * the same transaction.
   */
  remove(messageId: string, now: Date): Promise<RemoveOutcome>;
  /** Takes a file (already deleted by the files module) off its message; see DetachOutcome. */
  detach(messageId: string, fileId: string, now: Date): Promise<DetachOutcome>;
  /**
   * One step of the background encryption job: the `limit` messages after id `after` (in id order) whose text
   * is not stored as the key ring would store it now are rewritten, each only if unchanged meanwhile; not a
   * change clients see (no new rev). `last`: the last id looked at, null when there were none.
   */
  reseal(after: string | null, limit: number): Promise<{ last: string | null; changed: number }>;
}

interface MessageRow {
  id: string;
  roomId: string;
  seq: number;
  rev: number;
  senderId: string;
  body: string;
  clientMsgId: string;
  replyToId: string | null;
  createdAt: string | Date;
  editedAt: string | Date | null;
  deletedAt: string | Date | null;
  kind: MessageKind;
  event: string | null;
  attachments: string | null;
}

/** SQLite stores `YYYY-MM-DD HH:MM:SS.SSS` in UTC (TypeORM's format); PostgreSQL returns Date objects. */
/** SQLite's stored time, `YYYY-MM-DD HH:MM:SS.sss` (UTC, as `sqliteTime` writes it). */
const SQLITE_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/;

/** A stored time as an ISO instant (SQLite keeps `YYYY-MM-DD HH:MM:SS.sss` in UTC; PostgreSQL gives a Date). */
export function iso(v: string | Date): string {
  if (v instanceof Date) return v.toISOString();
  // The common case (every row SQLite returns) by moving two characters, not through a Date.
  if (SQLITE_TIME.test(v)) return `${v.slice(0, 10)}T${v.slice(11)}Z`;
  return new Date(v.includes('T') ? v : `${v.replace(' ', 'T')}Z`).toISOString();
}
const isoOrNull = (v: string | Date | null) => (v === null ? null : iso(v));

/** A Message from a row whose text has been opened (MessageSealing.open). */
export function rowToMessage(r: MessageRow): Message {
  const { body, encrypted } = splitBody(r.body);
  return {
    id: r.id,
    roomId: r.roomId,
    seq: Number(r.seq),
    rev: Number(r.rev),
    senderId: r.senderId,
    body,
    clientMsgId: r.clientMsgId,
    createdAt: iso(r.createdAt),
    editedAt: isoOrNull(r.editedAt),
    deletedAt: isoOrNull(r.deletedAt),
    replyToId: r.replyToId,
    kind: r.kind ?? MessageKind.User,
    event: r.event ? (JSON.parse(r.event) as RoomEvent) : null,
    attachments: parseAttachments(r.attachments),
    encrypted,
  };
}

/** The attachments column: JSON `Attachment[]`, or null for none. */
export function parseAttachments(json: string | null | undefined): Attachment[] {
  return json ? (JSON.parse(json) as Attachment[]) : [];
}


/** What a new message row holds besides its ids and counters, from its request. */
function created(req: SendRequest, id: string, roomId: string, seq: number, rev: number, createdAt: string, attachments: Attachment[]): Message {
  const { body, encrypted } = splitBody(req.body);
  return {
    id,
    roomId,
    seq,
    rev,
    senderId: req.senderId,
    body,
    clientMsgId: req.clientMsgId,
    createdAt,
    editedAt: null,
    deletedAt: null,
    replyToId: req.replyToId,
    kind: req.event ? MessageKind.System : MessageKind.User,
    event: req.event ?? null,
    attachments,
    encrypted,
  };
}

const kindOf = (req: SendRequest) => (req.event ? MessageKind.System : MessageKind.User);
const eventJson = (req: SendRequest) => (req.event ? JSON.stringify(req.event) : null);

const key = (r: { senderId: string; clientMsgId: string }) => `${r.senderId}\u0000${r.clientMsgId}`;

/** The first send of each (sender, clientMsgId) in a batch, in order; a repeat is answered like its first copy. */
function firstSends(batch: SendRequest[]): { firstOf: Map<string, number>; candidates: number[] } {
  const firstOf = new Map<string, number>();
  const candidates: number[] = [];
  batch.forEach((req, i) => {
    const k = key(req);
    if (!firstOf.has(k)) {
      firstOf.set(k, i);
      candidates.push(i);
    }
  });
  return { firstOf, candidates };
}

/** Gives each repeat inside the batch its first copy's answer (as a resend: `created: false`). */
function answerRepeats(batch: SendRequest[], out: SendOutcome[], firstOf: Map<string, number>): SendOutcome[] {
  batch.forEach((req, i) => {
    if (!out[i]) {
      const first = out[firstOf.get(key(req))!];
      out[i] = first.ok ? { ...first, created: false } : first;
    }
  });
  return out;
}

/** Groups a batch by room, keeping arrival order inside each room. */
function byRoom(batch: SendRequest[], indices: number[]): Map<string, number[]> {
  const rooms = new Map<string, number[]>();
  for (const i of indices) {
    const list = rooms.get(batch[i].roomId) ?? [];
    list.push(i);
    rooms.set(batch[i].roomId, list);
  }
  return rooms;
}

// ---------------------------------------------------------------------------------------------------
// SQLite (better-sqlite3): synchronous prepared statements inside one synchronous transaction, so no
// other code can interleave with it. TypeORM shares the same connection; when one of its (async)
// transactions is open we wait for it to end, so our commit is never folded into someone else's.
// ---------------------------------------------------------------------------------------------------

type Statement = SqliteStatement;

export class SqliteMessageStore implements MessageStore {
  private readonly rooms: SqliteRoomCounters;
  private readonly files: SqliteFileClaims;
  private readonly findExisting: Statement;
  private readonly insert: Statement;
  private readonly findById: Statement;
  private readonly setEdited: Statement;
  private readonly setDeleted: Statement;
  private readonly setAttachments: Statement;
  private readonly resealPage: Statement;
  private readonly resealRow: Statement;
  private readonly secureDelete: Statement;
  private readonly fastDelete: Statement;

  constructor(
    private readonly db: BetterSqliteDb,
    private readonly sealing: MessageSealing,
  ) {
    this.rooms = new SqliteRoomCounters(db);
    this.files = new SqliteFileClaims(db, sealing.fileNames);
    this.findExisting = db.prepare('SELECT * FROM messages WHERE "senderId" = ? AND "clientMsgId" = ?');
    this.insert = db.prepare(
      'INSERT INTO messages (id, "roomId", seq, rev, "senderId", body, "clientMsgId", "replyToId", "createdAt", kind, event, attachments) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.findById = db.prepare('SELECT * FROM messages WHERE id = ?');
    this.setEdited = db.prepare('UPDATE messages SET body = ?, "editedAt" = ?, rev = ? WHERE id = ?');
    this.setDeleted = db.prepare('UPDATE messages SET body = \'\', attachments = NULL, "deletedAt" = ?, rev = ? WHERE id = ?');
    this.setAttachments = db.prepare('UPDATE messages SET attachments = ?, "editedAt" = ?, rev = ? WHERE id = ?');
    this.resealPage = db.prepare('SELECT id, body, event, attachments FROM messages WHERE id > ? ORDER BY id LIMIT ?');
    this.resealRow = db.prepare('UPDATE messages SET body = ?, event = ?, attachments = ? WHERE id = ? AND body = ? AND event IS ? AND attachments IS ?');
    this.secureDelete = db.prepare('PRAGMA secure_delete = ON');
    this.fastDelete = db.prepare('PRAGMA secure_delete = OFF');
  }

  /**
   * Runs `fn` in its own transaction as soon as no other transaction is open on the connection. IMMEDIATE:
   * it waits for another connection's write (keys:rotate) instead of failing after its first read.
   */
  private async exclusive<T>(fn: () => T): Promise<T> {
    while (this.db.inTransaction) await new Promise((r) => setImmediate(r));
    return this.db.transaction(fn).immediate();
  }

  commitSends(batch: SendRequest[], now: Date): Promise<SendOutcome[]> {
    return this.exclusive(() => {
      const out: SendOutcome[] = new Array(batch.length);
      const { firstOf, candidates } = firstSends(batch);
      const fresh: number[] = [];
      candidates.forEach((i) => {
        const req = batch[i];
        if (!req.event && !this.rooms.isMember(req.roomId, req.senderId)) {
          out[i] = { ok: false, reason: 'not_member' };
          return;
        }
        const existing = this.findExisting.get(req.senderId, req.clientMsgId) as MessageRow | undefined;
        if (existing) {
          // SQLite has one process, which writes only with data keys it holds: opening cannot meet an unknown one.
          out[i] = existing.roomId === req.roomId ? { ok: true, message: rowToMessage(this.sealing.open(existing)), created: false } : { ok: false, reason: 'client_id_taken' };
        } else {
          fresh.push(i);
        }
      });
      // Files are checked before any seq is taken, so a refused send leaves no gap.
      const taken = new Set<string>();
      const attachmentsOf = new Map<number, Attachment[]>();
      const accepted = fresh.filter((i) => {
        const ids = batch[i].attachmentIds;
        if (!ids?.length) return true;
        const checked = this.files.check(batch[i].roomId, batch[i].senderId, ids, taken);
        if (!checked.ok) {
          out[i] = { ok: false, reason: 'attachments', problem: checked.problem };
          return false;
        }
        ids.forEach((id) => taken.add(id));
        attachmentsOf.set(i, checked.attachments);
        return true;
      });
      const at = sqliteTime(now);
      const createdAt = now.toISOString();
      for (const [roomId, indices] of byRoom(batch, accepted)) {
        const n = indices.length;
        // System messages are written even into an archived room ("Ada archived the room" comes after it is).
        const bumped = this.rooms.claimSeqs(roomId, n, now, indices.every((i) => batch[i].event));
        if (!bumped) {
          for (const i of indices) out[i] = { ok: false, reason: 'archived' };
          continue;
        }
        let seq = bumped.lastSeq - n;
        let rev = bumped.lastRev - n;
        const lastBySender = new Map<string, number>();
        for (const i of indices) {
          const req = batch[i];
          seq += 1;
          rev += 1;
          const id = randomUUID();
          const attachments = attachmentsOf.get(i) ?? [];
          const body = this.sealing.body(id, req.body);
          this.insert.run(id, roomId, seq, rev, req.senderId, body, req.clientMsgId, req.replyToId, at, kindOf(req), this.sealing.event(id, eventJson(req)), this.sealing.attachments(id, attachments));
          if (attachments.length) this.files.attach(id, seq, req.attachmentIds!);
          lastBySender.set(req.senderId, seq);
          out[i] = { ok: true, created: true, message: created(req, id, roomId, seq, rev, createdAt, attachments) };
        }
        // Sending a message means having read the room up to it.
        for (const [senderId, last] of lastBySender) this.rooms.markReadThrough(roomId, senderId, last);
      }
      return answerRepeats(batch, out, firstOf);
    });
  }

  /** Runs `apply` on the message with the room's next rev, in one transaction; `apply` answers null to change nothing. */
  private change<T>(messageId: string, apply: (row: MessageRow, rev: () => number | null) => T): Promise<T | { ok: false; reason: 'not_found' }> {
    return this.exclusive(() => {
      const row = this.findById.get(messageId) as MessageRow | undefined;
      if (!row) return { ok: false as const, reason: 'not_found' as const };
      return apply(row, () => this.rooms.claimRev(row.roomId));
    });
  }

  private reread(messageId: string): Message {
    return rowToMessage(this.sealing.open(this.findById.get(messageId) as MessageRow));
  }

  edit(messageId: string, body: string, now: Date): Promise<ChangeOutcome> {
    return this.change(messageId, (_row, claimRev): ChangeOutcome => {
      const rev = claimRev();
      if (rev === null) return { ok: false, reason: 'archived' };
      this.setEdited.run(this.sealing.body(messageId, body), sqliteTime(now), rev, messageId);
      return { ok: true, message: this.reread(messageId) };
    });
  }

  remove(messageId: string, now: Date): Promise<RemoveOutcome> {
    return this.change(messageId, (_row, claimRev): RemoveOutcome => {
      const rev = claimRev();
      if (rev === null) return { ok: false, reason: 'archived' };
      this.setDeleted.run(sqliteTime(now), rev, messageId);
      const removedFileIds = this.files.removeForMessage(messageId, now);
      return { ok: true, message: this.reread(messageId), removedFileIds };
    });
  }

  detach(messageId: string, fileId: string, now: Date): Promise<DetachOutcome> {
    return this.change(messageId, (row, claimRev): DetachOutcome => {
      const opened = this.sealing.open(row);
      const before = parseAttachments(opened.attachments);
      const after = before.filter((a) => a.id !== fileId);
      if (after.length === before.length || row.deletedAt) return { ok: false, reason: 'unchanged' };
      const rev = claimRev();
      if (rev === null) return { ok: false, reason: 'archived' };
      // Nothing left to show (no text, no files): the message becomes a tombstone.
      const deleted = after.length === 0 && opened.body.trim() === '';
      if (deleted) this.setDeleted.run(sqliteTime(now), rev, messageId);
      else this.setAttachments.run(this.sealing.attachments(messageId, after), sqliteTime(now), rev, messageId);
      return { ok: true, message: this.reread(messageId), deleted };
    });
  }

  async reseal(after: string | null, limit: number): Promise<{ last: string | null; changed: number }> {
    const page = this.resealPage.all(after ?? '', limit) as { id: string; body: string; event: string | null; attachments: string | null }[];
    if (!page.length) return { last: null, changed: 0 };
    const reseals = await this.sealing.reseals(page);
    const changed = reseals.length
      ? await this.exclusive(() => {
          // The space the old forms took (plaintext, when encryption is turned on) is overwritten with zeros;
          // what older writes left in free space stays until VACUUM (docs/security.md).
          this.secureDelete.run();
          try {
            return reseals.reduce((n, r) => n + this.resealRow.run(r.body, r.event, r.attachments, r.id, r.oldBody, r.oldEvent, r.oldAttachments).changes, 0);
          } finally {
            this.fastDelete.run();
          }
        })
      : 0;
    return { last: page[page.length - 1].id, changed };
  }
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL: one transaction per batch on a pooled connection. `UPDATE rooms ... RETURNING` locks each
// room row, rooms in a fixed (sorted) order so two instances never deadlock; a duplicate clientMsgId that
// races in from another instance makes the unique index fail the batch, which is then retried and finds it.
// ---------------------------------------------------------------------------------------------------

/** Rows of any statement (TypeORM's plain query() answers UPDATE ... RETURNING as [rows, count]). */
async function rows<T>(q: QueryRunner, sql: string, params: unknown[]): Promise<T[]> {
  const result = (await q.query(sql, params, true)) as { records: T[] };
  return result.records;
}

/** The smallest uuid: where a walk of the messages in id order starts. */
const FIRST_UUID = '00000000-0000-0000-0000-000000000000';

export class PostgresMessageStore implements MessageStore {
  private readonly rooms = new PostgresRoomCounters();
  private readonly files: PostgresFileClaims;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sealing: MessageSealing,
  ) {
    this.files = new PostgresFileClaims(sealing.fileNames);
  }

  private async tx<T>(fn: (q: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const result = await fn(runner);
      await runner.commitTransaction();
      return result;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
  }

  async commitSends(batch: SendRequest[], now: Date): Promise<SendOutcome[]> {
    // Sends without files (nearly all) commit in one statement; a batch with files takes the transaction,
    // whose file checks need the locked file rows in hand.
    const simple = batch.every((req) => !req.attachmentIds?.length);
    for (let attempt = 1; ; attempt++) {
      try {
        return simple ? await this.commitInOneStatement(batch, now) : await this.tx((q) => this.commitOnce(q, batch, now));
      } catch (err) {
        // A racing duplicate (the unique index), or a deadlock PostgreSQL broke: the batch changed nothing.
        if (attempt < 3 && (isUniqueViolation(err) || isDeadlock(err))) continue;
        throw err;
      }
    }
  }

  /**
   * The whole batch as one data-modifying statement, atomic on its own: membership, duplicates, the rooms'
   * seqs, the inserts and the senders' read markers. The rooms' parts come from the rooms module
   * (PostgresRoomCounters.oneStatement). Answers as commitOnce does.
   */
  private async commitInOneStatement(batch: SendRequest[], now: Date): Promise<SendOutcome[]> {
    const out: SendOutcome[] = new Array(batch.length);
    const { firstOf, candidates } = firstSends(batch);
    const ids = candidates.map(() => randomUUID());
    const rooms = PostgresRoomCounters.oneStatement;
    const result = (await this.pool().query({
      name: 'parley-commit-sends',
      text: `WITH req AS (
         SELECT * FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::varchar[], $7::uuid[], $8::varchar[], $9::text[])
           AS r(i, id, "roomId", "senderId", body, "clientMsgId", "replyToId", kind, event)),
       mem AS MATERIALIZED (${rooms.members('req')}),
       allowed AS (SELECT * FROM req WHERE event IS NOT NULL OR i IN (SELECT i FROM mem)),
       dup AS MATERIALIZED (
         SELECT a.i, m.* FROM allowed a CROSS JOIN LATERAL (
           SELECT * FROM messages m WHERE m."senderId" = a."senderId" AND m."clientMsgId" = a."clientMsgId" LIMIT 1) m),
       fresh AS MATERIALIZED (
         SELECT a.*, row_number() OVER (PARTITION BY a."roomId" ORDER BY a.i)::int AS k FROM allowed a WHERE a.i NOT IN (SELECT i FROM dup)),
       counts AS MATERIALIZED (
         SELECT "roomId", count(*)::int AS n, bool_and(event IS NOT NULL) AS "evenArchived" FROM fresh GROUP BY "roomId"),
       locked AS MATERIALIZED (${rooms.lock('counts')}),
       claimed AS (${rooms.claim('counts', 'locked', '$10')}),
       ins AS (
         INSERT INTO messages (id, "roomId", seq, rev, "senderId", body, "clientMsgId", "replyToId", "createdAt", kind, event, attachments)
         SELECT f.id, f."roomId", c."lastSeq" - c.n + f.k, c."lastRev" - c.n + f.k, f."senderId", f.body, f."clientMsgId", f."replyToId", $10, f.kind, f.event, NULL
           FROM fresh f JOIN claimed c ON c."roomId" = f."roomId"
         RETURNING id, "roomId", "senderId", seq, rev),
       marks AS (${rooms.markRead(`(SELECT "roomId", "senderId" AS "userId", max(seq) AS seq FROM ins GROUP BY "roomId", "senderId")`)})
       SELECT r.i, (r.event IS NOT NULL OR r.i IN (SELECT i FROM mem)) AS member, n.seq, n.rev, to_jsonb(d) AS dup
         FROM req r LEFT JOIN ins n ON n.id = r.id LEFT JOIN dup d ON d.i = r.i`,
      values: [
        candidates,
        ids,
        candidates.map((i) => batch[i].roomId),
        candidates.map((i) => batch[i].senderId),
        candidates.map((i, k) => this.sealing.body(ids[k], batch[i].body)),
        candidates.map((i) => batch[i].clientMsgId),
        candidates.map((i) => batch[i].replyToId),
        candidates.map((i) => kindOf(batch[i])),
        candidates.map((i, k) => this.sealing.event(ids[k], eventJson(batch[i]))),
        now,
      ],
    })) as { rows: { i: number; member: boolean; seq: number | null; rev: number | null; dup: MessageRow | null }[] };
    const idOf = new Map(candidates.map((i, k) => [i, ids[k]]));
    const createdAt = now.toISOString();
    const duplicates = await this.sealing.openAll(result.rows.flatMap((r) => (r.dup ? [r.dup] : [])));
    const opened = new Map(duplicates.map((d) => [d.id, d]));
    for (const r of result.rows) {
      const req = batch[r.i];
      if (!r.member) out[r.i] = { ok: false, reason: 'not_member' };
      else if (r.dup) out[r.i] = r.dup.roomId === req.roomId ? { ok: true, message: rowToMessage(opened.get(r.dup.id)!), created: false } : { ok: false, reason: 'client_id_taken' };
      else if (r.seq === null) out[r.i] = { ok: false, reason: 'archived' };
      else out[r.i] = { ok: true, created: true, message: created(req, idOf.get(r.i)!, req.roomId, Number(r.seq), Number(r.rev), createdAt, []) };
    }
    return answerRepeats(batch, out, firstOf);
  }

  /** node-postgres's pool under TypeORM: one statement without a query runner's bookkeeping. */
  private pool(): { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }> } {
    return (this.dataSource.driver as unknown as { master: { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }> } }).master;
  }

  private async commitOnce(q: QueryRunner, batch: SendRequest[], now: Date): Promise<SendOutcome[]> {
    const out: SendOutcome[] = new Array(batch.length);
    const { firstOf, candidates } = firstSends(batch);
    const people = candidates.filter((i) => !batch[i].event);
    const members = await this.rooms.memberships(
      q,
      people.map((i) => ({ roomId: batch[i].roomId, userId: batch[i].senderId })),
    );
    const unique: number[] = [];
    for (const i of candidates) {
      if (batch[i].event || members.has(membershipKey(batch[i].roomId, batch[i].senderId))) unique.push(i);
      else out[i] = { ok: false, reason: 'not_member' };
    }
    const pairs = unique.map((i) => [batch[i].senderId, batch[i].clientMsgId]);
    const existing = await rows<MessageRow>(
      q,
      `SELECT m.* FROM messages m JOIN unnest($1::uuid[], $2::varchar[]) AS k("senderId", "clientMsgId")
         ON m."senderId" = k."senderId" AND m."clientMsgId" = k."clientMsgId"`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    const found = new Map((await this.sealing.openAll(existing)).map((r) => [key(r), r]));
    const fresh: number[] = [];
    for (const i of unique) {
      const row = found.get(key(batch[i]));
      if (!row) fresh.push(i);
      else out[i] = row.roomId === batch[i].roomId ? { ok: true, message: rowToMessage(row), created: false } : { ok: false, reason: 'client_id_taken' };
    }
    // Files are checked (their rows locked until the commit) before any seq is taken: a refused send leaves no gap.
    const locked = await this.files.lock(
      q,
      fresh.flatMap((i) => batch[i].attachmentIds ?? []),
    );
    const taken = new Set<string>();
    const attachmentsOf = new Map<number, Attachment[]>();
    const accepted = fresh.filter((i) => {
      const ids = batch[i].attachmentIds;
      if (!ids?.length) return true;
      const checked = this.files.check(locked, batch[i].roomId, batch[i].senderId, ids, taken);
      if (!checked.ok) {
        out[i] = { ok: false, reason: 'attachments', problem: checked.problem };
        return false;
      }
      ids.forEach((id) => taken.add(id));
      attachmentsOf.set(i, checked.attachments);
      return true;
    });
    const groups = [...byRoom(batch, accepted)].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [roomId, indices] of groups) {
      const n = indices.length;
      // System messages are written even into an archived room ("Ada archived the room" comes after it is).
      const bumped = await this.rooms.claimSeqs(q, roomId, n, now, indices.every((i) => batch[i].event));
      if (!bumped) {
        for (const i of indices) out[i] = { ok: false, reason: 'archived' };
        continue;
      }
      const firstSeq = bumped.lastSeq - n + 1;
      const firstRev = bumped.lastRev - n + 1;
      const values: unknown[] = [];
      const tuples: string[] = [];
      const lastBySender = new Map<string, number>();
      const attaching: { id: string; seq: number; fileIds: readonly string[] }[] = [];
      indices.forEach((i, k) => {
        const req = batch[i];
        const id = randomUUID();
        const seq = firstSeq + k;
        const rev = firstRev + k;
        const attachments = attachmentsOf.get(i) ?? [];
        const b = values.length;
        values.push(id, roomId, seq, rev, req.senderId, this.sealing.body(id, req.body), req.clientMsgId, req.replyToId, now, kindOf(req), this.sealing.event(id, eventJson(req)), this.sealing.attachments(id, attachments));
        tuples.push(`(${Array.from({ length: 12 }, (_, c) => `$${b + c + 1}`).join(', ')})`);
        if (attachments.length) attaching.push({ id, seq, fileIds: req.attachmentIds! });
        lastBySender.set(req.senderId, seq);
        out[i] = { ok: true, created: true, message: created(req, id, roomId, seq, rev, now.toISOString(), attachments) };
      });
      await q.query(
        `INSERT INTO messages (id, "roomId", seq, rev, "senderId", body, "clientMsgId", "replyToId", "createdAt", kind, event, attachments) VALUES ${tuples.join(', ')}`,
        values,
      );
      for (const a of attaching) await this.files.attach(q, a.id, a.seq, a.fileIds);
      for (const [senderId, last] of lastBySender) await this.rooms.markReadThrough(q, roomId, senderId, last);
    }
    return answerRepeats(batch, out, firstOf);
  }

  /** Runs `apply` on the message (its row locked) in one transaction; `claimRev` takes the room's next rev. */
  private change<T>(messageId: string, apply: (q: QueryRunner, row: MessageRow, claimRev: () => Promise<number | null>) => Promise<T>): Promise<T | { ok: false; reason: 'not_found' }> {
    return this.tx(async (q) => {
      const [row] = await rows<MessageRow>(q, 'SELECT * FROM messages WHERE id = $1', [messageId]);
      if (!row) return { ok: false as const, reason: 'not_found' as const };
      return apply(q, row, () => this.rooms.claimRev(q, row.roomId));
    });
  }

  private async reread(q: QueryRunner, messageId: string): Promise<Message> {
    const [row] = await rows<MessageRow>(q, 'SELECT * FROM messages WHERE id = $1', [messageId]);
    const [opened] = await this.sealing.openAll([row]);
    return rowToMessage(opened);
  }

  edit(messageId: string, body: string, now: Date): Promise<ChangeOutcome> {
    return this.change(messageId, async (q, _row, claimRev): Promise<ChangeOutcome> => {
      const rev = await claimRev();
      if (rev === null) return { ok: false, reason: 'archived' };
      await q.query('UPDATE messages SET body = $1, "editedAt" = $2, rev = $3 WHERE id = $4', [this.sealing.body(messageId, body), now, rev, messageId]);
      return { ok: true, message: await this.reread(q, messageId) };
    });
  }

  remove(messageId: string, now: Date): Promise<RemoveOutcome> {
    return this.change(messageId, async (q, _row, claimRev): Promise<RemoveOutcome> => {
      const rev = await claimRev();
      if (rev === null) return { ok: false, reason: 'archived' };
      await q.query('UPDATE messages SET body = \'\', attachments = NULL, "deletedAt" = $1, rev = $2 WHERE id = $3', [now, rev, messageId]);
      const removedFileIds = await this.files.removeForMessage(q, messageId, now);
      return { ok: true, message: await this.reread(q, messageId), removedFileIds };
    });
  }

  detach(messageId: string, fileId: string, now: Date): Promise<DetachOutcome> {
    return this.change(messageId, async (q, found, claimRev): Promise<DetachOutcome> => {
      // The room's rev is claimed first: its row lock orders this change after any other on the room, so the
      // attachments read below are the latest.
      const rev = await claimRev();
      if (rev === null) return { ok: false, reason: 'archived' };
      const [row] = await rows<MessageRow>(q, 'SELECT * FROM messages WHERE id = $1', [found.id]);
      const [opened] = await this.sealing.openAll([row]);
      const before = parseAttachments(opened.attachments);
      const after = before.filter((a) => a.id !== fileId);
      // Nothing to change: the rev taken above is given back by rolling back.
      if (after.length === before.length || row.deletedAt) throw new Unchanged();
      const deleted = after.length === 0 && opened.body.trim() === '';
      if (deleted) await q.query('UPDATE messages SET body = \'\', attachments = NULL, "deletedAt" = $1, rev = $2 WHERE id = $3', [now, rev, messageId]);
      else await q.query('UPDATE messages SET attachments = $1, "editedAt" = $2, rev = $3 WHERE id = $4', [this.sealing.attachments(messageId, after), now, rev, messageId]);
      return { ok: true, message: await this.reread(q, messageId), deleted };
    }).catch((err: unknown) => {
      if (err instanceof Unchanged) return { ok: false, reason: 'unchanged' } as const;
      throw err;
    });
  }

  async reseal(after: string | null, limit: number): Promise<{ last: string | null; changed: number }> {
    const page = (await this.dataSource.query('SELECT id, body, event, attachments FROM messages WHERE id > $1 ORDER BY id LIMIT $2', [after ?? FIRST_UUID, limit])) as {
      id: string;
      body: string;
      event: string | null;
      attachments: string | null;
    }[];
    if (!page.length) return { last: null, changed: 0 };
    const reseals = await this.sealing.reseals(page);
    let changed = 0;
    if (reseals.length) {
      const runner = this.dataSource.createQueryRunner();
      try {
        const result = await runner.query(
          `UPDATE messages m SET body = v.body, event = v.event, attachments = v.attachments
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS v(id, body, event, "oldBody", "oldEvent", attachments, "oldAttachments")
            WHERE m.id = v.id AND m.body = v."oldBody" AND m.event IS NOT DISTINCT FROM v."oldEvent" AND m.attachments IS NOT DISTINCT FROM v."oldAttachments"`,
          [
            reseals.map((r) => r.id),
            reseals.map((r) => r.body),
            reseals.map((r) => r.event),
            reseals.map((r) => r.oldBody),
            reseals.map((r) => r.oldEvent),
            reseals.map((r) => r.attachments),
            reseals.map((r) => r.oldAttachments),
          ],
          true,
        );
        changed = (result as { affected?: number }).affected ?? 0;
      } finally {
        await runner.release();
      }
    }
    return { last: page[page.length - 1].id, changed };
  }
}

/** Rolls back a change that turned out to change nothing. */
class Unchanged extends Error {}
