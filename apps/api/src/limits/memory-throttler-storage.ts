import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  hits: number;
  /** When the window ends (ms since the epoch). */
  endsAt: number;
  /** When the block ends; 0 when not blocked. */
  blockedUntil: number;
}

const seconds = (ms: number) => Math.ceil(ms / 1000);
const SWEEP_EVERY_MS = 60_000;

/**
 * `@nestjs/throttler` storage in this process (one API process, no REDIS_URL), with the same fixed windows as
 * `RedisThrottlerStorage`, so a limit behaves the same whichever is configured. One counter per key,
 * throttler and window: a request costs a map lookup, whatever the limit. (The throttler's own memory
 * storage keeps a timestamp per hit and copies the list on every request: at a limit of 100,000 a minute
 * that is megabytes of garbage a second and long young-generation GC pauses.)
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private nextSweepAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.nextSweepAt = now() + SWEEP_EVERY_MS;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    if (now >= this.nextSweepAt) this.sweep(now);
    const id = `${throttlerName}\u0000${key}`;
    let w = this.windows.get(id);
    if (w && w.blockedUntil > now) {
      const blockLeft = w.blockedUntil - now;
      return { totalHits: limit + 1, timeToExpire: seconds(blockLeft), isBlocked: true, timeToBlockExpire: seconds(blockLeft) };
    }
    if (!w || w.endsAt <= now || w.blockedUntil !== 0) {
      w = { hits: 0, endsAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, w);
    }
    w.hits += 1;
    if (w.hits > limit) {
      if (blockDuration > 0) {
        const hits = w.hits;
        // The block replaces the window: the first request after it starts a new one.
        w.blockedUntil = now + blockDuration;
        w.hits = 0;
        return { totalHits: hits, timeToExpire: seconds(blockDuration), isBlocked: true, timeToBlockExpire: seconds(blockDuration) };
      }
      const left = w.endsAt - now;
      return { totalHits: w.hits, timeToExpire: seconds(left), isBlocked: true, timeToBlockExpire: seconds(left) };
    }
    return { totalHits: w.hits, timeToExpire: seconds(w.endsAt - now), isBlocked: false, timeToBlockExpire: 0 };
  }

  /** Forgets windows and blocks that have ended, so the map holds only addresses seen in the last minutes. */
  private sweep(now: number): void {
    this.nextSweepAt = now + SWEEP_EVERY_MS;
    for (const [id, w] of this.windows) {
      if (w.endsAt <= now && w.blockedUntil <= now) this.windows.delete(id);
    }
  }

  /** How many windows are kept (for tests). */
  get size(): number {
    return this.windows.size;
  }
}
