import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';

/**
 * A Lua script run atomically in Redis: by its SHA1 (EVALSHA), loaded with EVAL the first time and again
 * after a Redis restart forgot it.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(client: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return client.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}

/** Key prefix of everything Parley keeps in Redis, so one Redis can serve other things too. */
export const REDIS_PREFIX = 'parley:';

/**
 * Logs that a Redis-backed store fell back because Redis failed: the first failure, then at most once a
 * minute, so an outage does not flood the log with one line per request.
 */
export class FallbackLog {
  private lastAt = -Infinity;

  constructor(
    private readonly logger: { warn(message: string): void },
    private readonly what: string,
  ) {}

  failed(err: unknown): void {
    const now = Date.now();
    if (now - this.lastAt < 60_000) return;
    this.lastAt = now;
    this.logger.warn(`${this.what}: Redis failed (${err instanceof Error ? err.message : String(err)})`);
  }
}
