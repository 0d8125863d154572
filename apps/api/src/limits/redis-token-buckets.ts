import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { FallbackLog, REDIS_PREFIX, RedisScript } from '../redis/redis-script';
import { BucketRule, TokenBuckets } from './token-buckets';

/**
 * KEYS[1]: the bucket (hash: t = tokens, a = when they were counted, ms). ARGV: rate per second, burst, cost,
 * now (ms). Same rule as MemoryTokenBuckets: refill, take the cost (at most the burst) or answer the wait.
 * The key expires once the bucket would be full again, so idle buckets cost nothing.
 */
const TAKE = new RedisScript(`
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = math.min(tonumber(ARGV[3]), burst)
local now = tonumber(ARGV[4])
local b = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
elseif now > at then
  tokens = math.min(burst, tokens + (now - at) * rate / 1000)
  at = now
end
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
else
  wait = math.ceil((cost - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'a', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
return wait
`);

/**
 * Token buckets in Redis, shared by every API process: one atomic script per take. While Redis is
 * unreachable the limits fail open (the take is allowed), so sends keep committing; the login lockout,
 * which guards passwords, lives in the database and does not depend on Redis.
 */
export class RedisTokenBuckets extends TokenBuckets {
  private readonly fallback = new FallbackLog(new Logger('TokenBuckets'), 'Rate limits are not enforced');

  constructor(private readonly redis: Redis) {
    super();
  }

  async take(key: string, rule: BucketRule, cost = 1, now = Date.now()): Promise<number> {
    try {
      const wait = await TAKE.run(this.redis, [`${REDIS_PREFIX}bucket:${key}`], [rule.ratePerSecond, rule.burst, cost, now]);
      return Number(wait);
    } catch (err) {
      this.fallback.failed(err);
      return 0;
    }
  }
}
