import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { FallbackLog, REDIS_PREFIX, RedisScript } from '../redis/redis-script';
import { ConnectionState, LiveStatus, PRESENCE_ENTRY_TTL_MS, PRESENCE_HEARTBEAT_MS, PresenceStore } from './presence-store';

/**
 * Keys, under `parley:presence:` (P below):
 * - `P u:<userId>`: hash of the user's connections, connection id → `active` | `idle`, on any process;
 * - `P conns`: sorted set of `<userId> <connectionId>` → when the entry expires unless its process renews it
 *   (a process that died stops renewing, and its connections vanish);
 * - `P s:<userId>`: the status last announced, `online` | `away`; absent once the user is offline;
 * - `P offline`: sorted set of users with no connection left → when the grace period ends.
 * The scripts below run atomically, so of several processes exactly one announces each change.
 */
const RECOMPUTE = `
local function recompute(p, u)
  local states = redis.call('HVALS', p .. 'u:' .. u)
  if #states == 0 then return false end
  local status = 'away'
  for _, s in ipairs(states) do
    if s == 'active' then status = 'online' break end
  end
  if redis.call('GET', p .. 's:' .. u) == status then return false end
  redis.call('SET', p .. 's:' .. u, status)
  return status
end
`;

/** ARGV: prefix, user, connection, state, entry expiry, `connect` | `activity`. The new status, or nil. */
const SET = new RedisScript(`${RECOMPUTE}
local p, u, c = ARGV[1], ARGV[2], ARGV[3]
if ARGV[6] == 'activity' and redis.call('HEXISTS', p .. 'u:' .. u, c) == 0 then return false end
redis.call('HSET', p .. 'u:' .. u, c, ARGV[4])
redis.call('ZADD', p .. 'conns', ARGV[5], u .. ' ' .. c)
redis.call('ZREM', p .. 'offline', u)
return recompute(p, u)
`);

/** ARGV: prefix, user, connection, end of the grace period. The new status of the remaining connections, or nil. */
const LEAVE = new RedisScript(`${RECOMPUTE}
local p, u, c = ARGV[1], ARGV[2], ARGV[3]
redis.call('ZREM', p .. 'conns', u .. ' ' .. c)
if redis.call('HDEL', p .. 'u:' .. u, c) == 0 then return false end
if redis.call('HLEN', p .. 'u:' .. u) > 0 then return recompute(p, u) end
redis.call('ZADD', p .. 'offline', ARGV[4], u)
return false
`);

/**
 * ARGV: prefix, expiry, then user, connection, state, force quadruples. Renews each entry's expiry and re-creates
 * entries Redis lost (a restart). The state is written only where missing, or where `force` is 1 (this process's
 * last write of it failed): a renewal built before an activity change may reach Redis after it (the NOSCRIPT
 * retry), and must not put the old state back. Changes as user, status pairs.
 */
const RENEW = new RedisScript(`${RECOMPUTE}
local p = ARGV[1]
local users = {}
for i = 3, #ARGV, 4 do
  local u, c = ARGV[i], ARGV[i + 1]
  if ARGV[i + 3] == '1' then
    redis.call('HSET', p .. 'u:' .. u, c, ARGV[i + 2])
  else
    redis.call('HSETNX', p .. 'u:' .. u, c, ARGV[i + 2])
  end
  redis.call('ZADD', p .. 'conns', ARGV[2], u .. ' ' .. c)
  redis.call('ZREM', p .. 'offline', u)
  users[u] = true
end
local out = {}
for u in pairs(users) do
  local s = recompute(p, u)
  if s then table.insert(out, u) table.insert(out, s) end
end
return out
`);

/**
 * ARGV: prefix, now, batch size. Drops expired connections (their process died), then ends the grace period
 * of users whose time is up. Changes as user, status pairs (`offline` included).
 */
const SWEEP = new RedisScript(`${RECOMPUTE}
local p, now, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
local out = {}
for _, m in ipairs(redis.call('ZRANGEBYSCORE', p .. 'conns', '-inf', now, 'LIMIT', 0, n)) do
  redis.call('ZREM', p .. 'conns', m)
  local u, c = string.match(m, '^(%S+) (%S+)$')
  if u then
    redis.call('HDEL', p .. 'u:' .. u, c)
    if redis.call('HLEN', p .. 'u:' .. u) == 0 then
      redis.call('ZADD', p .. 'offline', now, u)
    else
      local s = recompute(p, u)
      if s then table.insert(out, u) table.insert(out, s) end
    end
  end
end
for _, u in ipairs(redis.call('ZRANGEBYSCORE', p .. 'offline', '-inf', now, 'LIMIT', 0, n)) do
  redis.call('ZREM', p .. 'offline', u)
  if redis.call('HLEN', p .. 'u:' .. u) == 0 and redis.call('DEL', p .. 's:' .. u) == 1 then
    table.insert(out, u) table.insert(out, 'offline')
  end
end
return out
`);

const PREFIX = `${REDIS_PREFIX}presence:`;
/** How often each process looks for grace periods that ended and connections of processes that died. */
const SWEEP_MS = 2000;
const SWEEP_BATCH = 500;

/**
 * Presence in Redis, shared by every process: a user's tabs may be connected to different processes. Each
 * process renews its own connections on a heartbeat; every process sweeps, and the script's atomic claim
 * makes one of them announce each user going offline. While Redis is unreachable presence stops changing
 * (the last known statuses stay); the next heartbeat after Redis is back rebuilds it.
 */
