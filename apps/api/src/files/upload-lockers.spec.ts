import { ERRORS } from '@tus/server';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { startTestRedis, TestRedis } from '../testing/redis-server';
import { RedisLockOptions, RedisUploadLocker } from './upload-lockers';

let redis: TestRedis;
const lockers: RedisUploadLocker[] = [];
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  lockers.forEach((l) => l.onApplicationShutdown());
  clients.forEach((c) => c.disconnect());
  await redis.stop();
});

/** One API process's locker: its own connection to the shared Redis. */
function processLocker(options: Partial<RedisLockOptions> = {}, url = redis.url): RedisUploadLocker {
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 1000, disconnectTimeout: 50 });
  client.on('error', () => undefined);
  clients.push(client);
  const locker = new RedisUploadLocker(client, options);
  lockers.push(locker);
  return locker;
}

/**
 * Until the locker hears release requests and every live connection is up: a command sent before its
 * connection is ready fails at once (no offline queue), and the locker then falls back to this process.
 */
async function ready(locker: RedisUploadLocker): Promise<void> {
  await locker.listening;
  await Promise.all(clients.filter((c) => c.status !== 'ready' && c.status !== 'end').map((c) => new Promise((r) => c.once('ready', r))));
}

describe('upload locks in Redis (tus, across processes)', () => {
  it('hands an upload to the request that asks for it: the holder in another process is asked to let go', async () => {
    const [a, b] = [processLocker(), processLocker()];
    await Promise.all([ready(a), ready(b)]);
    const id = randomUUID();
    const first = a.newLock(id);
    let askedToRelease = 0;
    await first.lock(new AbortController().signal, async () => {
      askedToRelease += 1;
      // What tus does when asked: end the old request, then unlock.
      await first.unlock();
    });
    const second = b.newLock(id);
    await second.lock(new AbortController().signal, () => undefined);
    expect(askedToRelease).toBe(1);
    await second.unlock();
    // Free again: the next request gets it at once.
    const third = a.newLock(id);
    await third.lock(new AbortController().signal, () => undefined);
    await third.unlock();
  });

  it('gives up after the acquire timeout while the holder keeps it, and stops waiting when the request ends', async () => {
    const [a, b] = [processLocker(), processLocker({ acquireTimeoutMs: 300 })];
    await Promise.all([ready(a), ready(b)]);
    const id = randomUUID();
    const held = a.newLock(id);
    await held.lock(new AbortController().signal, () => undefined); // a holder that never lets go
    await expect(b.newLock(id).lock(new AbortController().signal, () => undefined)).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    const ended = new AbortController();
    const waiting = b.newLock(id).lock(ended.signal, () => undefined);
    ended.abort();
    await expect(waiting).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    await held.unlock();
  });

  it('lets a lock whose process died expire after its lease', async () => {
    const [a, b] = [processLocker({ leaseMs: 300 }), processLocker()];
    await Promise.all([ready(a), ready(b)]);
    const id = randomUUID();
    await a.newLock(id).lock(new AbortController().signal, () => undefined);
    a.onApplicationShutdown(); // the process is gone: no renewals, no answer to release requests
    clients[clients.length - 2].disconnect();
    const started = Date.now();
    const next = b.newLock(id);
    await next.lock(new AbortController().signal, () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    await next.unlock();
  });

  it('falls back to this process\u2019s memory while Redis is unreachable', async () => {
    const offline = processLocker({}, 'redis://127.0.0.1:1');
    const id = randomUUID();
    const lock = offline.newLock(id);
    let released = false;
    await lock.lock(new AbortController().signal, async () => {
      released = true;
      await lock.unlock();
    });
    const other = offline.newLock(id);
    await other.lock(new AbortController().signal, () => undefined);
    expect(released).toBe(true);
    await other.unlock();
  });
});
