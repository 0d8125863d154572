import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per user for message sends (socket and REST alike): it refills at `rate` per second and
 * holds at most `burst`, so a user may send a quick burst and then about `rate` messages a second. An
 * empty bucket says how long until the next token. Other users are unaffected.
 */
@Injectable()
export class SendThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly burst: number;
  private sweeps = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.rate = config.realtime.sendRatePerSecond;
    this.burst = config.realtime.sendBurst;
  }

  /** Takes a token: 0 when allowed, otherwise the milliseconds to wait before a retry can succeed. */
  take(userId: string, now = Date.now()): number {
    let b = this.buckets.get(userId);
    if (!b) {
      b = { tokens: this.burst, at: now };
      this.buckets.set(userId, b);
      if (++this.sweeps % 1024 === 0) this.sweep(now);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) * this.rate) / 1000);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) * 1000) / this.rate);
  }

  /** Forgets full buckets so the map does not grow with every user ever seen. */
  private sweep(now: number): void {
    const fullAfterMs = (this.burst * 1000) / this.rate;
    for (const [id, b] of this.buckets) if (now - b.at > fullAfterMs) this.buckets.delete(id);
  }
}
