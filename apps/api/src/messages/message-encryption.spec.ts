import { FileStatus, MessageKind, RoomEventType } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { DecryptionFailed } from '../encryption/envelope';
import { KeyRing } from '../encryption/key-ring';
import { FileEntity } from '../files/file.entity';
import { RoomMemberEntity } from '../rooms/room-member.entity';
import { RoomEntity } from '../rooms/room.entity';
import { keyRingOf, openPostgresTestDatabase, openTestDatabase, TestDatabase } from '../testing/test-database';
import { loadConfig } from '../config/config';
import { UserEntity } from '../users/user.entity';
import { MessageEntity } from './message.entity';
import { MessageHistory } from './message-history';
import { MessageSealing } from './message-sealing';
import { MessageWriter } from './message-writer';
import { RoomActivity } from './room-activity';

const databases = { sqlite: openTestDatabase, postgres: openPostgresTestDatabase };
const CANARY = 'canary-7f3a9e-do-not-store-in-clear';

describe.each(['sqlite', 'postgres'] as const)('messages encrypted at rest (%s)', (kind) => {
  let db: TestDatabase;
  let keys: KeyRing;
  let writer: MessageWriter;
  let ada: UserEntity;
  let roomId: string;

  beforeEach(async () => {
    db = await databases[kind]();
    keys = await db.keys();
    writer = new MessageWriter(db.dataSource, db.config, keys);
    const users = db.dataSource.getRepository(UserEntity);
    ada = await users.save(users.create({ username: 'ada', email: 'ada@example.com', displayName: 'Ada', passwordHash: 'x' }));
    const rooms = db.dataSource.getRepository(RoomEntity);
    roomId = (await rooms.save(rooms.create({ kind: 'group', name: 'Launch', ownerId: ada.id }))).id;
    await db.dataSource.getRepository(RoomMemberEntity).insert({ roomId, userId: ada.id, role: 'owner' });
  });
  afterEach(() => db.close());

  const send = async (body: string, extra: { attachmentIds?: string[]; clientMsgId?: string } = {}) => {
    const outcome = await writer.send({ roomId, senderId: ada.id, clientMsgId: extra.clientMsgId ?? randomUUID(), body, replyToId: null, attachmentIds: extra.attachmentIds });
    if (!outcome.ok) throw new Error(`send failed: ${outcome.reason}`);
    return outcome.message;
  };
  const raw = () => db.dataSource.query('SELECT id, body, event FROM messages ORDER BY seq') as Promise<{ id: string; body: string; event: string | null }[]>;
  const history = () => new MessageHistory(db.dataSource, keys).page(roomId, {});
  /** A file Ada uploaded into the room, ready to attach (a send with files takes the transaction path on PostgreSQL). */
  const readyFile = async () => {
    const id = randomUUID();
    const now = new Date();
    await db.dataSource.getRepository(FileEntity).insert({ id, roomId, uploaderId: ada.id, messageId: null, name: 'plan.pdf', declaredSize: 3, size: 3, status: FileStatus.Ready, createdAt: now, touchedAt: now });
    return id;
  };

  it('stores bodies and system lines encrypted, on every write path, and reads them back on every read path', async () => {
    const plain = await send(`${CANARY} one`);
    const withFile = await send(`${CANARY} with a file`, { attachmentIds: [await readyFile()] });
    const edited = await writer.store.edit(plain.id, `${CANARY} edited`, new Date());
    expect(edited).toMatchObject({ ok: true, message: { body: `${CANARY} edited` } });
    // A system line: its event holds the room's new name.
    const renamed = await writer.send({ roomId, senderId: ada.id, clientMsgId: `system-${randomUUID()}`, body: '', replyToId: null, event: { type: RoomEventType.RoomRenamed, actor: { id: ada.id, name: 'Ada' }, name: `${CANARY} room` } });
    // A file-only message: an empty body stays empty.
    const filesOnly = await send('', { attachmentIds: [await readyFile()] });

    const stored = await raw();
    expect(JSON.stringify(stored)).not.toContain('canary');
    expect(stored.map((r) => r.body.slice(0, 4))).toEqual(['pe1.', 'pe1.', '', '']);
    expect(stored[2].event?.slice(0, 4)).toBe('pe1.');

    const page = await history();
    expect(page.items.map((m) => m.body)).toEqual([`${CANARY} edited`, `${CANARY} with a file`, '', '']);
    expect(page.items[2]).toMatchObject({ kind: MessageKind.System, event: { name: `${CANARY} room` } });
    expect(page.items.map((m) => m.id)).toEqual([plain.id, withFile.id, renamed.ok && renamed.message.id, filesOnly.id]);
    // The room list's preview of the last message, and a resend answered with the stored original.
    const last = await send(`${CANARY} last`, { clientMsgId: 'again' });
    const preview = (await new RoomActivity(db.dataSource.getRepository(MessageEntity), keys).lastMessages(ada.id, [], roomId)).get(roomId);
    expect(preview?.text).toBe(`${CANARY} last`);
    expect(await writer.send({ roomId, senderId: ada.id, clientMsgId: 'again', body: 'different', replyToId: null })).toMatchObject({ ok: true, created: false, message: { id: last.id, body: `${CANARY} last` } });
  });

  it('refuses a body copied into another row: the ciphertext is bound to its message', async () => {
    const first = await send('meant for the first message');
    const second = await send('the second');
    const [row] = (await db.dataSource.query(`SELECT body FROM messages WHERE id = ${kind === 'postgres' ? '$1' : '?'}`, [first.id])) as { body: string }[];
    await db.dataSource.getRepository(MessageEntity).update({ id: second.id }, { body: row.body });
    await expect(history()).rejects.toThrow(DecryptionFailed);
  });

  it('takes a file off a message by its words as written, not as stored', async () => {
    const fileId = await readyFile();
    const spaces = await send('   ', { attachmentIds: [fileId] });
    const detached = await writer.store.detach(spaces.id, fileId, new Date());
    // No words and no files left: a tombstone.
    expect(detached).toMatchObject({ ok: true, deleted: true, message: { body: '' } });
  });

  it('encrypts, in the background, what an installation stored before encryption was on; an edit made meanwhile is never undone', async () => {
    const off = keyRingOf(db.dataSource, loadConfig({ DATA_DIR: db.config.dataDir, DATABASE_URL: kind === 'postgres' ? (db.dataSource.options as { url: string }).url : '', ENCRYPTION_AT_REST: 'off' }));
    await off.ready();
    off.onApplicationShutdown();
    const plainWriter = new MessageWriter(db.dataSource, db.config, off);
    const sent = [];
    for (let i = 0; i < 7; i++) {
      const o = await plainWriter.send({ roomId, senderId: ada.id, clientMsgId: `old-${i}`, body: `${CANARY} old ${i}`, replyToId: null });
      if (o.ok) sent.push(o.message);
    }
    expect((await raw()).filter((r) => r.body.includes(CANARY))).toHaveLength(7);

    const pass = async () => {
      let after: string | null = null;
      let changed = 0;
      for (;;) {
        const step: { last: string | null; changed: number } = await writer.store.reseal(after, 3);
        changed += step.changed;
        if (step.last === null) return changed;
        after = step.last;
      }
    };
    // In the first step, an edit (by a process with encryption off) lands after the rows were read and before they are rewritten.
    const original = MessageSealing.prototype.reseals;
    // The first message in id order: the first step reads it.
    const edited = [...sent].sort((a, b) => (a.id < b.id ? -1 : 1))[0];
    jest.spyOn(MessageSealing.prototype, 'reseals').mockImplementationOnce(async function (this: MessageSealing, rows) {
      const out = await original.call(this, rows);
      await plainWriter.store.edit(edited.id, `${CANARY} edited meanwhile`, new Date());
      return out;
    });
    expect(await pass()).toBe(6);
    const expected = sent.map((m) => (m.id === edited.id ? `${CANARY} edited meanwhile` : m.body));
    expect((await history()).items.map((m) => m.body)).toEqual(expected);
    // The next pass encrypts the edit too; then there is nothing left to do.
    expect(await pass()).toBe(1);
    expect(await pass()).toBe(0);
    expect((await raw()).every((r) => r.body.startsWith('pe1.'))).toBe(true);
    expect((await history()).items.map((m) => m.body)).toEqual(expected);
  });
});
