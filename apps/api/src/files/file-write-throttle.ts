import { Inject, Injectable } from '@nestjs/common';
import { errors } from '../common/errors';
import { APP_CONFIG, AppConfig } from '../config/config';
import { BucketRule, TokenBuckets } from '../limits/token-buckets';

/**
 * The per-user limit on file writes (creating an upload, uploading in one request, deleting a file): the
 * same rate and burst as writing messages (SOCKET_SEND_RATE_PER_SECOND, SOCKET_SEND_BURST), in a bucket of
 * its own so that attaching ten files does not eat into the messages one may send. Resuming an upload
 * (HEAD, PATCH) is not charged: a client may need many requests for one file.
 */
@Injectable()
export class FileWriteThrottle {
  private readonly rule: BucketRule;

  constructor(
    private readonly buckets: TokenBuckets,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.rule = { ratePerSecond: config.realtime.sendRatePerSecond, burst: config.realtime.sendBurst };
  }

  /** Takes one write, or throws the 429 with Retry-After. */
  async take(userId: string): Promise<void> {
    const waitMs = await this.buckets.take(`files:${userId}`, this.rule);
    if (waitMs > 0) throw errors.rateLimited(`You are uploading or deleting files too fast; wait ${Math.ceil(waitMs / 100) / 10} s`, waitMs / 1000);
  }
}
