import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RoomMemberEntity } from '../rooms/room-member.entity';
import { RoomEntity } from '../rooms/room.entity';
import { openPostgresTestDatabase, openTestDatabase, TestDatabase } from '../testing/test-database';
import { UserEntity } from '../users/user.entity';
import { MessageEntity } from './message.entity';
import { MessageSealing } from './message-sealing';
import { MessageWriter } from './message-writer';

const databases = { sqlite: openTestDatabase, postgres: openPostgresTestDatabase };

describe.each(['sqlite', 'postgres'] as const)('MessageWriter (group commit on %s)', (kind) => {
  let db: TestDatabase;
  let writer: MessageWriter;
  let userId: string;
  let roomA: string;
  let roomB: string;

  beforeEach(async () => {
    db = await databases[kind]();
    writer = new MessageWriter(db.dataSource, db.config, await db.keys());
    const users = db.dataSource.getRepository(UserEntity);
    userId = (await users.save(users.create({ username: 'ana', email: 'ana@example.com', displayName: 'Ana', passwordHash: 'x' }))).id;
    const rooms = db.dataSource.getRepository(RoomEntity);
    roomA = (await rooms.save(rooms.create({ kind: 'group', name: 'A', ownerId: userId }))).id;
    roomB = (await rooms.save(rooms.create({ kind: 'group', name: 'B', ownerId: userId }))).id;
    await db.dataSource.getRepository(RoomMemberEntity).insert([
      { roomId: roomA, userId, role: 'owner' },
      { roomId: roomB, userId, role: 'owner' },
    ]);
  });
  afterEach(() => db.close());

  const req = (roomId: string, clientMsgId: string, body = clientMsgId) => ({ roomId, senderId: userId, clientMsgId, body, replyToId: null });

  it('commits sends that arrive together in one transaction, with gapless seqs per room', async () => {
    const outcomes = await Promise.all([req(roomA, 'a1'), req(roomB, 'b1'), req(roomA, 'a2'), req(roomA, 'a3'), req(roomB, 'b2')].map((r) => writer.send(r)));
    expect(writer.stats.commits).toBe(1);
    expect(outcomes.map((o) => (o.ok ? [o.message.body, o.message.seq] : o.reason))).toEqual([
      ['a1', 1],
      ['b1', 1],
      ['a2', 2],
      ['a3', 3],
      ['b2', 2],
    ]);
    const rooms = db.dataSource.getRepository(RoomEntity);
    expect(await rooms.findOneByOrFail({ id: roomA })).toMatchObject({ lastSeq: 3, lastRev: 3 });
    const sealed = await db.dataSource.getRepository(MessageEntity).find({ where: { roomId: roomA }, order: { seq: 'ASC' } });
    // Stored encrypted (encryption at rest is on by default), each body readable with its own row.
    expect(sealed.map((m) => m.body.slice(0, 4))).toEqual(['pe1.', 'pe1.', 'pe1.']);
    const stored = await new MessageSealing(await db.keys()).openAll(sealed);
    expect(stored.map((m) => m.body)).toEqual(['a1', 'a2', 'a3']);
    // What the ack carries is what a later read returns.
    const first = outcomes[0];
    expect(first.ok && first.message.createdAt).toBe(stored[0].createdAt.toISOString());
  });

  it('answers a repeated clientMsgId with the stored original, in the same batch or a later one', async () => {
    const [one, two] = await Promise.all([writer.send(req(roomA, 'dup', 'first')), writer.send(req(roomA, 'dup', 'second copy'))]);
    const later = await writer.send(req(roomA, 'dup', 'third'));
    expect(one).toMatchObject({ ok: true, created: true });
    for (const o of [two, later]) {
      expect(o).toMatchObject({ ok: true, created: false });
      expect(o.ok && one.ok && o.message).toEqual(one.ok && one.message);
    }
    const other = await writer.send(req(roomB, 'dup'));
    expect(other).toEqual({ ok: false, reason: 'client_id_taken' });
    expect(await db.dataSource.getRepository(MessageEntity).count()).toBe(1);
  });

  it('moves the sender\u2019s read marker to their message, in the same commit', async () => {
    await Promise.all([writer.send(req(roomA, 'r1')), writer.send(req(roomA, 'r2'))]);
    expect(await db.dataSource.getRepository(RoomMemberEntity).findOneByOrFail({ roomId: roomA, userId })).toMatchObject({ lastReadSeq: 2 });
  });

  it('refuses a sender who is not a member (or a room that does not exist) without using up seqs', async () => {
    await db.dataSource.getRepository(RoomMemberEntity).delete({ roomId: roomA, userId });
    const [outsider, fine, nowhere] = await Promise.all([writer.send(req(roomA, 'x')), writer.send(req(roomB, 'ok')), writer.send(req(randomUUID(), 'y'))]);
    expect(outsider).toEqual({ ok: false, reason: 'not_member' });
    expect(nowhere).toEqual({ ok: false, reason: 'not_member' });
    expect(fine).toMatchObject({ ok: true, message: { seq: 1 } });
    expect(await db.dataSource.getRepository(RoomEntity).findOneByOrFail({ id: roomA })).toMatchObject({ lastSeq: 0 });
    // The room's own record (a system line) needs no membership: its actor may just have left.
    const line = await writer.send({ ...req(roomA, 'system-1'), body: '', event: { type: 'member_left', actor: { id: userId, name: 'Ana' } } });
    expect(line).toMatchObject({ ok: true, message: { seq: 1, kind: 'system' } });
  });

  it('refuses sends to an archived room without using up seqs', async () => {
    await db.dataSource.getRepository(RoomEntity).update({ id: roomA }, { archivedAt: new Date() });
    const [archived, fine] = await Promise.all([writer.send(req(roomA, randomUUID())), writer.send(req(roomB, 'ok'))]);
    expect(archived).toEqual({ ok: false, reason: 'archived' });
    expect(fine).toMatchObject({ ok: true, message: { seq: 1 } });
    expect(await db.dataSource.getRepository(RoomEntity).findOneByOrFail({ id: roomA })).toMatchObject({ lastSeq: 0 });
  });

  it('gives edits and deletions the room\u2019s next rev and keeps the tombstone', async () => {
    const sent = await writer.send(req(roomA, 'm'));
    if (!sent.ok) throw new Error('send failed');
    const edited = await writer.store.edit(sent.message.id, 'changed', new Date());
    const removed = await writer.store.remove(sent.message.id, new Date());
    expect(edited).toMatchObject({ ok: true, message: { body: 'changed', rev: 2, seq: 1 } });
    expect(removed).toMatchObject({ ok: true, message: { body: '', rev: 3, seq: 1 } });
    expect(removed.ok && removed.message.deletedAt).toBeTruthy();
    expect(await writer.store.edit(randomUUID(), 'x', new Date())).toEqual({ ok: false, reason: 'not_found' });
  });

  it('lets sends that arrive just after a commit join one later commit; after a quiet moment a send commits at once', async () => {
    const tick = () => new Promise((r) => setImmediate(r));
    // SQLite spaces its commits 2 ms apart; PostgreSQL's commit does not stop the event loop and needs no spacing.
    expect(writer.commitSpacingMs).toBe(kind === 'sqlite' ? 2 : 0);
    // Wider than any commit here takes, so that the sends below surely arrive within it.
    writer.commitSpacingMs = 1000;
    const first = await writer.send(req(roomA, 's1'));
    // Three sends in three turns of the event loop, right after the first commit: one commit for the three.
    const next = [writer.send(req(roomA, 's2'))];
    await tick();
    next.push(writer.send(req(roomA, 's3')));
    await tick();
    next.push(writer.send(req(roomB, 's4')));
    const answers = await Promise.all(next);
    expect(writer.stats.commits).toBe(2);
    expect([first, ...answers].map((o) => o.ok && o.message.seq)).toEqual([1, 2, 3, 1]);
    await new Promise((r) => setTimeout(r, 1050));
    const started = performance.now();
    await writer.send(req(roomB, 's5'));
    expect(writer.stats.commits).toBe(3);
    // Not held back by the spacing after a quiet moment: only the commit's own time.
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('MessageWriter on PostgreSQL with two API processes', () => {
  let db: Awaited<ReturnType<typeof openPostgresTestDatabase>>;
  afterEach(() => db.close());

  it('keeps every room\u2019s seqs gapless and every send once when two processes commit into the same rooms at once', async () => {
    db = await openPostgresTestDatabase();
    const other = await db.open();
    const writers = [new MessageWriter(db.dataSource, db.config, await db.keys()), new MessageWriter(other.dataSource, db.config, await other.keys())];
    const users = db.dataSource.getRepository(UserEntity);
    const people = await Promise.all(
      ['ana', 'bo', 'cy'].map(async (name) => (await users.save(users.create({ username: name, email: `${name}@example.com`, displayName: name, passwordHash: 'x' }))).id),
    );
    const roomRepo = db.dataSource.getRepository(RoomEntity);
    const rooms: string[] = [];
    for (let r = 0; r < 6; r++) rooms.push((await roomRepo.save(roomRepo.create({ kind: 'group', name: `R${r}`, ownerId: people[0] }))).id);
    await db.dataSource.getRepository(RoomMemberEntity).insert(rooms.flatMap((roomId) => people.map((userId) => ({ roomId, userId, role: 'member' as const }))));

    // Each process gets batches spanning every room, in opposite orders, and both resend some clientMsgIds.
    const sends: Promise<unknown>[] = [];
    for (let n = 0; n < 300; n++) {
      for (const [w, writer] of writers.entries()) {
        const roomId = rooms[w === 0 ? n % rooms.length : rooms.length - 1 - (n % rooms.length)];
        const senderId = people[n % people.length];
        // Every tenth send is made by both processes with the same clientMsgId (a client retrying elsewhere).
        const clientMsgId = n % 10 === 0 ? `shared-${n}` : `p${w}-${n}`;
        const target = n % 10 === 0 ? rooms[n % rooms.length] : roomId;
        sends.push(writer.send({ roomId: target, senderId, clientMsgId, body: `${w}:${n}`, replyToId: null }));
      }
    }
    const outcomes = (await Promise.all(sends)) as Awaited<ReturnType<MessageWriter['send']>>[];
    expect(outcomes.every((o) => o.ok)).toBe(true);
    // A shared clientMsgId made one message: both processes answered with it.
    const byClientId = new Map<string, Set<string>>();
    for (const o of outcomes) if (o.ok) byClientId.set(o.message.clientMsgId, (byClientId.get(o.message.clientMsgId) ?? new Set()).add(o.message.id));
    expect([...byClientId.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(byClientId.size).toBe(600 - 30);

    const stored = await new MessageSealing(await db.keys()).openAll(await db.dataSource.getRepository(MessageEntity).find({ order: { seq: 'ASC' } }));
    expect(stored).toHaveLength(570);
    for (const roomId of rooms) {
      const seqs = stored.filter((m) => m.roomId === roomId).map((m) => m.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      const room = await roomRepo.findOneByOrFail({ id: roomId });
      expect(room.lastSeq).toBe(seqs.length);
      // Each sender's read marker is at their own last message in the room.
      for (const userId of people) {
        const mine = stored.filter((m) => m.roomId === roomId && m.senderId === userId).map((m) => m.seq);
        const member = await db.dataSource.getRepository(RoomMemberEntity).findOneByOrFail({ roomId, userId });
        expect(member.lastReadSeq).toBe(mine.length ? Math.max(...mine) : 0);
      }
    }
    // What each ack said is what was stored.
    const storedById = new Map(stored.map((m) => [m.id, m]));
    for (const o of outcomes) if (o.ok) expect({ seq: storedById.get(o.message.id)?.seq, body: storedById.get(o.message.id)?.body }).toEqual({ seq: o.message.seq, body: o.message.body });
  }, 60_000);
});
