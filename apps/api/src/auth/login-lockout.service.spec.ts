import { RateLimitedException } from '../common/api-exceptions';
import { openTestDatabase, TestDatabase } from '../testing/test-database';
import { LoginLockoutEntity } from './login-lockout.entity';
import { LoginAttempt, LoginLockoutService } from './login-lockout.service';

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

  /** `n` wrong passwords, one after another, `gap` ms apart. */
  async function failTimes(key: string, n: number, start: number, gap = 1000) {
    for (let i = 0; i < n; i++) await lockout.claim(key, start + i * gap);
  }

  /** The Retry-After seconds a new attempt at `now` gets, or undefined when it may go ahead (and is counted). */
  async function retryAfter(key: string, now: number): Promise<number | undefined> {
    try {
      await lockout.claim(key, now);
      return undefined;
    } catch (e) {
      expect(e).toBeInstanceOf(RateLimitedException);
      return (e as RateLimitedException).retryAfterSeconds;
    }
  }

  it('lets four failures through and locks at the fifth, for 60 s', async () => {
    await failTimes('user:a', 4, t0);
    expect(await retryAfter('user:a', t0 + s(5))).toBeUndefined(); // the fifth is checked, and locks
    expect(await retryAfter('user:a', t0 + s(6))).toBe(59);
    expect(await retryAfter('user:a', t0 + s(64))).toBe(1);
  });

  it('doubles the lock with each failure after one ends, up to an hour (the quiet time counts from the end of a lock)', async () => {
    await failTimes('user:b', 5, t0);
    let at = t0 + s(4) + s(60);
    for (const lock of [120, 240, 480, 960, 1920, 3600, 3600]) {
      expect(await retryAfter('user:b', at)).toBeUndefined(); // one more wrong password, checked
      expect(await retryAfter('user:b', at)).toBe(lock);
      at += s(lock);
    }
  });

  it('forgets failures after 15 quiet minutes', async () => {
    await failTimes('user:c', 4, t0);
    const later = t0 + s(3) + s(15 * 60 + 1);
    await failTimes('user:c', 4, later);
    expect(await retryAfter('user:c', later + s(10))).toBeUndefined();
  });

  it('a right password forgives the failures before it', async () => {
    await failTimes('user:d', 3, t0);
    const right = await lockout.claim('user:d', t0 + s(4));
    await lockout.succeeded(right);
    await failTimes('user:d', 4, t0 + s(5));
    expect(await retryAfter('user:d', t0 + s(10))).toBeUndefined();
    expect(await retryAfter('user:d', t0 + s(11))).toBe(59);
  });

  it('a right password does not wipe failures counted while it was being checked', async () => {
    const right = await lockout.claim('user:e', t0);
    await failTimes('user:e', 4, t0 + s(1)); // four wrong ones arrive while the right one is verified
    expect(await retryAfter('user:e', t0 + s(5))).toBe(59); // locked: the right one is still counted
    await lockout.succeeded(right);
    expect(await retryAfter('user:e', t0 + s(6))).toBeUndefined(); // the fifth wrong password in the window...
    expect(await retryAfter('user:e', t0 + s(7))).toBe(59); // ...and no more
  });

  it('verifies at most five of many attempts that arrive at once, whatever their order', async () => {
    const results = await Promise.allSettled(Array.from({ length: 18 }, () => lockout.claim('user:f', t0)));
    const admitted = results.filter((r): r is PromiseFulfilledResult<LoginAttempt> => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(admitted).toHaveLength(5);
    expect(refused).toHaveLength(13);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(RateLimitedException);
    expect(admitted.map((r) => r.value.counted).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps keys apart', async () => {
    await failTimes('user:g', 5, t0);
    expect(await retryAfter('user:h', t0 + s(5))).toBeUndefined();
  });
});
