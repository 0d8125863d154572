import { AppEvents } from '../events/app-events';
import { openTestDatabase, TestDatabase } from '../testing/test-database';
import { UserEntity } from './user.entity';
import { NewUser, UsersService } from './users.service';

let n = 0;
function makeNewUser(overrides: Partial<NewUser> = {}): NewUser {
  n++;
  return { username: `member${n}`, email: `member${n}@example.com`, displayName: `Member ${n}`, passwordHash: '$argon2id$fake', ...overrides };
}

describe('UsersService', () => {
  let db: TestDatabase;
  let users: UsersService;

  beforeEach(async () => {
    db = await openTestDatabase();
    users = new UsersService(db.dataSource.getRepository(UserEntity), new AppEvents());
  });
  afterEach(() => db.close());

  it('makes the first account an admin and the rest members', async () => {
    const first = await users.create(makeNewUser());
    const second = await users.create(makeNewUser());
    expect(first.role).toBe('admin');
    expect(second.role).toBe('member');
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a taken username or email with a 409 naming the field', async () => {
    const a = await users.create(makeNewUser());
    await expect(users.create(makeNewUser({ username: a.username }))).rejects.toMatchObject({
      status: 409,
      details: [{ field: 'username', message: 'That username is already taken' }],
    });
    await expect(users.create(makeNewUser({ email: a.email }))).rejects.toMatchObject({ status: 409, details: [{ field: 'email' }] });
  });

  it('never loads the password hash unless asked', async () => {
    const a = await users.create(makeNewUser());
    const loaded = await users.findById(a.id);
    expect(loaded?.id).toBe(a.id);
    expect(loaded?.passwordHash).toBeUndefined();
    expect((await users.findByLoginWithHash(a.email.toUpperCase()))?.passwordHash).toBe('$argon2id$fake');
  });

  it('updates a profile and keeps its own username and email available to itself', async () => {
    const a = await users.create(makeNewUser());
    const b = await users.create(makeNewUser());
    const updated = await users.updateProfile(a, { username: a.username, displayName: 'New Name' });
    expect(updated.displayName).toBe('New Name');
    await expect(users.updateProfile(a, { email: b.email })).rejects.toMatchObject({ status: 409 });
  });

  it('searches active users by username, display name or their whole email, escaping wildcards', async () => {
    await users.create(makeNewUser({ username: 'grace', displayName: 'Grace Hopper', email: 'gh@navy.example' }));
    await users.create(makeNewUser({ username: 'alan', displayName: 'Alan Turing', email: 'at@bletchley.example' }));
    const gone = await users.create(makeNewUser({ username: 'gracie', displayName: 'Gracie Gone' }));
    await users.setActive(gone.id, false);

    expect((await users.search('HOPPER', 1, 10)).items.map((u) => u.username)).toEqual(['grace']);
    expect((await users.search('bletchley', 1, 10)).items.map((u) => u.username)).toEqual([]);
    expect((await users.search('AT@bletchley.example', 1, 10)).items.map((u) => u.username)).toEqual(['alan']);
    expect((await users.search('bletchley', 1, 10, { emailSubstring: true })).items.map((u) => u.username)).toEqual(['alan']);
    expect((await users.search('grac', 1, 10)).items.map((u) => u.username)).toEqual(['grace']);
    expect((await users.search('grac', 1, 10, { includeInactive: true })).total).toBe(2);
    expect((await users.search('%', 1, 10)).total).toBe(0);
    expect((await users.search('_', 1, 10)).total).toBe(0);
  });

  it('deactivates and reactivates', async () => {
    const a = await users.create(makeNewUser());
    expect((await users.setActive(a.id, false)).deactivatedAt).toBeInstanceOf(Date);
    expect((await users.findById(a.id))?.deactivatedAt).toBeInstanceOf(Date);
    expect((await users.setActive(a.id, true)).deactivatedAt).toBeNull();
    await expect(users.setActive('00000000-0000-4000-8000-000000000000', false)).rejects.toMatchObject({ status: 404 });
  });
});
