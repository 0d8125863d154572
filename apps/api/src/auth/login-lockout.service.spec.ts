import { RateLimitedException } from '../common/api-exceptions';
import { openTestDatabase, TestDatabase } from '../testing/test-database';
import { LoginLockoutEntity } from './login-lockout.entity';
import { LoginLockoutService } from './login-lockout.service';

describe('LoginLockoutService', () => {
  let db: TestDatabase;
  let lockout: LoginLockoutService;
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const s = (n: number) => n * 1000;

  beforeAll(async () => {
    db = await openTestDatabase();
    lockout = new LoginLockoutService(db.dataSource.getRepository(LoginLockoutEntity), db.config);
  });
  afterAll(() => db.close());

  async function failTimes(key: string, n: number, start: number, gap = 1000) {
    for (let i = 0; i < n; i++) await lockout.recordFailure(key, start + i * gap);
  }

  async function retryAfter(key: string, now: number): Promise<number | undefined> {
    try {
      await lockout.assertNotLocked(key, now);
      return undefined;
    } catch (e) {
      return (e as RateLimitedException).retryAfterSeconds;
    }
  }

  it('does not lock before the fifth failure', async () => {
    await failTimes('user:a', 4, t0);
    expect(await retryAfter('user:a', t0 + s(5))).toBeUndefined();
  });

  it('locks for 60 s at the fifth failure, then doubles with each further failure, up to an hour', async () => {
    await failTimes('user:b', 5, t0);
    const fifth = t0 + s(4);
    expect(await retryAfter('user:b', fifth)).toBe(60);
    expect(await retryAfter('user:b', fifth + s(61))).toBeUndefined();
    await lockout.recordFailure('user:b', fifth + s(61));
    expect(await retryAfter('user:b', fifth + s(61))).toBe(120);
    for (let i = 0; i < 10; i++) await lockout.recordFailure('user:b', fifth + s(200 + i));
    expect(await retryAfter('user:b', fifth + s(209))).toBe(3600);
  });

  it('forgets failures after 15 quiet minutes', async () => {
    await failTimes('user:c', 4, t0);
    await lockout.recordFailure('user:c', t0 + s(3) + s(15 * 60 + 1));
    expect(await retryAfter('user:c', t0 + s(3) + s(15 * 60 + 2))).toBeUndefined();
  });

  it('clears the record on success', async () => {
    await failTimes('user:d', 5, t0);
    await lockout.clear('user:d');
    expect(await retryAfter('user:d', t0 + s(5))).toBeUndefined();
    await lockout.recordFailure('user:d', t0 + s(6));
    expect(await retryAfter('user:d', t0 + s(6))).toBeUndefined();
  });

  it('keeps keys apart', async () => {
    await failTimes('user:e', 5, t0);
    expect(await retryAfter('user:f', t0 + s(5))).toBeUndefined();
  });
});
