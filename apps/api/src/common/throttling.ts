import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModuleOptions } from '@nestjs/throttler';
import { AUTH_RATE_LIMITED } from '../auth/auth.decorators';
import type { AppConfig } from '../config/config';
import { MemoryThrottlerStorage } from '../limits/memory-throttler-storage';
import { RedisThrottlerStorage } from '../limits/redis-throttler-storage';
import type { RedisConnection } from '../redis/redis-connection';
import { errors } from './errors';

const MINUTE_MS = 60_000;

function isAuthRoute(ctx: ExecutionContext): boolean {
  return Reflect.getMetadata(AUTH_RATE_LIMITED, ctx.getHandler()) === true;
}

/**
 * Two per-IP limits: a generous one for every API route and a strict one for the authentication routes
 * (register, login, password change). Client IPs come from X-Forwarded-For only when TRUST_PROXY is set.
 * The counters live in this process, or in Redis (shared by every process) when REDIS_URL is set: fixed
 * windows of a minute in both.
 */
export function throttlerOptions(config: AppConfig, redis?: RedisConnection): ThrottlerModuleOptions {
  return {
    storage: redis?.client ? new RedisThrottlerStorage(redis.client) : new MemoryThrottlerStorage(),
    throttlers: [
      { name: 'api', ttl: MINUTE_MS, limit: config.rateLimits.apiPerMinute, skipIf: (ctx) => ctx.getType() !== 'http' },
      { name: 'auth', ttl: MINUTE_MS, limit: config.rateLimits.authPerMinute, skipIf: (ctx) => !isAuthRoute(ctx) },
    ],
  };
}

@Injectable()
export class ApiThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(_ctx: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw errors.rateLimited('Too many requests from this address; slow down', detail.timeToBlockExpire);
  }
}
