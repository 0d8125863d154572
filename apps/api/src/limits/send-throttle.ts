import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { BucketRule, TokenBuckets } from './token-buckets';

/**
 * The per-user limit on writing messages: sends, edits and deletions, over the socket and REST alike. A
 * user may write a quick burst and then about `SOCKET_SEND_RATE_PER_SECOND` a second; other users are
 * unaffected.
 */
@Injectable()
export class SendThrottle {
  private readonly rule: BucketRule;

  constructor(
    private readonly buckets: TokenBuckets,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.rule = { ratePerSecond: config.realtime.sendRatePerSecond, burst: config.realtime.sendBurst };
  }

  /** Takes one write: 0 when allowed, otherwise the milliseconds to wait before a retry can succeed. */
  take(userId: string, now?: number): Promise<number> {
    return this.buckets.take(`send:${userId}`, this.rule, 1, now);
  }
}
