import { Redis } from 'ioredis';
import { startTestRedis, TestRedis } from '../testing/redis-server';
import { RedisThrottlerStorage } from './redis-throttler-storage';
import { RedisTokenBuckets } from './redis-token-buckets';
import { RedisSocketCap, SOCKET_REGISTRATION_TTL_MS } from './socket-cap';
import { MemoryTokenBuckets } from './token-buckets';

/** Two "processes": separate connections to one private redis-server. */
let redis: TestRedis;
let other: Redis;

beforeAll(async () => {
  redis = await startTestRedis();
  other = new Redis(redis.url);
});
afterAll(async () => {
  other.disconnect();
  await redis.stop();
});

/** A client for a Redis nobody listens on: every command fails at once. */
const unreachable = () => {
  const client = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, retryStrategy: () => 60_000, lazyConnect: true });
  client.on('error', () => undefined);
  return client;
};

describe('RedisTokenBuckets', () => {
  const rule = { ratePerSecond: 10, burst: 20 };

  it('answers exactly as the in-memory buckets do, for the same takes', async () => {
    const shared = new RedisTokenBuckets(redis.client);
    const memory = new MemoryTokenBuckets();
    const takes: [cost: number, at: number][] = [[15, 0], [10, 0], [5, 0], [1, 0], [1, 50], [3, 250], [500, 250], [500, 1250], [500, 3250]];
    const got = [];
    const want = [];
    for (const [cost, at] of takes) {
      got.push(await shared.take('same', rule, cost, 1_000_000 + at));
      want.push(memory.takeNow('same', rule, cost, 1_000_000 + at));
    }
    expect(got).toEqual(want);
    expect(got.filter((w) => w > 0).length).toBeGreaterThan(3);
  });

  it('is one bucket for every process: a burst spent through one is spent for the other', async () => {
    const a = new RedisTokenBuckets(redis.client);
    const b = new RedisTokenBuckets(other);
    const tiny = { ratePerSecond: 1, burst: 3 };
    const now = Date.now();
    expect([await a.take('send:u1', tiny, 1, now), await b.take('send:u1', tiny, 1, now), await a.take('send:u1', tiny, 1, now)]).toEqual([0, 0, 0]);
    expect(await b.take('send:u1', tiny, 1, now)).toBe(1000);
    expect(await b.take('send:u2', tiny, 1, now)).toBe(0);
  });

  it('takes atomically: of many concurrent takes from two processes, exactly the burst succeed', async () => {
    const a = new RedisTokenBuckets(redis.client);
    const b = new RedisTokenBuckets(other);
    const now = Date.now();
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).take('race', rule, 1, now)));
    expect(results.filter((w) => w === 0)).toHaveLength(20);
  });

  it('lets its keys expire once the bucket would be full again', async () => {
    const a = new RedisTokenBuckets(redis.client);
    await a.take('expiring', rule, 5, Date.now());
    const ttl = await redis.client.pttl('parley:bucket:expiring');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(500 + 1000);
  });

  it('fails open when Redis is unreachable', async () => {
    const client = unreachable();
    expect(await new RedisTokenBuckets(client).take('k', { ratePerSecond: 1, burst: 1 }, 1)).toBe(0);
    client.disconnect();
  });
});

describe('RedisSocketCap', () => {
  const caps: RedisSocketCap[] = [];
  const cap = (client: Redis) => {
    const c = new RedisSocketCap(client);
    caps.push(c);
    return c;
  };
  afterAll(() => caps.forEach((c) => c.onApplicationShutdown()));

  it('counts a user’s sockets over every process and refuses the one above the cap', async () => {
    const a = cap(redis.client);
    const b = cap(other);
    expect(await a.admit('ana', 's1', 3)).toBe(0);
    expect(await b.admit('ana', 's2', 3)).toBe(0);
    expect(await a.admit('ana', 's3', 3)).toBe(0);
    expect(await b.admit('ana', 's4', 3)).toBe(3);
    expect(await b.admit('ben', 's5', 3)).toBe(0);
    await a.release('ana', 's1');
    expect(await b.admit('ana', 's4', 3)).toBe(0);
  });

  it('admits exactly the cap of many simultaneous handshakes', async () => {
    const a = cap(redis.client);
    const b = cap(other);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).admit('race', `r${i}`, 5)));
    expect(results.filter((n) => n === 0)).toHaveLength(5);
  });

  it('stops counting the sockets of a process that stopped renewing them (it died)', async () => {
    const dead = cap(redis.client);
    const now = Date.now();
    expect(await dead.admit('cat', 'd1', 1, now)).toBe(0);
    dead.onApplicationShutdown();
    const alive = cap(other);
    expect(await alive.admit('cat', 'x1', 1, now + 1000)).toBe(1);
    expect(await alive.admit('cat', 'x1', 1, now + SOCKET_REGISTRATION_TTL_MS + 1)).toBe(0);
  });

  it('admits while Redis is unreachable (fails open)', async () => {
    const client = unreachable();
    const c = cap(client);
    expect(await c.admit('dan', 'z1', 1)).toBe(0);
    expect(await c.admit('dan', 'z2', 1)).toBe(0);
    await c.release('dan', 'z1');
    client.disconnect();
  });
});

describe('RedisThrottlerStorage', () => {
  it('counts hits from every process in one window and blocks above the limit for the block duration', async () => {
    const a = new RedisThrottlerStorage(redis.client);
    const b = new RedisThrottlerStorage(other);
    const hit = (s: RedisThrottlerStorage) => s.increment('ip-1', 60_000, 3, 30_000, 'api');
    expect(await hit(a)).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    expect((await hit(b)).totalHits).toBe(2);
    expect((await hit(a)).isBlocked).toBe(false);
    expect(await hit(b)).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 30 });
    expect(await hit(a)).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    // Other addresses and other throttlers are counted apart.
    expect(await a.increment('ip-2', 60_000, 3, 30_000, 'api')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await a.increment('ip-1', 60_000, 3, 30_000, 'auth')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('starts a new window after the block ends', async () => {
    const a = new RedisThrottlerStorage(redis.client);
    const hit = () => a.increment('ip-3', 60_000, 1, 200, 'api');
    expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(true);
    await new Promise((r) => setTimeout(r, 250));
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('lets requests through while Redis is unreachable (fails open)', async () => {
    const client = unreachable();
    expect(await new RedisThrottlerStorage(client).increment('ip', 60_000, 1, 60_000, 'api')).toMatchObject({ isBlocked: false });
    client.disconnect();
  });
});
