import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { FallbackLog, REDIS_PREFIX, RedisScript } from '../redis/redis-script';

/** How often this process renews its sockets' registrations, and how long one lives unrenewed. */
export const SOCKET_HEARTBEAT_MS = 10_000;
export const SOCKET_REGISTRATION_TTL_MS = 35_000;

/**
 * The per-user cap on open sockets (SOCKETS_PER_USER_MAX), counted over every API process. Each socket is
 * registered when its handshake is admitted and released when it closes; this process renews its own
 * registrations on a heartbeat, so the sockets of a process that died stop counting once they expire.
 */
export abstract class SocketCap implements OnApplicationShutdown {
  /** Socket id → user id and when it was admitted, for the sockets this process registered. */
  private readonly local = new Map<string, { userId: string; at: number }>();
  private timer?: NodeJS.Timeout;
  private isConnected: (socketId: string) => boolean = () => true;

  constructor() {
    this.timer = setInterval(() => void this.heartbeat(), SOCKET_HEARTBEAT_MS);
    this.timer.unref();
  }

  /**
   * How to tell whether an admitted socket is still connected here: a client can drop between its admission
   * and its connection, and then no disconnect is ever reported for it.
   */
  watch(isConnected: (socketId: string) => boolean): void {
    this.isConnected = isConnected;
  }

  private async heartbeat(now = Date.now()): Promise<void> {
    const live: [string, string][] = [];
    for (const [socketId, { userId, at }] of this.local) {
      if (this.isConnected(socketId) || now - at < SOCKET_HEARTBEAT_MS) live.push([socketId, userId]);
      else await this.release(userId, socketId);
    }
    await this.renew(live, now);
    // A socket released while the renewal was on its way was just registered again: release it again.
    for (const [socketId, userId] of live) if (!this.local.has(socketId)) await this.remove(userId, socketId);
  }

  /**
   * Registers the socket if the user has fewer than `max` open. Resolves 0 when it did, otherwise the number
   * of sockets the user has open (and registers nothing).
   */
  async admit(userId: string, socketId: string, max: number, now = Date.now()): Promise<number> {
    const open = await this.tryAdmit(userId, socketId, max, now);
    if (open === 0) this.local.set(socketId, { userId, at: now });
    return open;
  }

  /** The socket closed (or its handshake did not complete). */
  async release(userId: string, socketId: string): Promise<void> {
    this.local.delete(socketId);
    await this.remove(userId, socketId);
  }

  protected abstract tryAdmit(userId: string, socketId: string, max: number, now: number): Promise<number>;
  protected abstract remove(userId: string, socketId: string): Promise<void>;
  protected abstract renew(sockets: [socketId: string, userId: string][], now?: number): Promise<void>;

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/** One process: the registrations live in its memory. */
export class MemorySocketCap extends SocketCap {
  private readonly byUser = new Map<string, Map<string, number>>();

  protected async tryAdmit(userId: string, socketId: string, max: number, now: number): Promise<number> {
    const sockets = this.byUser.get(userId) ?? new Map<string, number>();
    for (const [id, expiresAt] of sockets) if (expiresAt <= now) sockets.delete(id);
    if (sockets.size >= max) return sockets.size;
    sockets.set(socketId, now + SOCKET_REGISTRATION_TTL_MS);
    this.byUser.set(userId, sockets);
    return 0;
  }

  protected async remove(userId: string, socketId: string): Promise<void> {
    const sockets = this.byUser.get(userId);
    sockets?.delete(socketId);
    if (sockets?.size === 0) this.byUser.delete(userId);
  }

  protected async renew(sockets: [string, string][], now = Date.now()): Promise<void> {
    for (const [socketId, userId] of sockets) this.byUser.get(userId)?.set(socketId, now + SOCKET_REGISTRATION_TTL_MS);
  }
}

/**
 * KEYS[1]: the user's sockets (sorted set: socket id → registration expiry, ms). ARGV: socket id, cap, now,
 * expiry. Drops expired registrations, then registers the socket if the user is under the cap: 0, or the
 * number open.
 */
const ADMIT = new RedisScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local open = redis.call('ZCARD', KEYS[1])
if open >= tonumber(ARGV[2]) then return open end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
return 0
`);

/** KEYS: users' socket sets; ARGV: expiry, then for each key its socket id. Renews (or re-creates, after a Redis restart). */
const RENEW = new RedisScript(`
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[1], ARGV[i + 1])
  redis.call('PEXPIREAT', key, ARGV[1])
end
return 0
`);

/**
 * The registrations in Redis, shared by every process. While Redis is unreachable the cap fails open: the
 * handshake is admitted (the socket is registered again by the next heartbeat after Redis is back).
 */
export class RedisSocketCap extends SocketCap {
  private readonly fallback = new FallbackLog(new Logger('SocketCap'), 'The per-user socket cap is not enforced');

  constructor(private readonly redis: Redis) {
    super();
  }

  private key(userId: string): string {
    return `${REDIS_PREFIX}sockets:${userId}`;
  }

  protected async tryAdmit(userId: string, socketId: string, max: number, now: number): Promise<number> {
    try {
      return Number(await ADMIT.run(this.redis, [this.key(userId)], [socketId, max, now, now + SOCKET_REGISTRATION_TTL_MS]));
    } catch (err) {
      this.fallback.failed(err);
      return 0;
    }
  }

  protected async remove(userId: string, socketId: string): Promise<void> {
    await this.redis.zrem(this.key(userId), socketId).catch((err: unknown) => this.fallback.failed(err));
  }

  protected async renew(sockets: [string, string][], now = Date.now()): Promise<void> {
    for (let i = 0; i < sockets.length; i += 500) {
      const batch = sockets.slice(i, i + 500);
      await RENEW.run(
        this.redis,
        batch.map(([, userId]) => this.key(userId)),
        [now + SOCKET_REGISTRATION_TTL_MS, ...batch.map(([socketId]) => socketId)],
      ).catch((err: unknown) => this.fallback.failed(err));
    }
  }
}
