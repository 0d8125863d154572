import { FileStatus } from '@parley/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DataKeys } from '../encryption/data-keys';
import { EncryptionKeyEntity } from '../encryption/encryption-key.entity';
import { DecryptionFailed } from '../encryption/envelope';
import { KeyRing } from '../encryption/key-ring';
import { rotateDataKey } from '../encryption/key-rotation';
import { JobsService } from '../jobs/jobs.service';
import { JobEntity } from '../jobs/job.entity';
import { RoomEntity } from '../rooms/room.entity';
import { openTestDatabase, startedKeyRing, TestDatabase } from '../testing/test-database';
import { UserEntity } from '../users/user.entity';
import { LocalBlobStore } from './blob-stores/local-blob-store';
import { FileContents } from './file-contents';
import { FileEntity } from './file.entity';
import { sealedContentKey, thumbnailKey } from './file-keys';

async function readAll(stream: Readable | null): Promise<Buffer> {
  if (!stream) throw new Error('nothing stored');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('FileContents (files and thumbnails sealed above the BlobStore)', () => {
  let db: TestDatabase;
  let dir: string;
  let blobs: LocalBlobStore;
  let ring: KeyRing;
  let contents: FileContents;
  let roomId: string;
  let uploaderId: string;
  const files = () => db.dataSource.getRepository(FileEntity);

  /** A contents service of a process with these settings, on the same database and store. */
  const contentsWith = (keys: KeyRing) => new FileContents(files(), blobs, blobs.tusDataStore(), keys);

  beforeEach(async () => {
    db = await openTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'parley-contents-'));
    blobs = await LocalBlobStore.open(dir);
    ring = await db.keys();
    contents = contentsWith(ring);
    const users = db.dataSource.getRepository(UserEntity);
    const ada = await users.save(users.create({ username: 'ada', email: 'ada@example.com', displayName: 'Ada', passwordHash: 'x' }));
    const rooms = db.dataSource.getRepository(RoomEntity);
    roomId = (await rooms.save(rooms.create({ kind: 'group', name: 'Files', ownerId: ada.id }))).id;
    uploaderId = ada.id;
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A finished upload: its plaintext in the staging key and a ready row. */
  async function makeUpload(bytes: Buffer): Promise<FileEntity> {
    const id = randomUUID();
    await blobs.put(blobs.uploadKey(id), bytes);
    const now = new Date();
    const row = files().create({ id, roomId, uploaderId, messageId: null, name: 'a.bin', declaredSize: bytes.length, size: bytes.length, status: FileStatus.Ready, createdAt: now, touchedAt: now, contentKeyId: null });
    await files().insert(row);
    return row;
  }

  /** About 300 KB with a canary through it: five segments, the last one short. */
  const canaryBytes = () => Buffer.concat(Array.from({ length: 3000 }, (_, i) => Buffer.from(`${i} canary-c0ffee ${randomBytes(30).toString('hex')}\n`)));

  it('seals a finished upload into files/<id>, removes the staging, and reads it whole and by any range', async () => {
    const plain = canaryBytes();
    const file = await makeUpload(plain);
    file.contentKeyId = await contents.sealUpload(file.id);
    expect(file.contentKeyId).toBe(ring.currentKeyId);
    await files().update({ id: file.id }, { contentKeyId: file.contentKeyId });
    await contents.removeStaging(file.id);

    expect(await blobs.stat(blobs.uploadKey(file.id))).toBeNull();
    const stored = await readAll(await blobs.get(sealedContentKey(file.id)));
    expect(stored.subarray(0, 4).toString('latin1')).toBe('PEF1');
    expect(stored.includes(Buffer.from('canary-c0ffee'))).toBe(false);

    expect((await readAll(await contents.open(file))).equals(plain)).toBe(true);
    const S = 64 * 1024;
    for (const [start, end] of [
      [0, 0],
      [S - 1, S],
      [S, 2 * S - 1],
      [3, 4 * S + 7],
      [plain.length - 1, plain.length - 1],
    ]) {
      expect((await readAll(await contents.open(file, { start, end }))).equals(plain.subarray(start, end + 1))).toBe(true);
    }
  });

  it('refuses a sealed file whose bytes were altered, whole or by range, and never gives the altered segment', async () => {
    const plain = canaryBytes();
    const file = await makeUpload(plain);
    file.contentKeyId = await contents.sealUpload(file.id);
    await files().update({ id: file.id }, { contentKeyId: file.contentKeyId });
    await contents.removeStaging(file.id);
    const stored = await readAll(await blobs.get(sealedContentKey(file.id)));
    stored[16 + 65_536 + 28 + 100] ^= 1; // in the second segment
    await blobs.put(sealedContentKey(file.id), stored);
    await expect(contents.open(file, { start: 65_536, end: 65_600 })).rejects.toThrow(DecryptionFailed);
    // The first segment is intact and given; the stream then fails rather than give the second.
    const whole = await contents.open(file);
    const got: Buffer[] = [];
    await expect(
      (async () => {
        for await (const c of whole) got.push(c as Buffer);
      })(),
    ).rejects.toThrow(DecryptionFailed);
    expect(Buffer.concat(got).equals(plain.subarray(0, 65_536))).toBe(true);
  });

  it('with encryption off, leaves the upload as sent; the background step later seals it, and a reader holding the old row follows it', async () => {
    const off = contentsWith(await startedKeyRing(db, { ENCRYPTION_AT_REST: 'off' }));
    const plain = canaryBytes();
    const file = await makeUpload(plain);
    expect(await off.sealUpload(file.id)).toBeNull();
    expect((await readAll(await off.open(file, { start: 10, end: 20 }))).equals(plain.subarray(10, 21))).toBe(true);

    expect(await contents.reseal({ ...file, hasThumbnail: false })).toBe(1);
    const row = await files().findOneByOrFail({ id: file.id });
    expect(row.contentKeyId).toBe(ring.currentKeyId);
    expect(await blobs.stat(blobs.uploadKey(file.id))).toBeNull();
    // `file` still says plaintext: the staging is gone, so the reader follows the row to the sealed copy.
    expect((await readAll(await contents.open(file))).equals(plain)).toBe(true);
    expect((await readAll(await off.open(row, { start: 70_000, end: 70_010 }))).equals(plain.subarray(70_000, 70_011))).toBe(true);
    // Current now: nothing more to do.
    expect(await contents.reseal({ ...row, hasThumbnail: false })).toBe(0);
  });

  it('re-encrypts files and thumbnails under a new data key; the old row and a stale reader still read', async () => {
    const plain = canaryBytes();
    const file = await makeUpload(plain);
    file.contentKeyId = await contents.sealUpload(file.id);
    await files().update({ id: file.id }, { contentKeyId: file.contentKeyId, hasThumbnail: true });
    const webp = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 '), randomBytes(3000)]);
    await contents.putThumbnail(file.id, webp);
    const oldKey = file.contentKeyId!;

    const jobs = new JobsService(db.dataSource.getRepository(JobEntity));
    const rotated = await rotateDataKey(new DataKeys(db.dataSource.getRepository(EncryptionKeyEntity)), jobs, db.config.encryption.master, new Date());
    const next = contentsWith(await startedKeyRing(db));
    expect(await next.reseal({ ...file, hasThumbnail: true })).toBe(2);
    expect((await files().findOneByOrFail({ id: file.id })).contentKeyId).toBe(rotated.id);
    const storedThumb = await readAll(await blobs.get(thumbnailKey(file.id)));
    expect(storedThumb.subarray(8, 16).toString('hex')).toBe(rotated.id);
    expect(storedThumb.includes(webp.subarray(100, 132))).toBe(false);

    // The first process, which knew only the old key, reads the new bytes (it fetches the new key) from a stale row.
    expect(file.contentKeyId).toBe(oldKey);
    expect((await readAll(await contents.open(file, { start: 65_530, end: 65_540 }))).equals(plain.subarray(65_530, 65_541))).toBe(true);
    expect((await contents.thumbnail(file.id))!.equals(webp)).toBe(true);
  });

  it('reads thumbnails stored before encryption (plain WebP) as they are, and sealed ones by their own additional data', async () => {
    const id = randomUUID();
    const webp = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 '), randomBytes(500)]);
    await blobs.put(thumbnailKey(id), webp);
    expect((await contents.thumbnail(id))!.equals(webp)).toBe(true);
    await contents.putThumbnail(id, webp);
    expect((await readAll(await blobs.get(thumbnailKey(id)))).subarray(0, 4).toString('latin1')).toBe('PEF1');
    expect((await contents.thumbnail(id))!.equals(webp)).toBe(true);
    // Another file's thumbnail copied over this one does not open.
    const other = randomUUID();
    await contents.putThumbnail(other, webp);
    await blobs.put(thumbnailKey(id), await readAll(await blobs.get(thumbnailKey(other))));
    await expect(contents.thumbnail(id)).rejects.toThrow(DecryptionFailed);
    expect(await contents.thumbnail(randomUUID())).toBeNull();
  });
});
