import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { FallbackLog, REDIS_PREFIX, RedisScript } from '../redis/redis-script';

/**
 * KEYS[1]: hits in the current window (a counter that expires with the window), KEYS[2]: the block. ARGV:
 * window ms, limit, block ms. Answers {hits, ms left in the window, blocked 0/1, ms left in the block}. While
 * blocked, requests are not counted; when the limit is passed the block starts and the count starts over, so
 * the first request after the block is the first of a new window (as in the throttler's own memory storage).
 */
const INCREMENT = new RedisScript(`
local ttl = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local block = tonumber(ARGV[3])
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  return {limit + 1, blockLeft, 1, blockLeft}
end
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  left = ttl
end
if hits > limit then
  if block > 0 then
    redis.call('SET', KEYS[2], '1', 'PX', block)
    redis.call('DEL', KEYS[1])
    return {hits, block, 1, block}
  end
  return {hits, left, 1, left}
end
return {hits, left, 0, 0}
`);

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

const seconds = (ms: number) => Math.ceil(ms / 1000);

/**
 * `@nestjs/throttler` storage in Redis, so the per-IP limits hold across every API process. Fixed windows
 * (one counter per key, throttler and window). While Redis is unreachable requests are let through (fail
 * open): the login lockout, which guards passwords, is kept in the database and still applies.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly fallback = new FallbackLog(new Logger('Throttler'), 'Per-IP request limits are not enforced');

  constructor(private readonly redis: Redis) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const base = `${REDIS_PREFIX}throttle:${throttlerName}:${key}`;
    try {
      const [hits, left, blocked, blockLeft] = (await INCREMENT.run(this.redis, [`${base}:hits`, `${base}:block`], [ttl, limit, blockDuration])) as number[];
      return { totalHits: hits, timeToExpire: seconds(left), isBlocked: blocked === 1, timeToBlockExpire: seconds(blockLeft) };
    } catch (err) {
      this.fallback.failed(err);
      return { totalHits: 1, timeToExpire: seconds(ttl), isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
