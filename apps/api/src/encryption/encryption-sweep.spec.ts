import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/config';
import { JobEntity } from '../jobs/job.entity';
import { JobsService } from '../jobs/jobs.service';
import { MessageWriter } from '../messages/message-writer';
import { RoomMemberEntity } from '../rooms/room-member.entity';
import { RoomEntity } from '../rooms/room.entity';
import { keyRingOf, openPostgresTestDatabase, openTestDatabase, TestDatabase } from '../testing/test-database';
import { UserEntity } from '../users/user.entity';
import { DataKeys } from './data-keys';
import { EncryptionKeyEntity } from './encryption-key.entity';
import { EncryptionSweep } from './encryption-sweep';
import { sealedTextKeyId } from './envelope';
import { KeyRing, ROTATION_GRACE_MS, SWEEP_JOB } from './key-ring';
import { rotateDataKey } from './key-rotation';

const databases = { sqlite: openTestDatabase, postgres: openPostgresTestDatabase };

describe.each(['sqlite', 'postgres'] as const)('EncryptionSweep (the background job, on %s)', (kind) => {
  let db: TestDatabase;
  let roomId: string;
  let senderId: string;
  afterEach(() => db.close());

  beforeEach(async () => {
    db = await databases[kind]();
    const users = db.dataSource.getRepository(UserEntity);
    senderId = (await users.save(users.create({ username: 'ada', email: 'ada@example.com', displayName: 'Ada', passwordHash: 'x' }))).id;
    const rooms = db.dataSource.getRepository(RoomEntity);
    roomId = (await rooms.save(rooms.create({ kind: 'group', name: 'R', ownerId: senderId }))).id;
    await db.dataSource.getRepository(RoomMemberEntity).insert({ roomId, userId: senderId, role: 'owner' });
  });

  const url = () => (kind === 'postgres' ? (db.dataSource.options as { url: string }).url : '');
  const jobs = (d: TestDatabase = db) => new JobsService(d.dataSource.getRepository(JobEntity));
  /** A key ring started as a process with these settings starts it (its timer stopped: refreshes are explicit). */
  const startedRing = async (d: TestDatabase, env: Record<string, string> = {}) => {
    const ring = keyRingOf(d.dataSource, loadConfig({ DATA_DIR: db.config.dataDir, DATABASE_URL: url(), ...env }));
    await ring.ready();
    ring.onApplicationShutdown();
    return ring;
  };
  const bodies = async () => ((await db.dataSource.query('SELECT body FROM messages')) as { body: string }[]).map((r) => r.body);

  /** One API process's sweep, with the messages task; `afters` records where each of its steps began. */
  const processOn = async (d: TestDatabase, keys: KeyRing) => {
    const writer = new MessageWriter(d.dataSource, d.config, keys);
    const afters: (string | null)[] = [];
    const sweep = new EncryptionSweep(keys, jobs(d)).configure({ budgetMs: 0, batch: 5, pauseMs: 0 });
    sweep.register({
      name: 'messages',
      reseal: (after, limit) => {
        afters.push(after);
        return writer.store.reseal(after, limit);
      },
    });
    return { sweep, afters };
  };

  it('encrypts an existing installation\u2019s messages in small steps, and resumes where an interrupted run stopped', async () => {
    // Messages written while encryption was off.
    const off = await startedRing(db, { ENCRYPTION_AT_REST: 'off' });
    const plain = new MessageWriter(db.dataSource, db.config, off);
    for (let i = 0; i < 23; i++) await plain.send({ roomId, senderId, clientMsgId: randomUUID(), body: `old message ${i}`, replyToId: null });
    expect((await bodies()).filter((b) => b.startsWith('old message'))).toHaveLength(23);

    // Encryption on: the first data key, and a run of the job is wanted.
    const keys = await db.keys();
    expect((await jobs().progress(SWEEP_JOB)).requestedAt).not.toBeNull();

    // One process runs one step (its budget is spent), then dies.
    const first = await processOn(db, keys);
    expect(await first.sweep.run()).toBe(false);
    expect(first.afters).toEqual([null]);
    const saved = (await jobs().progress<{ after: string; changed: number }>(SWEEP_JOB)).cursor!;
    expect(saved.changed).toBe(5);
    expect((await bodies()).filter((b) => b.startsWith('pe1.'))).toHaveLength(5);

    // Another process (or the same one restarted) goes on from there, not from the start.
    const other = kind === 'postgres' ? await (db as Awaited<ReturnType<typeof openPostgresTestDatabase>>).open() : db;
    const second = await processOn(other, await startedRing(other));
    second.sweep.configure({ budgetMs: 60_000 });
    expect(await second.sweep.run()).toBe(true);
    expect(second.afters[0]).toBe(saved.after);
    expect(second.afters).toHaveLength(4 + 1); // 18 more rows in steps of 5, then the step that finds none
    expect((await bodies()).every((b) => sealedTextKeyId(b) === keys.currentKeyId)).toBe(true);
    expect(await jobs().progress(SWEEP_JOB)).toEqual({ cursor: null, requestedAt: null });

    // Nothing wanted: a run looks at nothing.
    expect(await second.sweep.run()).toBe(true);
    expect(second.afters).toHaveLength(5);
  });

  it('after a data-key rotation, waits until every process uses the new key, then re-encrypts everything under it', async () => {
    const keys = await db.keys();
    const writer = new MessageWriter(db.dataSource, db.config, keys);
    for (let i = 0; i < 12; i++) await writer.send({ roomId, senderId, clientMsgId: randomUUID(), body: `message ${i}`, replyToId: null });
    const { sweep, afters } = await processOn(db, keys);
    sweep.configure({ budgetMs: 60_000 });
    await sweep.run(); // the first key's own request: nothing to change
    afters.length = 0;

    const t0 = new Date();
    const rotated = await rotateDataKey(new DataKeys(db.dataSource.getRepository(EncryptionKeyEntity)), jobs(), db.config.encryption.master, t0);
    const retired = sealedTextKeyId((await bodies())[0]);
    expect(rotated.retired).toEqual([retired]);
    expect(await sweep.run(() => new Date(t0.getTime() + ROTATION_GRACE_MS - 1))).toBe(true);
    expect(afters).toEqual([]);

    expect(await sweep.run(() => new Date(t0.getTime() + ROTATION_GRACE_MS))).toBe(true);
    expect(keys.currentKeyId).toBe(rotated.id);
    expect((await bodies()).every((b) => sealedTextKeyId(b) === rotated.id)).toBe(true);
    const history = await writer.store.reseal(null, 100);
    expect(history.changed).toBe(0);
    // The retired key stays (wrapped), marked retired.
    expect(await db.dataSource.getRepository(EncryptionKeyEntity).findOneByOrFail({ id: retired! })).toMatchObject({ retiredAt: t0 });
  });
});
