import { Global, Module } from '@nestjs/common';
import { RedisConnection } from '../redis/redis-connection';
import { RedisTokenBuckets } from './redis-token-buckets';
import { SendThrottle } from './send-throttle';
import { MemorySocketCap, RedisSocketCap, SocketCap } from './socket-cap';
import { MemoryTokenBuckets, TokenBuckets } from './token-buckets';

/**
 * The per-user limits every module may charge (token buckets) and the per-user socket cap: in this process's
 * memory, or in Redis (shared by every process) when REDIS_URL is set.
 */
@Global()
@Module({
  providers: [
    {
      provide: TokenBuckets,
      useFactory: (redis: RedisConnection) => (redis.client ? new RedisTokenBuckets(redis.client) : new MemoryTokenBuckets()),
      inject: [RedisConnection],
    },
    {
      provide: SocketCap,
      useFactory: (redis: RedisConnection) => (redis.client ? new RedisSocketCap(redis.client) : new MemorySocketCap()),
      inject: [RedisConnection],
    },
    SendThrottle,
  ],
  exports: [TokenBuckets, SocketCap, SendThrottle],
})
export class LimitsModule {}
