import type { QueryRunner } from 'typeorm';
import { BetterSqliteDb, SqliteStatement, sqliteTime } from '../database/sqlite-connection';

/**
 * The rooms' side of a message commit, run inside the messages module's own transaction so that the
 * message, the room's counters and the sender's read marker commit together. The rooms module owns
 * `rooms` and `room_members`; this is the only code outside its services that writes them, and it lives
 * here, with them. One class per database: SQLite's runs synchronously inside better-sqlite3's transaction,
 * PostgreSQL's on the transaction's query runner.
 */
export interface ClaimedSeqs {
  /** The last seq and rev taken: the batch holds `lastSeq - n + 1 … lastSeq`. */
  lastSeq: number;
  lastRev: number;
}

export class SqliteRoomCounters {
  private readonly member: SqliteStatement;
  private readonly claimOpen: SqliteStatement;
  private readonly claimAny: SqliteStatement;
  private readonly claimRevOpen: SqliteStatement;
  private readonly markRead: SqliteStatement;

  constructor(db: BetterSqliteDb) {
    this.member = db.prepare('SELECT 1 FROM room_members WHERE "roomId" = ? AND "userId" = ?');
    this.claimOpen = db.prepare(
      'UPDATE rooms SET "lastSeq" = "lastSeq" + ?, "lastRev" = "lastRev" + ?, "lastMessageAt" = ? WHERE id = ? AND "archivedAt" IS NULL RETURNING "lastSeq", "lastRev"',
    );
    this.claimAny = db.prepare('UPDATE rooms SET "lastSeq" = "lastSeq" + ?, "lastRev" = "lastRev" + ?, "lastMessageAt" = ? WHERE id = ? RETURNING "lastSeq", "lastRev"');
    this.claimRevOpen = db.prepare('UPDATE rooms SET "lastRev" = "lastRev" + 1 WHERE id = ? AND "archivedAt" IS NULL RETURNING "lastRev"');
    this.markRead = db.prepare('UPDATE room_members SET "lastReadSeq" = ? WHERE "roomId" = ? AND "userId" = ? AND "lastReadSeq" < ?');
  }

  /** Whether the user is a member of the room (the primary key answers it). */
  isMember(roomId: string, userId: string): boolean {
    return this.member.get(roomId, userId) !== undefined;
  }

  /**
   * Takes the room's next `n` seqs and revs for new messages sent at `at`; null when the room is gone, or
   * archived unless `evenArchived` (system lines are recorded in archived rooms: "Ada archived the room").
   */
  claimSeqs(roomId: string, n: number, at: Date, evenArchived: boolean): ClaimedSeqs | null {
    const claim = evenArchived ? this.claimAny : this.claimOpen;
    return (claim.get(n, n, sqliteTime(at), roomId) as ClaimedSeqs | undefined) ?? null;
  }

  /** Takes the room's next rev for a change to a message; null when the room is archived or gone. */
  claimRev(roomId: string): number | null {
    const row = this.claimRevOpen.get(roomId) as { lastRev: number } | undefined;
    return row ? row.lastRev : null;
  }

  /** Moves the member's read marker up to `seq` (never back): sending a message means having read up to it. */
  markReadThrough(roomId: string, userId: string, seq: number): void {
    this.markRead.run(seq, roomId, userId, seq);
  }
}

/** Rows of any statement (TypeORM's plain query() answers UPDATE ... RETURNING as [rows, count]). */
async function rows<T>(q: QueryRunner, sql: string, params: unknown[]): Promise<T[]> {
  const result = (await q.query(sql, params, true)) as { records: T[] };
  return result.records;
}

/** The key `PostgresRoomCounters.memberships` answers with. */
export const membershipKey = (roomId: string, userId: string) => `${roomId}\u0000${userId}`;

