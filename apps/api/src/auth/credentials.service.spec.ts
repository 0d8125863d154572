import { AppEvents } from '../events/app-events';
import { openTestDatabase, TestDatabase } from '../testing/test-database';
import { UserEntity } from '../users/user.entity';
import { AccessTokenEntity } from './access-token.entity';
import { AccessTokensService } from './access-tokens.service';
import { CredentialsRefused, CredentialsService, INVALID_TOKEN_MESSAGE, SESSION_ENDED_MESSAGE } from './credentials.service';
import { SessionEntity } from './session.entity';
import { SessionsService } from './sessions.service';

describe('CredentialsService', () => {
  let db: TestDatabase;
  let sessions: SessionsService;
  let tokens: AccessTokensService;
  let credentials: CredentialsService;
  let user: UserEntity;

  const makeUser = (username: string) =>
    db.dataSource.getRepository(UserEntity).save({
      username,
      email: `${username}@example.com`,
      displayName: username,
      passwordHash: 'x',
      deactivatedAt: null,
      lastLoginAt: null,
    });

  beforeEach(async () => {
    db = await openTestDatabase();
    const events = new AppEvents();
    sessions = new SessionsService(db.dataSource.getRepository(SessionEntity), db.config, events);
    tokens = new AccessTokensService(db.dataSource.getRepository(AccessTokenEntity), events);
    credentials = new CredentialsService(sessions, tokens);
    user = await makeUser('sam');
  });
  afterEach(() => db.close());

  it('gives the principal behind a session token, the session cookie and an access token', async () => {
    const { token, session } = await sessions.create(user.id, {});
    const created = await tokens.create(user.id, 'ci');
    if (created === 'too_many') throw new Error('unexpected');

    for (const [credential, source] of [
      [token, 'token'],
      [token, 'cookie'],
    ] as const) {
      const p = await credentials.check(credential, source);
      expect(p).toMatchObject({ role: user.role, sessionId: session.id, tokenId: null });
      expect(p.user).toMatchObject({ id: user.id, username: 'sam' });
      expect(p.user.passwordHash).toBeUndefined();
      expect(p.expiresAt?.getTime()).toBe(session.expiresAt.getTime());
    }
    const viaToken = await credentials.check(created.token, 'token');
    expect(viaToken).toMatchObject({ sessionId: null, tokenId: created.id, expiresAt: null, renewed: false });
    expect(viaToken.user.id).toBe(user.id);
  });

  it('refuses unknown, revoked and expired credentials, each with its message', async () => {
    const { token, session } = await sessions.create(user.id, {});
    await expect(credentials.check('nonsense', 'token')).rejects.toEqual(new CredentialsRefused(INVALID_TOKEN_MESSAGE));
    await sessions.revoke(user.id, session.id);
    await expect(credentials.check(token, 'token')).rejects.toEqual(new CredentialsRefused(INVALID_TOKEN_MESSAGE));
    await expect(credentials.check(token, 'token', SESSION_ENDED_MESSAGE)).rejects.toEqual(new CredentialsRefused(SESSION_ENDED_MESSAGE));
    await expect(credentials.check(token, 'cookie')).rejects.toEqual(new CredentialsRefused(SESSION_ENDED_MESSAGE));

    const other = await sessions.create(user.id, {});
    await db.dataSource.getRepository(SessionEntity).update({ id: other.session.id }, { expiresAt: new Date(Date.now() - 1000) });
    await expect(credentials.check(other.token, 'cookie')).rejects.toBeInstanceOf(CredentialsRefused);
    expect(await credentials.sessionExpiry(other.session.id)).toBeNull();
  });

  it('refuses the credentials of a deactivated user even before they are revoked', async () => {
    const { token } = await sessions.create(user.id, {});
    const created = await tokens.create(user.id, 'ci');
    if (created === 'too_many') throw new Error('unexpected');
    await db.dataSource.getRepository(UserEntity).update({ id: user.id }, { deactivatedAt: new Date() });
    await expect(credentials.check(token, 'cookie')).rejects.toEqual(new CredentialsRefused(SESSION_ENDED_MESSAGE));
    await expect(credentials.check(created.token, 'token')).rejects.toEqual(new CredentialsRefused(INVALID_TOKEN_MESSAGE));
  });

  it('slides a session at most once a minute, and says when it did', async () => {
    const { token, session } = await sessions.create(user.id, {});
    expect((await credentials.check(token, 'cookie')).renewed).toBe(false);
    await db.dataSource.getRepository(SessionEntity).update({ id: session.id }, { lastUsedAt: new Date(Date.now() - 5 * 60_000) });
    const p = await credentials.check(token, 'cookie');
    expect(p.renewed).toBe(true);
    expect(await credentials.sessionExpiry(session.id)).toBe(p.expiresAt!.getTime());
    expect((await credentials.check(token, 'cookie')).renewed).toBe(false);
  });
});
