import { Global, Module } from '@nestjs/common';
import { SendThrottle } from './send-throttle';
import { MemoryTokenBuckets, TokenBuckets } from './token-buckets';

/** The per-user limits (token buckets) every module may charge. */
@Global()
@Module({
  providers: [{ provide: TokenBuckets, useClass: MemoryTokenBuckets }, SendThrottle],
  exports: [TokenBuckets, SendThrottle],
})
export class LimitsModule {}
