import { FileStatus } from '@parley/contracts';
import type { DataStore } from '@tus/server';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageWriter } from '../messages/message-writer';
import { RoomMemberEntity } from '../rooms/room-member.entity';
import { RoomEntity } from '../rooms/room.entity';
import { openTestDatabase, TestDatabase } from '../testing/test-database';
import { UserEntity } from '../users/user.entity';
import type { BlobStore } from './blob-store';
import { LocalBlobStore } from './blob-stores/local-blob-store';
import { FileDiscardEntity } from './file-discard.entity';
import { FileDiscards } from './file-discards';
import { FileEntity } from './file.entity';
import { thumbnailKey } from './file-keys';

/** A real local store (and its tus store) whose deletions can be made to fail, as an unreachable bucket's do. */
function storeThatMayFail(inner: LocalBlobStore): { store: BlobStore; uploads: DataStore; down: { on: boolean } } {
  const down = { on: false };
  const refuse = () => {
    if (down.on) throw new Error('connect ECONNREFUSED 127.0.0.1:9000');
  };
  const store: BlobStore = {
    put: (key, body) => inner.put(key, body),
    get: (key, range) => inner.get(key, range),
    stat: (key) => inner.stat(key),
    delete: async (key) => {
      refuse();
      await inner.delete(key);
    },
    tusDataStore: (options) => inner.tusDataStore(options),
    uploadKey: (id) => inner.uploadKey(id),
  };
  const uploads = inner.tusDataStore();
  const remove = uploads.remove.bind(uploads);
  uploads.remove = async (id) => {
    refuse();
    await remove(id);
  };
  return { store, uploads, down };
}

