import { AppEvents } from '../events/app-events';
import { openTestDatabase, TestDatabase } from '../testing/test-database';
import { UserEntity } from '../users/user.entity';
import { SessionEntity } from './session.entity';
import { SessionsService } from './sessions.service';
import { hashToken } from './tokens';

describe('SessionsService', () => {
  let db: TestDatabase;
  let sessions: SessionsService;
  let userId: string;
  let ended: { userId: string; sessionIds?: string[]; reason: string }[];

  beforeEach(async () => {
    db = await openTestDatabase({ SESSION_TTL_HOURS: '1' });
    const events = new AppEvents();
    ended = [];
    events.on('auth.sessions-ended', (e) => {
      ended.push(e);
    });
    sessions = new SessionsService(db.dataSource.getRepository(SessionEntity), db.config, events);
    const user = await db.dataSource.getRepository(UserEntity).save({
      username: 'sam',
      email: 'sam@example.com',
      displayName: 'Sam',
      passwordHash: 'x',
      deactivatedAt: null,
      lastLoginAt: null,
    });
    userId = user.id;
  });
  afterEach(() => db.close());

  it('issues a 256-bit token and stores only its hash', async () => {
    const { token, session } = await sessions.create(userId, { userAgent: 'jest', ip: '127.0.0.1' });
    expect(token).toMatch(/^pls_[A-Za-z0-9_-]{43}$/);
    const row = await db.dataSource.getRepository(SessionEntity).findOneByOrFail({ id: session.id });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect((await sessions.findByToken(token))?.id).toBe(session.id);
    expect(await sessions.findByToken(token + 'x')).toBeNull();
  });

  it('expires a session that was not used within the TTL, and deletes it', async () => {
    const { token, session } = await sessions.create(userId, {});
    await db.dataSource.getRepository(SessionEntity).update({ id: session.id }, { expiresAt: new Date(Date.now() - 1000) });
    expect(await sessions.findByToken(token)).toBeNull();
    expect(await db.dataSource.getRepository(SessionEntity).countBy({ id: session.id })).toBe(0);
    // Its encryption device and sockets are told, as for a sign-out.
    expect(ended).toEqual([{ userId, sessionIds: [session.id], reason: 'expired' }]);
  });

  it('slides the expiry forward when used (at most once a minute)', async () => {
    const { session } = await sessions.create(userId, {});
    expect(await sessions.touch(session)).toBe(false);
    session.lastUsedAt = new Date(Date.now() - 5 * 60_000);
    const before = session.expiresAt.getTime();
    expect(await sessions.touch(session)).toBe(true);
    expect(session.expiresAt.getTime()).toBeGreaterThanOrEqual(before);
    const row = await db.dataSource.getRepository(SessionEntity).findOneByOrFail({ id: session.id });
    expect(Math.abs(row.expiresAt.getTime() - (Date.now() + 3600_000))).toBeLessThan(5000);
  });

  it('purges only expired sessions', async () => {
    const live = await sessions.create(userId, {});
    const old = await sessions.create(userId, {});
    await db.dataSource.getRepository(SessionEntity).update({ id: old.session.id }, { expiresAt: new Date(Date.now() - 1000) });
    expect(await sessions.purgeExpired()).toBe(1);
    expect(await sessions.findByToken(live.token)).not.toBeNull();
    expect(ended).toEqual([{ userId, sessionIds: [old.session.id], reason: 'expired' }]);
    expect(await sessions.purgeExpired()).toBe(0);
  });

  it('revokes all of a user\'s sessions, optionally keeping one', async () => {
    const a = await sessions.create(userId, {});
    const b = await sessions.create(userId, {});
    const c = await sessions.create(userId, {});
    expect(await sessions.revokeAllForUser(userId, a.session.id)).toBe(2);
    expect(await sessions.findByToken(a.token)).not.toBeNull();
    expect(await sessions.findByToken(b.token)).toBeNull();
    expect(await sessions.findByToken(c.token)).toBeNull();
  });
});
