import { Injectable } from '@nestjs/common';
import { RedisConnection } from '../../redis/redis-connection';
import { RealtimeService } from '../realtime.service';

/**
 * While Redis was unreachable, broadcasts between processes were dropped (sends still committed). When it is
 * back, every process tells its own connected sockets to run `sync`, so a client that never disconnected
 * shows what it missed at once instead of at its next reconnect.
 */
@Injectable()
export class ResyncDeliveries {
  constructor(redis: RedisConnection, realtime: RealtimeService) {
    redis.onRestored(() => realtime.toLocalSockets('sync:needed', { reason: 'redis_restored' }));
  }
}