export class PostgresRoomCounters {
  /**
   * The rooms' parts of a send batch committed as one statement (PostgresMessageStore's common case: no
   * files), each the body of a CTE over relations the caller's statement names. The statement is atomic on
   * its own, so the batch costs one round trip instead of one per step and room.
   */
  static readonly oneStatement = {
    /**
     * Of `req` (columns i, "roomId", "senderId"), the i of each row whose sender is a member of its room. A
     * lookup by primary key per row (LATERAL … LIMIT 1, which the planner cannot flatten into a join over the
     * whole table), whatever the table's statistics say: the statement is prepared once per connection, and a
     * plan made while the table was small and unanalysed must not scan it once it has grown.
     */
    members: (req: string) =>
      `SELECT r.i FROM ${req} r CROSS JOIN LATERAL (SELECT 1 FROM room_members m WHERE m."roomId" = r."roomId" AND m."userId" = r."senderId" LIMIT 1) m`,
    /** Locks the rows of the rooms in `counts` ("roomId") in id order, so two processes' batches never deadlock. */
    lock: (counts: string) => `SELECT id FROM rooms WHERE id IN (SELECT "roomId" FROM ${counts}) ORDER BY id FOR UPDATE`,
    /**
     * Takes `n` seqs and revs in each room of `counts` ("roomId", n, "evenArchived") locked by `locked`, as
     * claimSeqs does; answers "roomId", "lastSeq", "lastRev" and n for each room claimed (none for a room
     * that is gone or archived).
     */
    claim: (counts: string, locked: string, at: string) =>
      `UPDATE rooms SET "lastSeq" = rooms."lastSeq" + c.n, "lastRev" = rooms."lastRev" + c.n, "lastMessageAt" = ${at}
         FROM ${counts} c JOIN ${locked} l ON l.id = c."roomId"
         WHERE rooms.id = c."roomId" AND (c."evenArchived" OR rooms."archivedAt" IS NULL)
         RETURNING rooms.id AS "roomId", rooms."lastSeq", rooms."lastRev", c.n`,
    /** Moves read markers up to `through` ("roomId", "userId", seq), never back. */
    markRead: (through: string) =>
      `UPDATE room_members m SET "lastReadSeq" = t.seq FROM ${through} t
         WHERE m."roomId" = t."roomId" AND m."userId" = t."userId" AND m."lastReadSeq" < t.seq`,
  };

  /** Of these (room, user) pairs, the ones that are memberships, as `roomId\0userId` keys; one query. */
  async memberships(q: QueryRunner, pairs: { roomId: string; userId: string }[]): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const found = await rows<{ roomId: string; userId: string }>(
      q,
      `SELECT m."roomId", m."userId" FROM room_members m JOIN unnest($1::uuid[], $2::uuid[]) AS k("roomId", "userId")
         ON m."roomId" = k."roomId" AND m."userId" = k."userId"`,
      [pairs.map((p) => p.roomId), pairs.map((p) => p.userId)],
    );
    return new Set(found.map((r) => membershipKey(r.roomId, r.userId)));
  }

  /** As SqliteRoomCounters.claimSeqs; the UPDATE locks the room's row until the commit. */
  async claimSeqs(q: QueryRunner, roomId: string, n: number, at: Date, evenArchived: boolean): Promise<ClaimedSeqs | null> {
    const onlyOpen = evenArchived ? '' : ' AND "archivedAt" IS NULL';
    const [row] = await rows<ClaimedSeqs>(
      q,
      `UPDATE rooms SET "lastSeq" = "lastSeq" + $1, "lastRev" = "lastRev" + $1, "lastMessageAt" = $2 WHERE id = $3${onlyOpen} RETURNING "lastSeq", "lastRev"`,
      [n, at, roomId],
    );
    return row ? { lastSeq: Number(row.lastSeq), lastRev: Number(row.lastRev) } : null;
  }

  async claimRev(q: QueryRunner, roomId: string): Promise<number | null> {
    const [row] = await rows<{ lastRev: number }>(q, 'UPDATE rooms SET "lastRev" = "lastRev" + 1 WHERE id = $1 AND "archivedAt" IS NULL RETURNING "lastRev"', [roomId]);
    return row ? Number(row.lastRev) : null;
  }

  async markReadThrough(q: QueryRunner, roomId: string, userId: string, seq: number): Promise<void> {
    await q.query('UPDATE room_members SET "lastReadSeq" = $1 WHERE "roomId" = $2 AND "userId" = $3 AND "lastReadSeq" < $1', [seq, roomId, userId]);
  }
}