describe('FileDiscards (deleting the bytes of deleted files, durably)', () => {
  const MINUTE = 60_000;
  let db: TestDatabase;
  let dir: string;
  let blobs: BlobStore;
  let down: { on: boolean };
  let discards: FileDiscards;

  beforeEach(async () => {
    db = await openTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'parley-discards-'));
    const flaky = storeThatMayFail(await LocalBlobStore.open(dir));
    ({ store: blobs, down } = flaky);
    discards = new FileDiscards(db.dataSource.getRepository(FileDiscardEntity), blobs, flaky.uploads, db.config);
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ledger = () => db.dataSource.getRepository(FileDiscardEntity).find({ order: { fileId: 'ASC' } });

  /** Bytes and a thumbnail in the store, as a finished picture has. */
  async function storeBytes(id: string = randomUUID()): Promise<string> {
    await blobs.put(blobs.uploadKey(id), Buffer.from(`bytes of ${id}`));
    await blobs.put(thumbnailKey(id), Buffer.from('webp'));
    return id;
  }
  const stored = async (id: string) => ({ bytes: (await blobs.stat(blobs.uploadKey(id))) !== null, thumbnail: (await blobs.stat(thumbnailKey(id))) !== null });

  /** Discards recorded as a committed deletion records them. */
  const recorded = (ids: string[], at: Date) => db.dataSource.manager.transaction((em) => discards.record(em, ids, at));

  it('records a deleted message\u2019s files in the deletion\u2019s transaction, keeps them while the store fails, and the sweep deletes them later', async () => {
    const users = db.dataSource.getRepository(UserEntity);
    const ada = await users.save(users.create({ username: 'ada', email: 'ada@example.com', displayName: 'Ada', passwordHash: 'x' }));
    const rooms = db.dataSource.getRepository(RoomEntity);
    const room = await rooms.save(rooms.create({ kind: 'group', name: 'Photos', ownerId: ada.id }));
    await db.dataSource.getRepository(RoomMemberEntity).insert({ roomId: room.id, userId: ada.id, role: 'owner' });
    const fileId = await storeBytes();
    const t0 = new Date();
    await db.dataSource.getRepository(FileEntity).insert({
      id: fileId, roomId: room.id, uploaderId: ada.id, messageId: null, name: 'view.png', declaredSize: 20, size: 20, status: FileStatus.Ready, createdAt: t0, touchedAt: t0,
    });
    const writer = new MessageWriter(db.dataSource, db.config, await db.keys());
    const sent = await writer.send({ roomId: room.id, senderId: ada.id, clientMsgId: 'c1', body: '', replyToId: null, attachmentIds: [fileId] });
    expect(sent.ok).toBe(true);

    const removed = await writer.store.remove(sent.ok ? sent.message.id : '', t0);
    expect(removed).toMatchObject({ ok: true, removedFileIds: [fileId] });
    // Committed together: the row is gone and its bytes are on the ledger, still in the store.
    expect(await db.dataSource.getRepository(FileEntity).countBy({ id: fileId })).toBe(0);
    expect(await ledger()).toMatchObject([{ fileId, attempts: 0, lastError: null }]);
    expect(await stored(fileId)).toEqual({ bytes: true, thumbnail: true });

    down.on = true;
    await discards.discard([fileId]);
    const [failed] = await ledger();
    expect(failed).toMatchObject({ fileId, attempts: 1, lastError: 'connect ECONNREFUSED 127.0.0.1:9000' });
    expect(failed.dueAt.getTime()).toBeGreaterThan(Date.now() + 0.9 * MINUTE);
    expect(await stored(fileId)).toEqual({ bytes: true, thumbnail: true });

    down.on = false;
    expect(await discards.drain(new Date(Date.now() + 30_000))).toEqual({ deleted: 0, failed: 0 }); // not due yet
    expect(await discards.drain(new Date(Date.now() + 2 * MINUTE))).toEqual({ deleted: 1, failed: 0 });
    expect(await stored(fileId)).toEqual({ bytes: false, thumbnail: false });
    expect(await ledger()).toEqual([]);
  });

  it('forgets a discard once its bytes are gone, a missing blob counting as gone', async () => {
    const [withBytes, without] = [await storeBytes(), randomUUID()];
    await recorded([withBytes, without], new Date());
    await discards.discard([withBytes, without]);
    expect(await stored(withBytes)).toEqual({ bytes: false, thumbnail: false });
    expect(await ledger()).toEqual([]);
  });

  it('leaves discards younger than the grace period to the request that recorded them, then retries with a growing backoff', async () => {
    const id = await storeBytes();
    const t0 = new Date('2026-12-04T10:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    await recorded([id], t0);

    expect(await discards.drain(at(30_000))).toEqual({ deleted: 0, failed: 0 });
    down.on = true;
    expect(await discards.drain(at(MINUTE))).toEqual({ deleted: 0, failed: 1 });
    expect((await ledger())[0]).toMatchObject({ attempts: 1 });
    // Due again a minute later, then two, then four...
    expect(await discards.drain(at(2 * MINUTE - 1))).toEqual({ deleted: 0, failed: 0 });
    expect(await discards.drain(at(2 * MINUTE))).toEqual({ deleted: 0, failed: 1 });
    expect(await discards.drain(at(4 * MINUTE - 1))).toEqual({ deleted: 0, failed: 0 });
    expect(await discards.drain(at(4 * MINUTE))).toEqual({ deleted: 0, failed: 1 });
    expect((await ledger())[0]).toMatchObject({ attempts: 3 });
    expect((await ledger())[0].dueAt.toISOString()).toBe(at(8 * MINUTE).toISOString());
    expect([1, 2, 3, 7, 40].map((n) => discards.retryDelayMs(n) / MINUTE)).toEqual([1, 2, 4, 60, 60]);

    down.on = false;
    expect(await discards.drain(at(8 * MINUTE))).toEqual({ deleted: 1, failed: 0 });
    expect(await stored(id)).toEqual({ bytes: false, thumbnail: false });
    expect(await ledger()).toEqual([]);
  });

  it('stops a drain after ten failures in a row, leaving the rest untouched for the next sweep', async () => {
    const ids = await Promise.all(Array.from({ length: 15 }, () => storeBytes()));
    const t0 = new Date('2026-12-04T10:00:00Z');
    await recorded(ids, t0);
    down.on = true;
    expect(await discards.drain(new Date(t0.getTime() + MINUTE))).toEqual({ deleted: 0, failed: 10 });
    const rows = await ledger();
    expect(rows.filter((r) => r.attempts === 0)).toHaveLength(5);
    down.on = false;
    expect(await discards.drain(new Date(t0.getTime() + 10 * MINUTE))).toEqual({ deleted: 15, failed: 0 });
    expect(await ledger()).toEqual([]);
  });

  it('records a file again whose bytes may have come back after its discard ran', async () => {
    const id = await storeBytes();
    await recorded([id], new Date());
    await discards.discard([id]);
    await storeBytes(id); // a thumbnail stored by a check that was still running
    down.on = true;
    await discards.discardAgain([id]);
    expect(await ledger()).toMatchObject([{ fileId: id, attempts: 1 }]);
    down.on = false;
    await discards.discardAgain([id]);
    expect(await stored(id)).toEqual({ bytes: false, thumbnail: false });
    expect(await ledger()).toEqual([]);
  });
});