export class RedisPresenceStore extends PresenceStore {
  private readonly logger = new Logger('Presence');
  private readonly fallback = new FallbackLog(this.logger, 'Presence is not updated');
  /** This process's connections: connection id → user, state, and whether writing that state to Redis failed. */
  private readonly local = new Map<string, { userId: string; state: ConnectionState; unsaved?: boolean }>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly graceTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly redis: Redis,
    graceMs: number,
    private readonly timing = { heartbeatMs: PRESENCE_HEARTBEAT_MS, entryTtlMs: PRESENCE_ENTRY_TTL_MS, sweepMs: SWEEP_MS },
  ) {
    super(graceMs);
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn(), ms);
      t.unref();
      this.timers.push(t);
    };
    every(timing.heartbeatMs, () => this.heartbeat());
    every(timing.sweepMs, () => this.sweep());
  }

  async connected(userId: string, connectionId: string): Promise<LiveStatus | null> {
    const entry: { userId: string; state: ConnectionState; unsaved?: boolean } = { userId, state: 'active' };
    this.local.set(connectionId, entry);
    const status = await this.set(userId, connectionId, 'active', 'connect');
    if (status === undefined && entry.state === 'active') entry.unsaved = true;
    return status ?? null;
  }

  async activity(userId: string, connectionId: string, state: ConnectionState): Promise<LiveStatus | null> {
    const entry = this.local.get(connectionId);
    if (!entry) return null;
    entry.state = state;
    entry.unsaved = false;
    const status = await this.set(userId, connectionId, state, 'activity');
    if (status === undefined) entry.unsaved = true;
    return status ?? null;
  }

  async disconnected(userId: string, connectionId: string): Promise<LiveStatus | null> {
    if (!this.local.delete(connectionId)) return null;
    return this.leave(userId, connectionId);
  }

  private async leave(userId: string, connectionId: string): Promise<LiveStatus | null> {
    try {
      const status = (await LEAVE.run(this.redis, [], [PREFIX, userId, connectionId, Date.now() + this.graceMs])) as LiveStatus | null;
      if (status === null) this.sweepAfter(this.graceMs);
      return status;
    } catch (err) {
      this.fallback.failed(err);
      return null;
    }
  }

  async statuses(userIds: string[]): Promise<Map<string, LiveStatus>> {
    const result = new Map<string, LiveStatus>();
    if (userIds.length === 0) return result;
    try {
      const values = await this.redis.mget(userIds.map((id) => `${PREFIX}s:${id}`));
      values.forEach((v, i) => v && result.set(userIds[i], v as LiveStatus));
    } catch (err) {
      this.fallback.failed(err);
    }
    return result;
  }

  /** The new status, null when it did not change, undefined when Redis failed (the next heartbeat writes the state). */
  private async set(userId: string, connectionId: string, state: ConnectionState, mode: 'connect' | 'activity'): Promise<LiveStatus | null | undefined> {
    try {
      return (await SET.run(this.redis, [], [PREFIX, userId, connectionId, state, Date.now() + this.timing.entryTtlMs, mode])) as LiveStatus | null;
    } catch (err) {
      this.fallback.failed(err);
      return undefined;
    }
  }

  /** Sweeps once the grace period just started has ended (this process noticed it; any other may too). */
  private sweepAfter(ms: number): void {
    const t = setTimeout(() => {
      this.graceTimers.delete(t);
      void this.sweep();
    }, ms + 20);
    t.unref();
    this.graceTimers.add(t);
  }

  /** Renews this process's connections in Redis (on a timer; tests call it to control the timing). */
  async heartbeat(): Promise<void> {
    const entries = [...this.local];
    for (let i = 0; i < entries.length; i += SWEEP_BATCH) {
      const args: (string | number)[] = [PREFIX, Date.now() + this.timing.entryTtlMs];
      const batch = entries.slice(i, i + SWEEP_BATCH);
      const sent = batch.map(([connectionId, entry]) => {
        args.push(entry.userId, connectionId, entry.state, entry.unsaved ? 1 : 0);
        return { entry, state: entry.state, forced: entry.unsaved };
      });
      try {
        this.report((await RENEW.run(this.redis, [], args)) as string[]);
      } catch (err) {
        this.fallback.failed(err);
        return;
      }
      for (const { entry, state, forced } of sent) if (forced && entry.state === state) entry.unsaved = false;
      // A connection that closed while the renewal was on its way was just written back: remove it again.
      for (const [connectionId, { userId }] of batch) {
        if (!this.local.has(connectionId)) this.tell(userId, await this.leave(userId, connectionId));
      }
    }
  }

  private async sweep(): Promise<void> {
    try {
      this.report((await SWEEP.run(this.redis, [], [PREFIX, Date.now(), SWEEP_BATCH])) as string[]);
    } catch (err) {
      this.fallback.failed(err);
    }
  }

  private tell(userId: string, status: LiveStatus | null): void {
    if (status) this.changed(userId, status);
  }

  private report(pairs: string[]): void {
    const offline: string[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] === 'offline') offline.push(pairs[i]);
      else this.changed(pairs[i], pairs[i + 1] as LiveStatus);
    }
    this.wentOffline(offline);
  }

  onApplicationShutdown(): void {
    for (const t of [...this.timers, ...this.graceTimers]) clearTimeout(t);
  }
}
