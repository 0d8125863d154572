import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { RedisConnection } from './redis-connection';

/** The process's Redis connection (REDIS_URL), or none: every shared-state store picks its implementation from it. */
@Global()
@Module({
  providers: [{ provide: RedisConnection, useFactory: (config: AppConfig) => new RedisConnection(config.redisUrl), inject: [APP_CONFIG] }],
  exports: [RedisConnection],
})
export class RedisModule {}
