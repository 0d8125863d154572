import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { DataKeys } from '../encryption/data-keys';
import { EncryptionKeyEntity } from '../encryption/encryption-key.entity';
import { readMasterKeyFile } from '../encryption/master-keys';
import { AppEvents } from '../events/app-events';
import { LocalBlobStore } from '../files/blob-stores/local-blob-store';
import { openTestDatabase, TestDatabase } from '../testing/test-database';
import { AvatarService } from './avatar.service';
import { avatarVersion } from './avatar-url';
import { UserEntity } from './user.entity';
import { UsersService } from './users.service';

const png = (r: number) => sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g: 90, b: 160 } } }).png().toBuffer();

describe('AvatarService', () => {
  let db: TestDatabase;
  let avatars: AvatarService;
  let user: UserEntity;
  let updates: string[];

  const stored = () => readdirSync(join(db.config.dataDir, 'files', 'avatars')).sort();
  const start = async () => {
    const events = new AppEvents();
    events.on('user.updated', (e) => void updates.push(e.userId));
    const service = new AvatarService(db.dataSource.getRepository(UserEntity), events, db.config, await LocalBlobStore.open(join(db.config.dataDir, 'files')), await db.keys());
    await service.onModuleInit();
    return service;
  };

  beforeEach(async () => {
    db = await openTestDatabase();
    updates = [];
    avatars = await start();
    user = await new UsersService(db.dataSource.getRepository(UserEntity), new AppEvents()).create({
      username: 'ada',
      email: 'ada@example.com',
      displayName: 'Ada Lovelace',
      passwordHash: '$argon2id$fake',
    });
  });
  afterEach(() => db.close());

  it('stores a new picture under a random name, removes the one it replaces, and announces the change', async () => {
    const first = await avatars.upload(user.id, { buffer: await png(10), originalname: 'a.png' });
    expect(stored()).toEqual([first.avatarFile]);
    expect(first.avatarFile).toMatch(/^[0-9a-f]{32}\.webp$/);
    const second = await avatars.upload(user.id, { buffer: await png(200), originalname: 'b.png' });
    expect(stored()).toEqual([second.avatarFile]);
    expect((await avatars.image(user.id)).version).toBe(avatarVersion(second));
    expect(updates).toEqual([user.id, user.id]);
  });

  it('keeps the old picture when an upload is refused', async () => {
    const first = await avatars.upload(user.id, { buffer: await png(10), originalname: 'a.png' });
    await expect(avatars.upload(user.id, { buffer: Buffer.from('<svg/>'), originalname: 'b.png' })).rejects.toMatchObject({ status: 400 });
    await expect(avatars.upload(user.id, undefined)).rejects.toMatchObject({ status: 400 });
    expect(stored()).toEqual([first.avatarFile]);
    expect((await db.dataSource.getRepository(UserEntity).findOneByOrFail({ id: user.id })).avatarFile).toBe(first.avatarFile);
  });

  it('leaves exactly one file behind when uploads race', async () => {
    const results = await Promise.all([png(1), png(2), png(3), png(4)].map(async (p) => avatars.upload(user.id, { buffer: await p, originalname: 'x.png' })));
    const current = (await db.dataSource.getRepository(UserEntity).findOneByOrFail({ id: user.id })).avatarFile;
    expect(results.map((r) => r.avatarFile)).toContain(current);
    expect(stored()).toEqual([current]);
  });

  it('goes back to initials on removal, deleting the file; a second removal changes nothing', async () => {
    await avatars.upload(user.id, { buffer: await png(10), originalname: 'a.png' });
    const removed = await avatars.remove(user.id);
    expect(removed.avatarFile).toBeNull();
    expect(stored()).toEqual([]);
    expect((await avatars.image(user.id)).version).toBe(avatarVersion({ ...user, avatarFile: null }));
    await avatars.remove(user.id);
    expect(updates).toEqual([user.id, user.id]);
  });

  it('moves pictures stored by an older Parley (DATA_DIR/avatars) into the file store at start-up, still showing them', async () => {
    const legacy = join(db.config.dataDir, 'avatars');
    const name = `${'ab'.repeat(16)}.webp`;
    const picture = await sharp(await png(99)).webp().toBuffer();
    mkdirSync(legacy);
    writeFileSync(join(legacy, name), picture);
    await db.dataSource.getRepository(UserEntity).update({ id: user.id }, { avatarFile: name });

    const restarted = await start();
    expect(stored()).toEqual([name]);
    expect(existsSync(legacy)).toBe(false);
    const shown = await restarted.image(user.id);
    expect(shown.version).toBe('ab'.repeat(16));
    expect(shown.body.equals(picture)).toBe(true);
    // Starting again finds nothing left to move.
    await start();
    expect(stored()).toEqual([name]);
  });

  it('still shows a picture left in DATA_DIR/avatars, and removes it from there when it is replaced', async () => {
    const legacy = join(db.config.dataDir, 'avatars');
    const name = `${'cd'.repeat(16)}.webp`;
    const picture = await sharp(await png(42)).webp().toBuffer();
    // Written after start-up, as if it could not be moved (the store was unreachable then).
    mkdirSync(legacy);
    writeFileSync(join(legacy, name), picture);
    await db.dataSource.getRepository(UserEntity).update({ id: user.id }, { avatarFile: name });
    expect((await avatars.image(user.id)).body.equals(picture)).toBe(true);

    await avatars.upload(user.id, { buffer: await png(7), originalname: 'new.png' });
    expect(readdirSync(legacy)).toEqual([]);
  });

  describe('encrypted at rest', () => {
    const storedBytes = (name: string) => readFileSync(join(db.config.dataDir, 'files', 'avatars', name));

    it('stores the picture encrypted, bound to its user and name, and serves it decrypted', async () => {
      const { avatarFile } = await avatars.upload(user.id, { buffer: await png(10), originalname: 'a.png' });
      const served = (await avatars.image(user.id)).body;
      expect(served.subarray(0, 4).toString('latin1')).toBe('RIFF');
      const bytes = storedBytes(avatarFile!);
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('PEB1');
      expect(bytes.includes(served.subarray(0, 12))).toBe(false);
      expect(bytes.includes(served.subarray(served.length - 32))).toBe(false);

      // Another user pointed at the same file gets initials: the ciphertext is bound to its owner.
      const other = await new UsersService(db.dataSource.getRepository(UserEntity), new AppEvents()).create({ username: 'bob', email: 'bob@example.com', displayName: 'Bob', passwordHash: 'x' });
      await db.dataSource.getRepository(UserEntity).update({ id: other.id }, { avatarFile });
      expect((await avatars.image(other.id)).version).toBe(avatarVersion({ ...other, avatarFile: null }));
    });

    it('encrypts pictures stored before, and re-encrypts them after a data-key rotation, in the background job\'s steps', async () => {
      const legacy = join(db.config.dataDir, 'avatars');
      const name = `${'ef'.repeat(16)}.webp`;
      const picture = await sharp(await png(77)).webp().toBuffer();
      mkdirSync(legacy);
      writeFileSync(join(legacy, name), picture);
      await db.dataSource.getRepository(UserEntity).update({ id: user.id }, { avatarFile: name });
      await start(); // moved into the file store as it was: plaintext
      expect(storedBytes(name).equals(picture)).toBe(true);

      expect(await avatars.reseal(null, 10)).toEqual({ last: user.id, changed: 1 });
      expect(await avatars.reseal(user.id, 10)).toEqual({ last: null, changed: 0 });
      const keys = await db.keys();
      const first = storedBytes(name);
      expect(first.subarray(4, 12).toString('hex')).toBe(keys.currentKeyId);
      expect((await avatars.image(user.id)).body.equals(picture)).toBe(true);

      // A new data key: the next pass moves the picture to it; one already there is left alone.
      const [file] = readdirSync(join(db.config.dataDir, 'keys'));
      await new DataKeys(db.dataSource.getRepository(EncryptionKeyEntity)).rotate(readMasterKeyFile(join(db.config.dataDir, 'keys', file)));
      await keys.refresh();
      expect(await avatars.reseal(null, 10)).toEqual({ last: user.id, changed: 1 });
      expect(storedBytes(name).subarray(4, 12).toString('hex')).toBe(keys.currentKeyId);
      expect(await avatars.reseal(null, 10)).toEqual({ last: user.id, changed: 0 });
      expect((await avatars.image(user.id)).body.equals(picture)).toBe(true);
    });
  });
});
