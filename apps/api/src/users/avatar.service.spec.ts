import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { AppEvents } from '../events/app-events';
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

  const stored = () => readdirSync(join(db.config.dataDir, 'avatars')).sort();

  beforeEach(async () => {
    db = await openTestDatabase();
    const events = new AppEvents();
    updates = [];
    events.on('user.updated', (e) => void updates.push(e.userId));
    const repo = db.dataSource.getRepository(UserEntity);
    avatars = new AvatarService(repo, events, db.config);
    await avatars.onModuleInit();
    user = await new UsersService(repo, events).create({ username: 'ada', email: 'ada@example.com', displayName: 'Ada Lovelace', passwordHash: '$argon2id$fake' });
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
});
