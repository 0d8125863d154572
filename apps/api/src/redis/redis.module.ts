import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { SHARED_STATE_STATUS, SharedStateStatus } from '../metrics/shared-state-status';
import { RedisConnection } from './redis-connection';

/** The process's Redis connection (REDIS_URL), or none: every shared-state store picks its implementation from it. */
@Global()
@Module({
  providers: [
    { provide: RedisConnection, useFactory: (config: AppConfig) => new RedisConnection(config.redisUrl), inject: [APP_CONFIG] },
    {
      // What /metrics reports as parley_redis_configured / parley_redis_up.
      provide: SHARED_STATE_STATUS,
      useFactory: (redis: RedisConnection): SharedStateStatus => ({
        redisStatus: () => ({ off: 'disabled', ok: 'up', unreachable: 'down' } as const)[redis.status().state],
      }),
      inject: [RedisConnection],
    },
  ],
  exports: [RedisConnection, SHARED_STATE_STATUS],
})
export class RedisModule {}
