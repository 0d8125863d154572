import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { startTestRedis, TestRedis } from '../testing/redis-server';
import { MemoryPresenceStore, PresenceStore } from './presence-store';
import { RedisPresenceStore } from './redis-presence-store';

const GRACE_MS = 150;
/**
 * Short heartbeats so that a "dead process" is noticed within the test, with entries that outlive a stalled
 * test process: a live store's renewals late by more than entryTtlMs - heartbeatMs would look like a dead
 * process (a 500 ms stall did that with a 400 ms lifetime, on a busy CI machine too).
 */
const FAST = { heartbeatMs: 100, entryTtlMs: 2_000, sweepMs: 50 };

let redis: TestRedis;
const stores: PresenceStore[] = [];
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  stores.forEach((s) => s.onApplicationShutdown());
  clients.forEach((c) => c.disconnect());
  await redis.stop();
});

/** Who any store announced offline (with Redis, whichever process notices first announces). */
const announcedOffline: string[] = [];

function track<S extends PresenceStore>(store: S): S {
  store.onOffline((ids) => announcedOffline.push(...ids));
  stores.push(store);
  return store;
}
const memoryStore = () => track(new MemoryPresenceStore(GRACE_MS));
/** Each "process" has its own connection to the one Redis. */
const redisStore = () => {
  const client = new Redis(redis.url);
  clients.push(client);
  return track(new RedisPresenceStore(client, GRACE_MS, FAST));
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

describe.each([
  ['in memory', memoryStore],
  ['in Redis', redisStore],
])('presence %s', (_name, make) => {
  it('is online while a tab is active, away when all are idle, and reports only changes', async () => {
    const store = make();
    const ana = randomUUID();
    expect(await store.connected(ana, 't1')).toBe('online');
    expect(await store.connected(ana, 't2')).toBeNull();
    expect(await store.activity(ana, 't1', 'idle')).toBeNull();
    expect(await store.activity(ana, 't2', 'idle')).toBe('away');
    expect(await store.activity(ana, 'unknown-tab', 'active')).toBeNull();
    expect(await store.connected(ana, 't3')).toBe('online');
    expect(await store.disconnected(ana, 't3')).toBe('away');
    expect(await store.statuses([ana, randomUUID()])).toEqual(new Map([[ana, 'away']]));
  });

  it('goes offline once, after the grace period, unless a tab comes back in time', async () => {
    const store = make();
    const [ana, ben] = [randomUUID(), randomUUID()];
    await store.connected(ana, 'a1');
    await store.connected(ben, 'b1');
    expect(await store.disconnected(ana, 'a1')).toBeNull();
    expect(await store.disconnected(ben, 'b1')).toBeNull();
    expect(await store.statuses([ana])).toEqual(new Map([[ana, 'online']])); // within the grace period
    await store.connected(ben, 'b2'); // a reload
    await until(() => announcedOffline.includes(ana));
    await sleep(GRACE_MS * 2);
    expect(announcedOffline.filter((id) => id === ana || id === ben)).toEqual([ana]);
    expect(await store.statuses([ana, ben])).toEqual(new Map([[ben, 'online']]));
  });
});

describe('presence in Redis, over several processes', () => {
  it("counts a user's tabs on every process, and one of them announces offline, once", async () => {
    const [a, b] = [redisStore(), redisStore()];
    const ana = randomUUID();
    expect(await a.connected(ana, 'on-a')).toBe('online');
    expect(await b.connected(ana, 'on-b')).toBeNull();
    expect(await a.activity(ana, 'on-a', 'idle')).toBeNull(); // the tab on B is active
    expect(await a.disconnected(ana, 'on-a')).toBeNull();
    await sleep(GRACE_MS * 2);
    expect(announcedOffline).not.toContain(ana);
    expect(await a.statuses([ana])).toEqual(new Map([[ana, 'online']]));
    expect(await b.activity(ana, 'on-b', 'idle')).toBe('away');
    expect(await b.disconnected(ana, 'on-b')).toBeNull();
    await until(() => announcedOffline.includes(ana));
    await sleep(GRACE_MS * 2);
    expect(announcedOffline.filter((id) => id === ana)).toEqual([ana]);
  });

  it('drops the tabs of a process that died (stopped renewing) and announces the user offline', async () => {
    const [dying, alive] = [redisStore(), redisStore()];
    const ana = randomUUID();
    await dying.connected(ana, 'x');
    dying.onApplicationShutdown(); // no more heartbeats, no disconnects
    expect(await alive.statuses([ana])).toEqual(new Map([[ana, 'online']]));
    await until(() => announcedOffline.includes(ana), FAST.entryTtlMs + 4_000);
    expect(await alive.statuses([ana])).toEqual(new Map());
  });

  it('rebuilds itself from the live tabs after Redis lost everything (a restart)', async () => {
    const store = redisStore();
    const changes: [string, string][] = [];
    store.onChange((userId, status) => changes.push([userId, status]));
    const ana = randomUUID();
    await store.connected(ana, 'tab');
    await store.activity(ana, 'tab', 'idle');
    await redis.client.flushall();
    expect(await store.statuses([ana])).toEqual(new Map());
    await until(() => changes.some(([id]) => id === ana));
    expect(changes.filter(([id]) => id === ana)).toEqual([[ana, 'away']]);
    expect(await store.statuses([ana])).toEqual(new Map([[ana, 'away']]));
  });

  it('a heartbeat that reaches Redis after an activity change (its script retried) does not put the old state back', async () => {
    const client = new Redis(redis.url);
    clients.push(client);
    // No timed heartbeats: the test sends the one heartbeat itself.
    const store = track(new RedisPresenceStore(client, GRACE_MS, { heartbeatMs: 3_600_000, entryTtlMs: 60_000, sweepMs: 3_600_000 }));
    const ana = randomUUID();
    await store.connected(ana, 't1');
    await store.connected(ana, 't2');
    await redis.client.script('FLUSH'); // as after a Redis restart: every script must be sent again
    await store.connected(randomUUID(), 'warm'); // Redis knows the activity script again, not the heartbeat's
    const beat = store.heartbeat(); // built now (both tabs active), refused (NOSCRIPT), then sent again
    expect(await store.activity(ana, 't1', 'idle')).toBeNull(); // reaches Redis between the two
    await beat;
    expect(await store.activity(ana, 't2', 'idle')).toBe('away');
    expect(await store.statuses([ana])).toEqual(new Map([[ana, 'away']]));
  });

  it('writes a state again on the next heartbeat when writing it failed', async () => {
    const client = new Redis(redis.url);
    clients.push(client);
    const store = track(new RedisPresenceStore(client, GRACE_MS, { heartbeatMs: 3_600_000, entryTtlMs: 60_000, sweepMs: 3_600_000 }));
    const changes: [string, string][] = [];
    store.onChange((userId, status) => changes.push([userId, status]));
    const ana = randomUUID();
    await store.connected(ana, 'tab');
    const evalsha = client.evalsha.bind(client);
    client.evalsha = (() => Promise.reject(new Error('connection lost'))) as typeof client.evalsha;
    expect(await store.activity(ana, 'tab', 'idle')).toBeNull(); // Redis unreachable: nothing changes yet
    client.evalsha = evalsha;
    expect(await store.statuses([ana])).toEqual(new Map([[ana, 'online']]));
    await store.heartbeat();
    expect(changes).toEqual([[ana, 'away']]);
    expect(await store.statuses([ana])).toEqual(new Map([[ana, 'away']]));
  });
});
