import { ErrorCode } from '@parley/contracts';
import request from 'supertest';
import { RunningServer, startServer, withServer } from '@parley/testing';
import { DatabaseKind, sameInstallationAs, startOn } from './support/database-targets';
import { makeUser, register } from './support/factories';

const login = (url: string, body: { login: string; password: string }, ip?: string) => {
  const r = request(url).post('/api/auth/login');
  if (ip) r.set('X-Forwarded-For', ip);
  return r.send(body);
};

describe('brute-force lockout (per account, whatever the IP)', () => {
  let server: RunningServer;
  // A 2-second base lock keeps the test short; the default is 60 s, doubling to at most an hour.
  beforeAll(async () => {
    server = await startServer({ env: { LOGIN_LOCKOUT_BASE_SECONDS: '2', TRUST_PROXY: 'true' } });
  });
  afterAll(async () => server?.dispose());

  it('locks the account after 5 failures with 429 and Retry-After, growing with further failures', async () => {
    const data = makeUser();
    await register(server.url, data);
    for (let i = 0; i < 5; i++) {
      // Every attempt from a different IP: the lock is on the account.
      await login(server.url, { login: data.username, password: 'wrong password here' }, `10.0.0.${i + 1}`).expect(401);
    }
    const locked = await login(server.url, { login: data.email, password: data.password }, '10.0.1.1').expect(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(2);
    expect(locked.body).toMatchObject({ statusCode: 429, code: ErrorCode.RateLimited, retryAfter: Number(locked.headers['retry-after']) });

    await new Promise((r) => setTimeout(r, 2100));
    // The lock has passed; another failure locks again, for twice as long.
    await login(server.url, { login: data.username, password: 'wrong again' }, '10.0.2.1').expect(401);
    const longer = await login(server.url, { login: data.username, password: data.password }, '10.0.2.2').expect(429);
    expect(Number(longer.headers['retry-after'])).toBeGreaterThanOrEqual(3);
    expect(Number(longer.headers['retry-after'])).toBeLessThanOrEqual(4);

    await new Promise((r) => setTimeout(r, Number(longer.headers['retry-after']) * 1000 + 100));
    await login(server.url, { login: data.username, password: data.password }).expect(200);
    // Success clears the count.
    await login(server.url, { login: data.username, password: 'wrong once more' }).expect(401);
    await login(server.url, { login: data.username, password: data.password }).expect(200);
  });

  it('treats an unknown name exactly like a known account, so lockouts reveal nothing', async () => {
    const name = `ghost.${Date.now()}`;
    for (let i = 0; i < 5; i++) await login(server.url, { login: name, password: 'whatever it is' }).expect(401);
    const res = await login(server.url, { login: name, password: 'whatever it is' }).expect(429);
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('takes about as long for an unknown user as for a wrong password', async () => {
    const data = makeUser();
    await register(server.url, data);
    const time = async (body: { login: string; password: string }) => {
      const start = process.hrtime.bigint();
      await login(server.url, body);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await time({ login: data.username, password: `wrong-${i} password` }));
      unknown.push(await time({ login: `nobody.${i}.${data.username}`, password: 'wrong password' }));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    // Both run a full argon2id verification (tens of ms); without the dummy hash the unknown case takes ~1 ms.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });
});

/**
 * Attempts sent all at once, from many addresses and (on PostgreSQL) to two API processes sharing the
 * database: the lock must still let at most LOGIN_LOCKOUT_THRESHOLD wrong passwords be checked.
 */
describe.each<DatabaseKind>(['sqlite', 'postgres'])('the lockout under parallel attempts on %s', (kind) => {
  let servers: RunningServer[] = [];
  const env = { TRUST_PROXY: 'true' };
  beforeAll(async () => {
    const first = await startOn(kind, { env });
    servers = [first];
    if (kind === 'postgres') servers.push(await startServer({ env: { ...env, ...sameInstallationAs(first) } }));
  });
  afterAll(async () => {
    for (const s of servers.slice(1)) await s.dispose();
    await servers[0]?.dispose();
  });

  /** Sends every attempt at once, spread over the servers and over 250 addresses. */
  const burst = (attempts: { login: string; password: string }[]) =>
    Promise.all(attempts.map((body, i) => login(servers[i % servers.length].url, body, `10.9.${i % 250}.${1 + (i % 7)}`)));

  it('checks at most 5 of 18 wrong passwords sent at once; the rest and the right one then get 429', async () => {
    const data = makeUser();
    await register(servers[0].url, data);
    const res = await burst(Array.from({ length: 18 }, (_, i) => ({ login: data.username, password: `wrong guess ${i}` })));
    expect(res.filter((r) => r.status === 401)).toHaveLength(5);
    const refused = res.filter((r) => r.status === 429);
    expect(refused).toHaveLength(13);
    for (const r of refused) {
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(r.body).toMatchObject({ code: ErrorCode.RateLimited, message: 'Too many failed sign-in attempts for this account; try again later' });
    }
    for (const s of servers) await login(s.url, { login: data.username, password: data.password }).expect(429);
  });

  it('lets a right password sent among the wrong ones count as one of the 5, and never more are checked', async () => {
    const data = makeUser();
    await register(servers[0].url, data);
    const attempts = Array.from({ length: 18 }, (_, i) => ({ login: data.email, password: `wrong guess ${i}` }));
    attempts.splice(9, 0, { login: data.email, password: data.password });
    const res = await burst(attempts);
    const checked = res.filter((r) => r.status === 401 || r.status === 200);
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(res.filter((r) => r.status === 429)).toHaveLength(19 - checked.length);
    expect(res.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
  });
});

describe('per-IP rate limits on the authentication routes', () => {
  it('answers 429 with Retry-After past the limit, and ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    await withServer({ env: { RATE_LIMIT_AUTH_PER_MINUTE: '3' } }, async (server) => {
      const body = { login: 'someone', password: 'some password' };
      for (let i = 0; i < 3; i++) await login(server.url, body, `192.0.2.${i}`).expect(401);
      const limited = await login(server.url, body, '192.0.2.99').expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.body.code).toBe(ErrorCode.RateLimited);
      // Other routes are not under the auth limit.
      await request(server.url).get('/api/health').expect(200);
    });
  });

  it('gives each client its own bucket behind a trusted proxy', async () => {
    await withServer({ env: { RATE_LIMIT_AUTH_PER_MINUTE: '2', TRUST_PROXY: 'loopback' } }, async (server) => {
      const body = { login: 'someone', password: 'some password' };
      await login(server.url, body, '198.51.100.1').expect(401);
      await login(server.url, body, '198.51.100.1').expect(401);
      await login(server.url, body, '198.51.100.1').expect(429);
      await login(server.url, body, '198.51.100.2').expect(401);
    });
  });
});

describe('registration policy', () => {
  it('REGISTRATION=closed lets only the first (admin) account in', async () => {
    await withServer({ env: { REGISTRATION: 'closed' } }, async (server) => {
      await register(server.url, makeUser());
      const res = await request(server.url).post('/api/auth/register').send(makeUser()).expect(403);
      expect(res.body).toMatchObject({ code: ErrorCode.RegistrationClosed, message: expect.stringMatching(/closed/) });
    });
  });

  it('REGISTRATION=domain accepts only the allowed email domains', async () => {
    await withServer({ env: { REGISTRATION: 'domain', ALLOWED_EMAIL_DOMAINS: 'corp.example, Lab.Example' } }, async (server) => {
      await register(server.url, makeUser({ email: `boss.${Date.now()}@corp.example` }));
      const outsider = await request(server.url).post('/api/auth/register').send(makeUser()).expect(403);
      expect(outsider.body.message).toMatch(/corp\.example, lab\.example/);
      await request(server.url).post('/api/auth/register').send(makeUser({ email: `eve.${Date.now()}@LAB.example` })).expect(201);
    });
  });
});

describe('cookies behind an HTTPS proxy', () => {
  it('marks the session cookie Secure when the trusted proxy says the request was HTTPS', async () => {
    await withServer({ env: { TRUST_PROXY: 'loopback' } }, async (server) => {
      const data = makeUser();
      await register(server.url, data);
      const res = await request(server.url)
        .post('/api/auth/login')
        .set('X-Forwarded-Proto', 'https')
        .send({ login: data.username, password: data.password })
        .expect(200);
      const cookies = res.headers['set-cookie'] as unknown as string[];
      expect(cookies.every((c) => /; Secure/.test(c))).toBe(true);
    });
  });
});

describe('registration status for the sign-up page', () => {
  it('reports a closed server as open until its first account exists', async () => {
    await withServer({ env: { REGISTRATION: 'closed' } }, async (server) => {
      const before = await request(server.url).get('/api/auth/session').expect(200);
      expect(before.body.registration).toEqual({ mode: 'closed', open: true, allowedEmailDomains: [] });
      await register(server.url, makeUser());
      const after = await request(server.url).get('/api/auth/session').expect(200);
      expect(after.body.registration.open).toBe(false);
    });
  });
});
