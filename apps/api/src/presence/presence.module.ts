import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { FriendsModule } from '../friends/friends.module';
import { RedisConnection } from '../redis/redis-connection';
import { UsersModule } from '../users/users.module';
import { MemoryPresenceStore, PresenceStore } from './presence-store';
import { PresenceService } from './presence.service';
import { RedisPresenceStore } from './redis-presence-store';

/**
 * Presence: online / away / offline with last seen. Global so that friends (and anyone else) can ask it
 * without importing this module, which itself needs friends' RelationsService to know who may see whom.
 */
@Global()
@Module({
  imports: [FriendsModule, UsersModule],
  providers: [
    {
      provide: PresenceStore,
      useFactory: (redis: RedisConnection, config: AppConfig) => {
        const grace = config.realtime.presenceOfflineGraceMs;
        return redis.client ? new RedisPresenceStore(redis.client, grace) : new MemoryPresenceStore(grace);
      },
      inject: [RedisConnection, APP_CONFIG],
    },
    PresenceService,
  ],
  exports: [PresenceService],
})
export class PresenceModule {}
