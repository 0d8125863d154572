/** A token bucket's shape: refilled at `ratePerSecond`, holding at most `burst` tokens. */
export interface BucketRule {
  ratePerSecond: number;
  burst: number;
}

/**
 * Token buckets by key: the per-user limits (message sends, socket events). Behind this interface so that
 * the state can live in this process (the default) or be shared by several API processes.
 */
export abstract class TokenBuckets {
  /**
   * Takes `cost` tokens from the key's bucket. Resolves 0 when it could, otherwise the milliseconds until it
   * could (and takes nothing). A cost above the burst is charged as the whole burst.
   */
  abstract take(key: string, rule: BucketRule, cost?: number, now?: number): Promise<number>;
}

interface Bucket {
  tokens: number;
  at: number;
  /** When the bucket is full again, so idle buckets can be forgotten. */
  fullAt: number;
}

/** How many new keys between sweeps of the full (forgettable) buckets. */
const SWEEP_EVERY = 1024;

/** Token buckets in this process's memory: for one API process. */
export class MemoryTokenBuckets extends TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private created = 0;

  take(key: string, rule: BucketRule, cost = 1, now = Date.now()): Promise<number> {
    return Promise.resolve(this.takeNow(key, rule, cost, now));
  }

  /** The same, answered synchronously. */
  takeNow(key: string, rule: BucketRule, cost = 1, now = Date.now()): number {
    const need = Math.min(cost, rule.burst);
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: rule.burst, at: now, fullAt: now };
      this.buckets.set(key, b);
      if (++this.created % SWEEP_EVERY === 0) this.sweep(now);
    } else {
      b.tokens = Math.min(rule.burst, b.tokens + ((now - b.at) * rule.ratePerSecond) / 1000);
      b.at = now;
    }
    if (b.tokens >= need) {
      b.tokens -= need;
      b.fullAt = now + ((rule.burst - b.tokens) * 1000) / rule.ratePerSecond;
      return 0;
    }
    return Math.ceil(((need - b.tokens) * 1000) / rule.ratePerSecond);
  }

  /** Forgets buckets that have refilled, so the map does not grow with every key ever seen. */
  private sweep(now: number): void {
    for (const [key, b] of this.buckets) if (b.fullAt <= now) this.buckets.delete(key);
  }
}
