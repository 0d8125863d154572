import { AppEvents } from '../events/app-events';
import { openTestDatabase } from '../testing/test-database';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import { LoginLockoutEntity } from './login-lockout.entity';
import { LoginLockoutService } from './login-lockout.service';
import { PasswordService } from './password.service';
import { SessionEntity } from './session.entity';
import { SessionsService } from './sessions.service';

const STRONG = 'velvet orbit lantern quince';
let n = 0;
const makeRegistration = (overrides: Partial<{ username: string; email: string; password: string }> = {}) => {
  n++;
  return { username: `person${n}`, email: `person${n}@corp.example`, password: STRONG, ...overrides };
};

async function makeAuth(env: Record<string, string> = {}) {
  const db = await openTestDatabase(env);
  const users = new UsersService(db.dataSource.getRepository(UserEntity), new AppEvents());
  const passwords = new PasswordService(db.config);
  await passwords.onModuleInit();
  const sessions = new SessionsService(db.dataSource.getRepository(SessionEntity), db.config, new AppEvents());
  const lockout = new LoginLockoutService(db.dataSource.getRepository(LoginLockoutEntity), db.config);
  return { db, users, sessions, auth: new AuthService(users, passwords, sessions, lockout, db.config, new AppEvents()) };
}

describe('AuthService', () => {
  let ctx: Awaited<ReturnType<typeof makeAuth>>;
  beforeAll(async () => (ctx = await makeAuth()));
  afterAll(() => ctx.db.close());

  it('registers with an argon2id hash and signs in by username or email', async () => {
    const data = makeRegistration();
    const user = await ctx.auth.register(data);
    expect(user.displayName).toBe(data.username);
    expect((await ctx.auth.validateCredentials(data.username, STRONG)).id).toBe(user.id);
    expect((await ctx.auth.validateCredentials(data.email.toUpperCase(), STRONG)).id).toBe(user.id);
  });

  it('gives the same 401 for a wrong password and an unknown account', async () => {
    const data = makeRegistration();
    await ctx.auth.register(data);
    const wrong = await ctx.auth.validateCredentials(data.username, 'nope nope nope').catch((e) => e);
    const unknown = await ctx.auth.validateCredentials('nobody-here', 'nope nope nope').catch((e) => e);
    expect(wrong.getStatus()).toBe(401);
    expect(unknown.getStatus()).toBe(401);
    expect(unknown.message).toBe(wrong.message);
  });

  it('locks an account after five failures even for the right password', async () => {
    const data = makeRegistration();
    await ctx.auth.register(data);
    for (let i = 0; i < 5; i++) await expect(ctx.auth.validateCredentials(data.username, 'bad bad bad')).rejects.toMatchObject({ status: 401 });
    await expect(ctx.auth.validateCredentials(data.username, STRONG)).rejects.toMatchObject({ status: 429 });
  });

  it('refuses a deactivated account with 403 once the password is right', async () => {
    const data = makeRegistration();
    const user = await ctx.auth.register(data);
    await ctx.users.setActive(user.id, false);
    await expect(ctx.auth.validateCredentials(data.username, STRONG)).rejects.toMatchObject({ status: 403 });
  });

  it('changes the password, keeping only the current session', async () => {
    const data = makeRegistration();
    const user = await ctx.auth.register(data);
    const keep = await ctx.auth.startSession(user, {});
    const other = await ctx.auth.startSession(user, {});
    await expect(ctx.auth.changePassword(user, 'not it at all', 'amber falcon tide mirror')).rejects.toMatchObject({ status: 400 });
    await expect(ctx.auth.changePassword(user, STRONG, STRONG)).rejects.toMatchObject({ status: 400 });
    await ctx.auth.changePassword(user, STRONG, 'amber falcon tide mirror', keep.sessionId);
    expect(await ctx.sessions.findByToken(keep.token)).not.toBeNull();
    expect(await ctx.sessions.findByToken(other.token)).toBeNull();
    await expect(ctx.auth.validateCredentials(data.username, 'amber falcon tide mirror')).resolves.toMatchObject({ id: user.id });
  });
});

describe('AuthService registration policy', () => {
  it('closed: only the first account', async () => {
    const ctx = await makeAuth({ REGISTRATION: 'closed' });
    try {
      await ctx.auth.register(makeRegistration());
      await expect(ctx.auth.register(makeRegistration())).rejects.toMatchObject({ status: 403, code: 'registration_closed' });
    } finally {
      await ctx.db.close();
    }
  });

  it('domain: only the allowed domains after the first account', async () => {
    const ctx = await makeAuth({ REGISTRATION: 'domain', ALLOWED_EMAIL_DOMAINS: 'corp.example' });
    try {
      await ctx.auth.register(makeRegistration({ email: `first${n}@elsewhere.example` }));
      await expect(ctx.auth.register(makeRegistration({ email: `x${n}@elsewhere.example` }))).rejects.toMatchObject({ status: 403 });
      await expect(ctx.auth.register(makeRegistration())).resolves.toBeInstanceOf(UserEntity);
    } finally {
      await ctx.db.close();
    }
  });
});
